/**
 * Context on the map, in Chromium against the web host: the search flies to coordinates and
 * tile indices, the cursor readout follows the pointer, place names of the offline gazetteer
 * label the sample's region at zoom 8 and regions carry their name and area, a bow-tie polygon
 * is refused, a double-click adds no vertex twice, and a loaded region comes into view.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Project } from '../src/shared/api.js';
import { lonLatBBoxOfTiles } from '../src/shared/geometry.js';
import { parseGrid } from '../src/shared/grid.js';
import { appSessionForTests, pointOf, waitForMapIdle } from './support/app-session.js';
import { openEmptyProject, SAMPLE_REGION } from './support/app-states.js';

const [[WEST, NORTH], [EAST, SOUTH]] = SAMPLE_REGION;
const REGION_RING = [
  [WEST, SOUTH],
  [EAST, SOUTH],
  [EAST, NORTH],
  [WEST, NORTH],
  [WEST, SOUTH],
];
/** The sample's region in view at zoom 8, as a planned project shows it. */
const SAMPLE_VIEW: Partial<Project> = { view: { center: [(WEST + EAST) / 2, (NORTH + SOUTH) / 2], zoom: 8 } };

function mapView(page: Page): Promise<{ lon: number; lat: number; zoom: number; moving: boolean }> {
  return page.evaluate(() => {
    const map = window.odcStatsMap!;
    const c = map.getCenter();
    return { lon: c.lng, lat: c.lat, zoom: map.getZoom(), moving: map.isMoving() };
  });
}

/** Waits for the map to come to rest with its centre within `tolerance` degrees of [lon, lat]. */
async function expectCentre(page: Page, lon: number, lat: number, tolerance: number): Promise<{ zoom: number }> {
  let view = await mapView(page);
  await expect
    .poll(
      async () => {
        view = await mapView(page);
        return !view.moving && Math.abs(view.lon - lon) < tolerance && Math.abs(view.lat - lat) < tolerance;
      },
      { timeout: 10_000, interval: 100 },
    )
    .toBe(true);
  return view;
}

function renderedNames(page: Page, layer: string, property: string): Promise<string[]> {
  return page.evaluate(
    ([id, key]) => window.odcStatsMap!.queryRenderedFeatures({ layers: [id!] }).map((f) => String(f.properties[key!])),
    [layer, property],
  );
}

