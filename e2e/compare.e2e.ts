/**
 * Comparing outputs on the map, in Chromium against the web host on the sample: a pq run of the
 * tile the gm run made leaves the gm layers in place, each run in a group of its own; groups are
 * reordered from the keyboard; a swipe shows one layer left of its divider and the other right of
 * it (pixels of the map checked against each layer drawn alone); the histogram's 2–98 % stretch
 * is the percentiles of the COG written, read independently here, and a minimum above the
 * maximum is refused.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fromFile } from 'geotiff';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type AppSession, appSessionForTests, type AppStorage, mapRedrawn, setYaml, waitForMapIdle } from './support/app-session.js';
import { openFinishedRun, SAMPLE_TASK as TASK, waitForRunEnd } from './support/app-states.js';

const PQ_CONFIG = [
  'plugin: pq',
  'product:',
  '  name: s2_pq_demo',
  '  short_name: pq',
  '  version: 1.0.0',
  "  region_code_format: 'x{x:03d}y{y:03d}'",
  'resolution: 120',
  '',
].join('\n');
const GM_GROUP = 's2_gm_demo 1.0.0';
const PQ_GROUP = 's2_pq_demo 1.0.0';

describe('comparing outputs on the map', () => {
  const session = appSessionForTests();

  it('keeps a pq run beside the gm run of the same tile, each in its group, and reorders the groups by keyboard', async () => {
    const page = await openComparedRuns(session);
    expect(await groupNames(page)).toEqual([PQ_GROUP, GM_GROUP]);
    for (const [group, layer] of [
      [GM_GROUP, 'B04+B03+B02'],
      [GM_GROUP, 'COUNT'],
      [PQ_GROUP, 'clear'],
    ]) {
      await layerRow(page, group!, layer!).waitFor();
    }
    // The top of the list is drawn on top.
    await waitForMapIdle(page);
    await expect.poll(() => previewLayersTopFirst(page), { timeout: 20_000 }).toEqual([`${TASK}:clear`, `${TASK}:B04+B03+B02`, `${TASK}:COUNT`]);

    await page.getByRole('button', { name: `Move group ${GM_GROUP} up` }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((gm) => document.querySelector('[data-testid=layer-group]')?.getAttribute('data-group-name') === gm, GM_GROUP);
    expect(await groupNames(page)).toEqual([GM_GROUP, PQ_GROUP]);
    await expect.poll(() => previewLayersTopFirst(page), { timeout: 20_000 }).toEqual([`${TASK}:B04+B03+B02`, `${TASK}:COUNT`, `${TASK}:clear`]);
    // The focus stays with the group moved: its "down" button, now that it is at the top.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Move group ${GM_GROUP} down`);
    await session.shot('compare-01-groups');
  });

  it('swipes between the gm RGB, left of the divider, and the pq clear count, right of it', async () => {
    const page = await openComparedRuns(session);
    await fitTile(page);
    const probes = await tileProbes(page);
    const groupBox = (name: string) => page.getByRole('checkbox', { name, exact: true });

    await groupBox(PQ_GROUP).uncheck();
    const gmAlone = await mapPixels(page, probes);
    await groupBox(PQ_GROUP).check();
    await groupBox(GM_GROUP).uncheck();
    const pqAlone = await mapPixels(page, probes);
    await groupBox(GM_GROUP).check();

    await page.getByLabel('Left', { exact: true }).selectOption({ label: `${GM_GROUP}: ${TASK} RGB (B04, B03, B02)` });
    await page.getByLabel('Right', { exact: true }).selectOption({ label: `${PQ_GROUP}: ${TASK} clear` });
    await page.getByRole('button', { name: 'Swipe', exact: true }).click();
    const divider = page.getByRole('separator', { name: /^Swipe divider/ });
    // Dragged to a third of the map, then a step right by keyboard.
    const box = (await divider.boundingBox())!;
    const map = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, map.y + map.height / 2);
    await page.mouse.down();
    await page.mouse.move(map.x + map.width / 3, map.y + map.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(Number(await divider.getAttribute('aria-valuenow'))).toBe(33);
    await divider.press('ArrowRight');
    expect(Number(await divider.getAttribute('aria-valuenow'))).toBe(34);
    const dividerBox = (await divider.boundingBox())!;
    const dividerX = dividerBox.x + dividerBox.width / 2 - map.x;
    await waitForSwipeCut(page, dividerX);
    const swiped = await mapPixels(page, probes);
    await session.shot('compare-02-swipe');

    let left = 0;
    let right = 0;
    probes.forEach(([x], i) => {
      // Half a source pixel either side of the divider may fall either way.
      if (Math.abs(x - dividerX) < 4) return;
      const expected = x < dividerX ? gmAlone[i]! : pqAlone[i]!;
      expect(closeColours(swiped[i]!, expected), `pixel ${i} at x ${x}`).toBe(true);
      if (!closeColours(gmAlone[i]!, pqAlone[i]!)) {
        if (x < dividerX) left++;
        else right++;
      }
    });
    // Enough points where the two layers differ, on each side, for the check to mean something.
    expect(left).toBeGreaterThan(5);
    expect(right).toBeGreaterThan(5);

    await page.getByRole('button', { name: 'Stop swipe' }).click();
    await divider.waitFor({ state: 'detached' });
  });

  it('stretches the pq clear count to its 2nd–98th percentiles, and refuses a minimum above the maximum', async () => {
    const page = await openComparedRuns(session);
    // The histogram of the top single-band layer drawn: pq's clear count.
    const histogram = page.locator(`[data-testid=histogram][data-layer="${TASK}:clear"]`);
    await histogram.getByRole('img', { name: /^Histogram of/ }).waitFor();
    const clearTif = await findFile(path.join(session.workspace, 'outputs'), /^pq_x218y074_2021--P1Y_clear\.tif$/);
    const [p2, p98] = await percentilesOf(clearTif, [2, 98]);

    await histogram.getByRole('button', { name: 'Min–max' }).click();
    await histogram.getByRole('button', { name: '2–98 %' }).click();
    expect(await histogram.getByRole('button', { name: '2–98 %' }).getAttribute('aria-pressed')).toBe('true');
    const [shownMin, shownMax] = (await page.getByTestId('stretch-range').textContent())!.split(' – ').map(Number);
    expect(shownMin).toBeCloseTo(p2!, 3);
    expect(shownMax).toBeCloseTo(p98!, 3);
    // The layer is drawn again with that stretch: its legend says so.
    await expect.poll(() => page.getByLabel(`Legend of ${TASK} clear`).textContent()).toBe(`${shownMin}${shownMax}`);
    await layerRow(page, PQ_GROUP, 'clear').and(page.locator('[data-loaded=yes]')).waitFor();

    await histogram.getByLabel(`${TASK} clear minimum`).fill('50');
    await histogram.getByLabel(`${TASK} clear maximum`).fill('10');
    await histogram.getByRole('button', { name: 'Apply' }).click();
    expect(await histogram.getByRole('alert').textContent()).toBe('The stretch minimum (50) is above its maximum (10).');
    expect(await page.getByTestId('stretch-range').textContent()).toBe(`${shownMin} – ${shownMax}`);
    await session.shot('compare-03-histogram');
  });
});

const comparedRuns = new WeakMap<AppSession, AppStorage>();

/** A page whose SAMPLE_TASK has run with gm (from app-states) and then with pq, both runs' previews shown. */
async function openComparedRuns(session: AppSession): Promise<Page> {
  if (!comparedRuns.has(session)) {
    const page = await openFinishedRun(session);
    await setYaml(page, PQ_CONFIG);
    await page.getByTestId('config-ok').waitFor();
    await page.getByRole('button', { name: /^Run 1 picked tile$/ }).click();
    await waitForRunEnd(page);
    expect(await page.getByTestId('run-status').textContent()).toBe('finished');
    await layerRow(page, PQ_GROUP, 'clear').and(page.locator('[data-loaded=yes]')).waitFor();
    comparedRuns.set(session, await page.evaluate(() => ({ ...localStorage })));
  }
  const page = await session.freshPage(comparedRuns.get(session));
  await page.goto(session.host.url);
  for (const [group, layer] of [
    [GM_GROUP, 'B04+B03+B02'],
    [PQ_GROUP, 'clear'],
  ]) {
    await layerRow(page, group!, layer!).and(page.locator('[data-loaded=yes]')).waitFor();
  }
  return page;
}

