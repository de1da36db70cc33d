/**
 * The map without a mouse, in Chromium against the web host: from a planned sample, a region
 * drawn with the crosshair, a tile picked with the tile cursor and its run started with Tab and
 * Enter, up to the finished run; a double-click that ends a polygon; and screenshots of stable
 * states compared with the reference images in e2e/reference-images/.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tileCentreLonLat } from '../src/shared/geometry.js';
import { parseGrid } from '../src/shared/grid.js';
import { appSessionForTests, mapRedrawn, pointOf, waitForMapIdle } from './support/app-session.js';
import { GM_CONFIG, openEmptyProject, openPlannedProject, SAMPLE_TASK, waitForRunEnd } from './support/app-states.js';
import { expectScreenshotToMatch } from './support/compare-screenshot.js';
import { ROOT } from './support/paths.js';

/** Tile 218,74 (SAMPLE_TASK's) in the middle of the view at zoom 8. */
const TILE_VIEW = { center: tileCentreLonLat(parseGrid('africa-10'), { x: 218, y: 74 }), zoom: 8 };

/** Presses `key` until the element focused is the one `isFocused` looks for, as a keyboard user tabs to it. */
async function tabTo(page: Page, key: 'Tab' | 'Shift+Tab', what: string, isFocused: () => boolean): Promise<void> {
  for (let presses = 0; presses < 120; presses++) {
    if (await page.evaluate(isFocused)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${what} was not reached in 120 presses of ${key}`);
}

async function press(page: Page, key: string, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
}

const announcement = (page: Page) => page.getByTestId('map-announcement').textContent();

/** The map at rest: place names drawn and every fade and tile done, for a screenshot. */
async function mapAtRest(page: Page): Promise<void> {
  await waitForMapIdle(page);
  await page.waitForFunction(() => window.odcStatsMap!.queryRenderedFeatures({ layers: ['place-labels'] }).length > 0);
  await mapRedrawn(page);
}

function savedWorkspace(page: Page): Promise<{ regions: Array<{ properties: { name: string }; geometry: { coordinates: number[][][] } }>; pickedTiles: string[] }> {
  return page.evaluate(() => (JSON.parse(localStorage.getItem('odc-stats-workspace')!) as { state: never }).state);
}

/** The lon/lat at `dx`, `dy` pixels from the centre of the map. */
function lonLatFromCentre(page: Page, dx: number, dy: number): Promise<[number, number]> {
  return page.evaluate(
    ([x, y]) => {
      const map = window.odcStatsMap!;
      const centre = map.project(map.getCenter());
      return map.unproject([centre.x + x!, centre.y + y!]).toArray();
    },
    [dx, dy],
  );
}

const mapCentre = (page: Page) => page.evaluate(() => window.odcStatsMap!.getCenter().toArray());

describe('the map by keyboard (web host, sample catalogue)', () => {
  const session = appSessionForTests();

  it('shows the start screen as its reference image shows it', async () => {
    const page = await session.freshPage();
    await page.goto(session.host.url);
    await page.getByText('None yet.').waitFor();
    await expectScreenshotToMatch(page, 'start-screen');
  });

  it('draws a region, picks a tile and runs it by keyboard alone', async () => {
    const page = await openPlannedProject(session, { configYaml: GM_CONFIG, view: TILE_VIEW });
    await mapAtRest(page);
    await expectScreenshotToMatch(page.locator('.map-area'), 'planned-grid');

    await tabTo(page, 'Shift+Tab', 'the map', () => document.activeElement?.classList.contains('maplibregl-canvas') ?? false);
    const centre = await mapCentre(page);

    // A square of 200 px around the centre, with a corner too many taken back on the way.
    await press(page, 'p');
    await press(page, 'ArrowUp');
    expect(await announcement(page)).toMatch(/^Crosshair at \d\.\d{5}° S, 37\.\d{5}° E; 0 corners$/);
    await press(page, 'Shift+ArrowLeft', 2);
    await press(page, 'Shift+ArrowUp', 2);
    await press(page, 'ArrowDown');
    await press(page, 'Enter');
    expect(await announcement(page)).toMatch(/^Corner 1 added at /);
    await press(page, 'Shift+ArrowRight', 4);
    await press(page, 'Space');
    await press(page, 'Shift+ArrowDown', 2);
    await press(page, 'Enter');
    await press(page, 'Backspace');
    expect(await announcement(page)).toBe('Last corner taken back; 2 corners.');
    await press(page, 'Shift+ArrowDown', 2);
    await press(page, 'Enter');
    await press(page, 'Shift+ArrowLeft', 4);
    await press(page, 'Enter');
    await press(page, 'Shift+ArrowUp', 4);
    expect(await announcement(page)).toMatch(/, on the first corner: Enter closes the polygon; 4 corners$/);
    await press(page, 'Enter');
    expect(await announcement(page)).toBe('Region 2 added.');
    // The arrows moved the crosshair, not the map.
    expect(await mapCentre(page)).toEqual(centre);

    const drawn = (await savedWorkspace(page)).regions[1]!;
    expect(drawn.properties.name).toBe('Region 2');
    const ring = drawn.geometry.coordinates[0]!;
    const expected = [await lonLatFromCentre(page, -100, -90), await lonLatFromCentre(page, 100, -90), await lonLatFromCentre(page, 100, 110), await lonLatFromCentre(page, -100, 110)];
    expect(ring).toHaveLength(5);
    expect(ring[4]).toEqual(ring[0]);
    ring.slice(0, 4).forEach(([lon, lat], i) => {
      expect(lon).toBeCloseTo(expected[i]![0], 6);
      expect(lat).toBeCloseTo(expected[i]![1], 6);
    });

    // Escape drops a polygon begun and goes back to picking.
    await press(page, 'p');
    await press(page, 'ArrowUp');
    await press(page, 'Enter');
    await press(page, 'Escape');
    expect(await page.getByRole('button', { name: 'Pan / pick' }).getAttribute('aria-pressed')).toBe('true');
    expect((await savedWorkspace(page)).regions).toHaveLength(2);

    // The tile cursor starts on the tile in the middle and walks the grid, north up.
    await press(page, 'ArrowUp');
    expect(await announcement(page)).toMatch(/^Tile 218,74: 2021--P1Y, \d+ datasets, not picked$/);
    await press(page, 'ArrowUp');
    expect(await announcement(page)).toMatch(/^Tile 218,75: 2021--P1Y, \d+ datasets, not picked$/);
    await press(page, 'ArrowRight');
    expect(await announcement(page)).toBe('Tile 219,75: no task planned');
    await press(page, 'Enter');
    expect(await announcement(page)).toBe('Tile 219,75: no task planned, nothing to pick');
    await press(page, 'ArrowLeft');
    await press(page, 'ArrowDown');
    await press(page, 'Enter');
    expect(await announcement(page)).toMatch(/^Tile 218,74: 2021--P1Y, \d+ datasets, picked$/);
    expect((await savedWorkspace(page)).pickedTiles).toEqual([SAMPLE_TASK]);
    expect(await mapCentre(page)).toEqual(centre);
    await mapAtRest(page);
    await expectScreenshotToMatch(page.locator('.map-area'), 'keyboard-region-and-pick');

    await tabTo(page, 'Shift+Tab', 'the run button', () => document.activeElement?.textContent === 'Run 1 picked tile');
    await press(page, 'Enter');
    await waitForRunEnd(page);
    expect(await page.getByTestId('run-status').textContent()).toBe('finished');
  });

  it('ends a polygon on a double-click without adding its corner twice, and keeps drawing a polygon of one corner', async () => {
    const page = await openEmptyProject(session, { view: TILE_VIEW });
    await waitForMapIdle(page);
    await page.getByRole('button', { name: 'Polygon', exact: true }).click();
    const at = async (lon: number, lat: number) => pointOf(page, lon, lat);
    const [lon, lat] = TILE_VIEW.center;
    const zoom = await page.evaluate(() => window.odcStatsMap!.getZoom());

    const first = await at(lon - 0.2, lat + 0.2);
    await page.mouse.dblclick(first.x, first.y);
    expect(await announcement(page)).toBe('A polygon needs 3 corners or more; this one has 1.');
    const second = await at(lon + 0.2, lat + 0.2);
    await page.mouse.click(second.x, second.y);
    const third = await at(lon, lat - 0.2);
    await page.mouse.dblclick(third.x, third.y);
    expect(await announcement(page)).toBe('Region 1 added.');

    const ring = (await savedWorkspace(page)).regions[0]!.geometry.coordinates[0]!;
    expect(ring).toHaveLength(4);
    const expected = [first, second, third];
    for (let i = 0; i < 3; i++) {
      const p = await at(ring[i]![0]!, ring[i]![1]!);
      expect(Math.hypot(p.x - expected[i]!.x, p.y - expected[i]!.y)).toBeLessThan(2);
    }
    expect(ring[3]).toEqual(ring[0]);
    expect(await page.evaluate(() => window.odcStatsMap!.getZoom())).toBe(zoom);
  });

  it.skipIf(process.env.UPDATE_REFERENCE_IMAGES === '1')('fails a screenshot that differs from its reference, leaving the screenshot and the difference', async () => {
    const page = await openPlannedProject(session, { view: TILE_VIEW });
    await mapAtRest(page);
    // An unintended change of style: the tasks' fill in red.
    await page.evaluate(() => window.odcStatsMap!.setPaintProperty('tasks-fill', 'fill-color', '#ff0000'));
    await mapAtRest(page);
    await expect(expectScreenshotToMatch(page.locator('.map-area'), 'planned-grid')).rejects.toThrow(
      /^Screenshot planned-grid does not match e2e\/reference-images\/planned-grid\.png: \d+\.\d\d % of its pixels differ \(tolerance 0\.10 %\); see test-results\/e2e\/screenshot-diffs\/planned-grid-\*\.png, and if the change is intended run UPDATE_REFERENCE_IMAGES=1 npm run e2e\.$/,
    );
    for (const file of ['planned-grid-actual.png', 'planned-grid-diff.png']) expect(existsSync(path.join(ROOT, 'test-results', 'e2e', 'screenshot-diffs', file))).toBe(true);
  });
});