describe('context on the map (web host, sample catalogue)', () => {
  const session = appSessionForTests();

  it('flies to coordinates and to a tile index typed in the search, and says what it cannot find', async () => {
    const page = await openEmptyProject(session, SAMPLE_VIEW);
    await waitForMapIdle(page);
    const search = page.getByLabel('Search the map');

    await search.fill('-1.28, 36.82');
    await search.press('Enter');
    expect(await page.getByTestId('map-search-found').textContent()).toBe('1.28000° S, 36.82000° E (read as lat, lon)');
    const { zoom } = await expectCentre(page, 36.82, -1.28, 1e-4);
    expect(zoom).toBeGreaterThanOrEqual(11);

    await search.fill('218,75');
    await search.press('Enter');
    const [w, s, e, n] = lonLatBBoxOfTiles(parseGrid('africa-10'), [{ x: 218, y: 75 }])!;
    await expectCentre(page, (w + e) / 2, (s + n) / 2, 0.01);
    expect(await page.getByTestId('map-search-found').textContent()).toBe('Tile 218,75 of africa-10');

    await search.fill('tile 9999,75');
    await search.press('Enter');
    expect(await page.getByRole('alert').filter({ hasText: 'no tile' }).textContent()).toMatch(/^Grid africa-10 has no tile 9999,75: its tiles run x 0…\d+, y 0…\d+\.$/);
    await search.fill('Qqqzville');
    await search.press('Enter');
    expect(await page.locator('#map-search-error').textContent()).toBe('No place called "Qqqzville" in the offline gazetteer (towns of 2,000 people or more).');

    await search.fill('Nakuru');
    await search.press('Enter');
    await expectCentre(page, 36.07, -0.3, 0.01);
    await expect.poll(() => renderedNames(page, 'place-labels', 'name'), { timeout: 15_000 }).toContain('Nakuru');
    await session.shot('map-01-search-place');
  });

  it('reads out the lon/lat and the grid position under the pointer', async () => {
    const page = await openEmptyProject(session, SAMPLE_VIEW);
    await waitForMapIdle(page);
    const at = await pointOf(page, 37.3, -1.8);
    await page.mouse.move(at.x, at.y);
    const lonLat = (await page.getByTestId('cursor-lonlat').textContent())!;
    const [, lat, lon] = /^([\d.]+)° S, ([\d.]+)° E$/.exec(lonLat)!;
    // Half a pixel at zoom 8 is under 0.003°.
    expect(Math.abs(Number(lat) - 1.8)).toBeLessThan(0.003);
    expect(Math.abs(Number(lon) - 37.3)).toBeLessThan(0.003);
    expect(await page.getByTestId('cursor-grid').textContent()).toMatch(/^EPSG:6933 x 3,59\d,\d{3} m, y -2\d\d,\d{3} m · tile 218,74$/);
    await page.mouse.move(at.x + 50, at.y);
    expect(await page.getByTestId('cursor-lonlat').textContent()).not.toBe(lonLat);
  });

  it('names places at zoom 8 on the sample region, and labels the region with its area', async () => {
    const region = { type: 'Feature', properties: { id: 'r-sample', name: 'Sample area' }, geometry: { type: 'Polygon', coordinates: [REGION_RING] } };
    const page = await openEmptyProject(session, { ...SAMPLE_VIEW, regions: [region] });
    await waitForMapIdle(page);
    await expect.poll(() => renderedNames(page, 'place-labels', 'name'), { timeout: 15_000 }).toEqual(expect.arrayContaining(['Nairobi', 'Thika', 'Athi River']));
    const label = (await renderedNames(page, 'region-labels', 'label'))[0]!;
    expect(label).toMatch(/^Sample area\n5,\d{3} km²$/);
    expect(await page.getByTestId('region-area').textContent()).toBe(label.split('\n')[1]);
    await session.shot('map-02-place-names');

    // Zoom to the region from the list, after looking elsewhere.
    await page.getByLabel('Search the map').fill('0.5, 10.5');
    await page.getByLabel('Search the map').press('Enter');
    await expectCentre(page, 10.5, 0.5, 1e-4);
    await page.getByRole('button', { name: 'Zoom to Sample area' }).click();
    await expectCentre(page, (WEST + EAST) / 2, (NORTH + SOUTH) / 2, 0.01);
  });

  it('refuses a bow-tie polygon in one line, and adds no corner twice on a double-click', async () => {
    const page = await openEmptyProject(session, SAMPLE_VIEW);
    await waitForMapIdle(page);
    await page.getByRole('button', { name: 'Draw polygon' }).click();
    const click = async (lon: number, lat: number, double = false) => {
      const p = await pointOf(page, lon, lat);
      if (double) await page.mouse.dblclick(p.x, p.y);
      else await page.mouse.click(p.x, p.y);
    };
    await click(37.0, -1.3);
    await click(37.5, -1.8);
    await click(37.5, -1.3);
    await click(37.0, -1.8, true);
    expect(await page.getByTestId('map-message').textContent()).toMatch(/^Polygon not added: it crosses itself near \[.*\]; redraw it without a loop or bow-tie\.×$/);
    expect(await page.getByRole('list', { name: 'Regions' }).count()).toBe(0);
    await session.shot('map-03-bow-tie-refused');

    await page.getByRole('button', { name: 'Draw polygon' }).click();
    await click(37.0, -1.3);
    await click(37.5, -1.3);
    await click(37.2, -1.8, true);
    await page.getByRole('list', { name: 'Regions' }).getByRole('listitem').first().waitFor();
    expect(await page.getByTestId('map-message').count()).toBe(0);
    const ring = await page.evaluate(() => {
      const saved = JSON.parse(localStorage.getItem('odc-stats-workspace')!) as { state: { regions: Array<{ geometry: { coordinates: number[][][] } }> } };
      return saved.state.regions[0]!.geometry.coordinates[0]!;
    });
    expect(ring).toHaveLength(4);
    expect(ring[0]).toEqual(ring[3]);
  });

  it('brings a loaded GeoJSON region into view', async () => {
    const page = await openEmptyProject(session);
    await waitForMapIdle(page);
    const geojson = JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [REGION_RING] } });
    await page.getByTestId('geojson-file').setInputFiles({ name: 'rift.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(geojson) });
    const { zoom } = await expectCentre(page, (WEST + EAST) / 2, (NORTH + SOUTH) / 2, 0.01);
    expect(zoom).toBeGreaterThan(7);
  });
});