function layerRow(page: Page, group: string, bands: string) {
  return page.locator(`[data-testid=layer-group][data-group-name="${group}"] [data-testid=preview-layer][data-layer="${TASK}:${bands}"]`);
}

function groupNames(page: Page): Promise<string[]> {
  return page.getByTestId('layer-group').evaluateAll((groups) => groups.map((g) => g.getAttribute('data-group-name') ?? ''));
}

/** The preview layers on the map, top first, as task:bands (their ids are `preview:STAC item#bands`). */
function previewLayersTopFirst(page: Page): Promise<string[]> {
  return page.evaluate(
    (task) =>
      (window.odcStatsMap?.getLayersOrder() ?? [])
        .filter((id) => id.startsWith('preview:'))
        .reverse()
        .map((id) => `${task}:${id.split('#')[1]}`),
    TASK,
  );
}

/** Fits the map to tile 218,74's previews. */
async function fitTile(page: Page): Promise<void> {
  await page.evaluate(() => {
    const outputs = JSON.parse(localStorage.getItem('odc-stats-previews')!).state.outputs as Record<string, { bbox: [number, number, number, number] }>;
    const [west, south, east, north] = Object.values(outputs)[0]!.bbox;
    window.odcStatsMap!.fitBounds([west, south, east, north], { duration: 0, padding: 20 });
  });
  await waitForMapIdle(page);
}

