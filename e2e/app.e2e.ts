/**
 * The desktop app end to end, in Chromium against the web host on the bundled sample: open,
 * draw a region, plan, see the tasks, pick a tile, run gm-s2 on it, see the preview, inspect a
 * pixel whose COUNT is read independently from the COG written, break the YAML and see the
 * error on its line, fix it and rerun, reload and find the workspace as it was, save the project.
 * Each test starts from the state it needs (support/app-states.ts), in a page of its own.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fromFile } from 'geotiff';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { tileCentreLonLat } from '../src/shared/geometry.js';
import { parseGrid } from '../src/shared/grid.js';
import { pointOf, setYaml, appSessionForTests, waitForMapIdle } from './support/app-session.js';
import { GM_CONFIG, keepFinishedRun, openFinishedRun, openEmptyProject, openPlannedProject, SAMPLE_REGION, SAMPLE_TASK as TASK, waitForRunEnd } from './support/app-states.js';

const BROKEN_LINE = 4;
const GM_BROKEN = GM_CONFIG.replace('  bands:', '  bandz:');

/** A point inside tile 218,74 and inside the sample's scenes. */
const PROBE: [number, number] = [37.3, -1.8];
const EASE_GRID = '+proj=cea +lat_ts=30 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs';

describe('the desktop app in a browser (web host, sample catalogue)', () => {
  const session = appSessionForTests();

  const shot = (name: string) => session.shot(name);

  it('opens on the start screen and starts a new project', async () => {
    const page = await session.freshPage();
    await page.goto(session.host.url);
    await page.getByRole('button', { name: 'New project' }).waitFor();
    await shot('01-start-screen');
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByTestId('map').waitFor();
    await waitForMapIdle(page);
  });

  it('shows a planning error as one sentence next to the catalogue', async () => {
    const page = await openEmptyProject(session);
    await page.getByLabel('Catalogue (STAC path or URL)').fill('/no/such/catalog.json');
    await page.getByRole('button', { name: 'Plan tasks' }).click();
    const error = page.locator('#plan-error-catalog');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^[A-Z].*\.$/);
    await shot('02-catalogue-error');
  });

  it('uses the sample, draws a region and plans it', async () => {
    const page = await openEmptyProject(session);
    await page.getByRole('button', { name: 'Use sample' }).click();
    await page.waitForFunction(() => (document.getElementById('catalog') as HTMLInputElement).value.endsWith('catalog.json'));
    await waitForMapIdle(page);
    await page.getByRole('button', { name: 'Draw rectangle' }).click();
    const a = await pointOf(page, ...SAMPLE_REGION[0]);
    const b = await pointOf(page, ...SAMPLE_REGION[1]);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 8 });
    await page.mouse.up();
    await page.getByRole('list', { name: 'Regions' }).getByRole('listitem').first().waitFor();
    // Edit: drag the north-east corner's handle a little further north-west.
    await page.getByRole('button', { name: 'Edit region' }).click();
    await waitForMapIdle(page);
    const corner = await pointOf(page, 37.6, -1.2);
    const moved = await pointOf(page, 37.5, -1.1);
    await page.mouse.move(corner.x, corner.y);
    await page.mouse.down();
    await page.mouse.move(moved.x, moved.y, { steps: 6 });
    await page.mouse.up();
    const ring = await page.evaluate(() => {
      const saved = JSON.parse(localStorage.getItem('odc-stats-workspace')!) as { state: { regions: Array<{ geometry: { coordinates: number[][][] } }> } };
      return saved.state.regions[0]!.geometry.coordinates[0]!;
    });
    expect(ring[2]![0]).toBeCloseTo(37.5, 2);
    expect(ring[2]![1]).toBeCloseTo(-1.1, 2);
    expect(ring[0]).toEqual(ring[4]);
    await page.getByRole('button', { name: 'Pan / pick' }).click();
    await shot('03-region-drawn');

    await page.getByRole('button', { name: 'Plan tasks' }).click();
    const summary = page.getByTestId('plan-summary');
    await summary.waitFor({ timeout: 60_000 });
    // The rectangle lies in tile column 218 and crosses rows 74 and 75.
    expect(await summary.textContent()).toContain('2 tasks');
    await page.getByTestId('task-legend').waitFor();
    await waitForMapIdle(page);
    await shot('04-planned-tasks');
  });

  it('shows a task on hover and picks it with a click', async () => {
    const page = await openPlannedProject(session);
    await waitForMapIdle(page);
    const [lon, lat] = tileCentreLonLat(parseGrid('africa-10'), { x: 218, y: 74 });
    const centre = await pointOf(page, lon, lat);
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.move(centre.x + 2, centre.y + 2);
    const card = page.getByTestId('hover-card');
    await card.waitFor();
    expect(await card.textContent()).toMatch(/Tile 218,74.*Period 2021--P1Y.*\d+ datasets · \d+ days/);
    await shot('05-hover');
    // A box over both tasks picks both; then one is unpicked from the list.
    await page.getByRole('button', { name: 'Box pick' }).first().click();
    const a = await pointOf(page, 36.9, -0.9);
    const b = await pointOf(page, 37.7, -2.1);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 6 });
    await page.mouse.up();
    await page.getByTestId('picked-tiles').getByText('2021--P1Y/218/75').waitFor();
    expect(await page.getByTestId('picked-tiles').getByRole('listitem').count()).toBe(2);
    await page.getByRole('button', { name: 'Clear picks' }).click();
    await page.getByRole('button', { name: 'Pan / pick' }).click();
    // A click picks one.
    await page.mouse.click(centre.x, centre.y);
    await page.getByTestId('picked-tiles').getByText(TASK).waitFor();
    expect(await page.getByTestId('picked-tiles').getByRole('listitem').count()).toBe(1);
    await shot('06-picked-tile');
  });

  it('runs the picked tile with gm-s2 and shows its preview', async () => {
    const page = await openPlannedProject(session, { pickedTiles: [TASK] });
    await setYaml(page, GM_CONFIG);
    await page.getByTestId('config-ok').waitFor();
    await page.getByRole('button', { name: /^Run 1 picked tile$/ }).click();
    await page.getByTestId('run-tasks').getByText(TASK).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'running');
    await shot('07-running');
    await waitForRunEnd(page);
    expect(await page.getByTestId('run-status').textContent()).toBe('finished');
    await page.locator(`[data-testid=preview-layer][data-layer="${TASK}:B04+B03+B02"][data-loaded=yes]`).waitFor();
    await page.locator(`[data-testid=preview-layer][data-layer="${TASK}:COUNT"][data-loaded=yes]`).waitFor();
    await page.evaluate(() => window.odcStatsMap!.fitBounds([36.8, -2.3, 37.85, -1.45], { duration: 0 }));
    await waitForMapIdle(page);
    await shot('08-preview-rgb');
    // The other tests that start from a finished run start from this one.
    await keepFinishedRun(session, page);
  });

  it('inspects a pixel: the COUNT shown is the one in the COG written', async () => {
    const page = await openFinishedRun(session);
    const countTif = await findFile(path.join(session.workspace, 'outputs'), /_x218y074_2021--P1Y_COUNT\.tif$/);
    const expected = await pixelValue(countTif, PROBE);
    expect(expected).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Inspect' }).click();
    await waitForMapIdle(page);
    const probe = await pointOf(page, ...PROBE);
    await page.mouse.click(probe.x, probe.y);
    const count = page.getByTestId('inspector').locator('tr[data-band=COUNT] td');
    await count.waitFor({ timeout: 20_000 });
    expect(Number(await count.textContent())).toBe(expected);
    // Every band is listed.
    for (const band of ['B02', 'B03', 'B04', 'B08', 'B11', 'B12', 'SMAD', 'EMAD', 'BCMAD', 'COUNT']) {
      await page.getByTestId('inspector').locator(`tr[data-band=${band}]`).waitFor();
    }
    await shot('09-inspect-pixel');

    // The count layer through its ramp, with its legend.
    await page.getByRole('checkbox', { name: /B04, B03, B02/ }).uncheck();
    await page.getByRole('checkbox', { name: /COUNT/ }).check();
    await page.getByLabel(/Legend of .*COUNT/).waitFor();
    await waitForMapIdle(page);
    // Any band can be added as a layer: the SMAD through a ramp.
    await page.getByLabel(/Add a band of/).selectOption('SMAD');
    await page.locator(`[data-testid=preview-layer][data-layer="${TASK}:SMAD"][data-loaded=yes]`).waitFor();
    await page.getByRole('checkbox', { name: /SMAD/ }).uncheck();
    await shot('10-preview-count');
  });

  it('shows a broken plugin_config key on its line, and runs again once fixed', async () => {
    const page = await openPlannedProject(session, { pickedTiles: [TASK], configYaml: GM_CONFIG, lastRunConfigYaml: GM_CONFIG });
    await setYaml(page, GM_BROKEN);
    const problems = page.getByTestId('config-problems');
    await problems.waitFor();
    expect(await problems.textContent()).toContain(`Line ${BROKEN_LINE}: unknown key 'bandz' in plugin_config of gm-s2`);
    // CodeMirror marks the same line.
    await page.locator('.cm-lintRange-error').first().waitFor();
    const markedLine = await page.evaluate(() => {
      const mark = document.querySelector('.cm-lintRange-error')!;
      const line = mark.closest('.cm-line')!;
      return Array.from(document.querySelectorAll('.cm-content .cm-line')).indexOf(line) + 1;
    });
    expect(markedLine).toBe(BROKEN_LINE);
    await page.getByRole('button', { name: /^Run 1 picked tile$/ }).click();
    const runError = page.locator('#run-error');
    await runError.waitFor();
    expect(await runError.textContent()).toContain(`line ${BROKEN_LINE}`);
    await page.getByText('Changes since the last run').click();
    await shot('11-yaml-error');

    await setYaml(page, GM_CONFIG);
    await page.getByTestId('config-ok').waitFor();
    await page.getByRole('button', { name: /^Run 1 picked tile$/ }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'running');
    await waitForRunEnd(page);
    expect(await page.getByTestId('run-status').textContent()).toBe('finished');
    await shot('12-rerun-finished');
  });

  it('keeps the workspace across a reload', async () => {
    const page = await openFinishedRun(session);
    await page.reload();
    await page.getByTestId('map').waitFor();
    await page.getByTestId('picked-tiles').getByText(TASK).waitFor();
    await page.getByTestId('task-legend').waitFor();
    await page.locator('[data-testid=preview-layer][data-loaded=yes]').first().waitFor();
    expect(await page.locator('.cm-content').textContent()).toContain('resolution: 120');
    expect(await page.getByRole('list', { name: 'Regions' }).getByRole('listitem').count()).toBe(1);
    await waitForMapIdle(page);
    await shot('13-after-reload');
  });

  it('saves the project and lists it on the start screen', async () => {
    const page = await openPlannedProject(session, { pickedTiles: [TASK] });
    await page.getByLabel('Project name').fill('Kenya sample');
    await page.getByLabel('Project file').fill('kenya');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Saved to .*kenya\.odcproj\.json/).waitFor();
    await page.getByRole('button', { name: 'Start screen' }).click();
    await page.getByRole('list', { name: 'Recent projects' }).getByRole('button', { name: 'Kenya sample' }).waitFor();
    await shot('14-recent-projects');
    await page.getByRole('list', { name: 'Recent projects' }).getByRole('button', { name: 'Kenya sample' }).click();
    await page.getByTestId('picked-tiles').getByText(TASK).waitFor();
  });
});

async function findFile(dir: string, pattern: RegExp): Promise<string> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && pattern.test(entry.name)) return path.join(entry.parentPath, entry.name);
  }
  throw new Error(`no file matching ${pattern} under ${dir}`);
}

/** The value of a single-band GeoTIFF at a lon/lat, read with geotiff.js on the file's own grid (EPSG:6933). */
async function pixelValue(file: string, [lon, lat]: [number, number]): Promise<number> {
  const tiff = await fromFile(file);
  const image = await tiff.getImage();
  const [originX, originY] = image.getOrigin() as [number, number];
  const [resX, resY] = image.getResolution() as [number, number];
  const [x, y] = proj4('WGS84', EASE_GRID, [lon, lat]);
  const col = Math.floor((x! - originX) / resX);
  const row = Math.floor((y! - originY) / resY);
  const rasters = (await image.readRasters({ window: [col, row, col + 1, row + 1] })) as unknown as ArrayLike<number>[];
  return Number(rasters[0]![0]);
}