/** A grid of points of the map canvas inside the tile, away from its edges. */
async function tileProbes(page: Page): Promise<Array<[number, number]>> {
  const rect = await page.evaluate(() => {
    const outputs = JSON.parse(localStorage.getItem('odc-stats-previews')!).state.outputs as Record<string, { bbox: [number, number, number, number] }>;
    const [west, south, east, north] = Object.values(outputs)[0]!.bbox;
    const map = window.odcStatsMap!;
    const nw = map.project([west, north]);
    const se = map.project([east, south]);
    return { left: nw.x, top: nw.y, right: se.x, bottom: se.y };
  });
  const probes: Array<[number, number]> = [];
  for (let i = 1; i < 20; i++) {
    for (let j = 1; j < 8; j++) {
      probes.push([Math.round(rect.left + ((rect.right - rect.left) * i) / 20), Math.round(rect.top + ((rect.bottom - rect.top) * j) / 8)]);
    }
  }
  return probes;
}

/** The colours of the map canvas at points (CSS pixels), once the map has drawn what it was given. */
async function mapPixels(page: Page, points: Array<[number, number]>): Promise<Array<[number, number, number]>> {
  await waitForMapIdle(page);
  await mapRedrawn(page);
  return page.evaluate((pts) => {
    const map = window.odcStatsMap!;
    const source = map.getCanvas();
    const canvas = document.createElement('canvas');
    canvas.width = source.width;
    canvas.height = source.height;
    const context = canvas.getContext('2d')!;
    context.drawImage(source, 0, 0);
    const scale = source.width / source.clientWidth;
    return pts.map(([x, y]) => {
      const [r, g, b] = context.getImageData(Math.floor(x * scale), Math.floor(y * scale), 1, 1).data;
      return [r!, g!, b!] as [number, number, number];
    });
  }, points);
}

/**
 * Waits until the swiped layers' image sources hold the parts cut at the divider `dividerX` (CSS
 * pixels across the map): one source ends there, another starts there, within a column of the image.
 */
async function waitForSwipeCut(page: Page, dividerX: number): Promise<void> {
  await page.waitForFunction((x) => {
    const map = window.odcStatsMap!;
    const cut = map.unproject([x, map.getContainer().clientHeight / 2]).lng;
    const corners = map
      .getLayersOrder()
      .filter((id) => id.startsWith('preview:'))
      .map((id) => (map.getSource(id) as unknown as { coordinates: number[][] }).coordinates);
    const wests = corners.map((c) => c[0]![0]!);
    const easts = corners.map((c) => c[1]![0]!);
    const column = (Math.max(...easts) - Math.min(...wests)) / 512;
    return easts.some((e) => Math.abs(e - cut) <= column) && wests.some((w) => Math.abs(w - cut) <= column);
  }, dividerX);
}

function closeColours(a: [number, number, number], b: [number, number, number]): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= 3);
}

async function findFile(dir: string, pattern: RegExp): Promise<string> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && pattern.test(entry.name)) return path.join(entry.parentPath, entry.name);
  }
  throw new Error(`no file matching ${pattern} under ${dir}`);
}

/** Percentiles of a single-band GeoTIFF's valid pixels (its GDAL nodata left out), as numpy computes them. */
async function percentilesOf(file: string, ps: number[]): Promise<number[]> {
  const image = await (await fromFile(file)).getImage();
  const nodata = image.getGDALNoData();
  const [band] = (await image.readRasters()) as unknown as ArrayLike<number>[];
  const valid = Array.from(band!).filter((v) => v !== nodata && !Number.isNaN(v));
  valid.sort((a, b) => a - b);
  return ps.map((p) => {
    const rank = (p / 100) * (valid.length - 1);
    const below = Math.floor(rank);
    const above = Math.min(valid.length - 1, below + 1);
    return valid[below]! + (valid[above]! - valid[below]!) * (rank - below);
  });
}
