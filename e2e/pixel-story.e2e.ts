/**
 * The pixel's story, as a scientist asks it: inspect a pixel of a planned tile and see every
 * observation of the period there, each with its fate under gm-s2's masking. The values are
 * checked against the sample's COGs read here, and the fates against SCL and gm-s2's filters
 * (opening 2, then dilation 5, on disks) worked out here by brute force.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fromFile } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { isApiError } from '../src/shared/api.js';
import { transformer } from '../src/shared/crs.js';
import { parseGrid, tileGeobox } from '../src/shared/grid.js';
import { appSessionForTests, pointOf, setYaml, waitForMapIdle } from './support/app-session.js';
import { GM_CONFIG, openPlannedProject } from './support/app-states.js';

const session = appSessionForTests();

/** Nearest-neighbour resampling, so that a pixel's values are its source pixel's, as read here. */
const CONFIG = GM_CONFIG.replace('  bands: [B02, B03, B04, B08, B11, B12]', '  bands: [B02, B03, B04, B08, B11, B12]\n  resampling: nearest');
const TILE = { x: 218, y: 74 };
const CLOUD = new Set([3, 8, 9, 10]);
const BANDS = ['B04', 'B08'] as const;
/** The reach of opening 2 then dilation 5: 2 × 2 + 5. */
const REACH = 9;

interface SourceRaster {
  west: number;
  north: number;
  size: number;
  width: number;
  height: number;
  data: Record<string, Uint8Array | Uint16Array>;
}

interface SampleDay {
  day: string;
  rasters: SourceRaster[];
}

async function readSample(catalog: string): Promise<SampleDay[]> {
  const root = path.dirname(catalog);
  const items: Array<{ properties: { datetime: string }; assets: Record<string, { href: string }> }> = [];
  for (const entry of await fs.readdir(root, { recursive: true })) {
    if (!entry.endsWith('.json')) continue;
    const json = JSON.parse(await fs.readFile(path.join(root, entry), 'utf8')) as { type?: string };
    if (json.type === 'Feature') items.push({ ...(json as (typeof items)[number]), assets: resolved(json as (typeof items)[number], path.dirname(path.join(root, entry))) });
  }
  const days = new Map<string, SourceRaster[]>();
  for (const item of items) {
    const day = item.properties.datetime.slice(0, 10);
    const data: SourceRaster['data'] = {};
    let geo: Omit<SourceRaster, 'data'> | undefined;
    for (const band of ['SCL', ...BANDS]) {
      const image = await (await fromFile(item.assets[band]!.href)).getImage();
      const [west, north] = image.getOrigin() as [number, number];
      const [size] = image.getResolution() as [number, number];
      geo = { west, north, size, width: image.getWidth(), height: image.getHeight() };
      data[band] = (await image.readRasters({ samples: [0] }))[0] as Uint8Array | Uint16Array;
    }
    days.set(day, [...(days.get(day) ?? []), { ...geo!, data }]);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, rasters]) => ({ day, rasters }));
}

function resolved(item: { assets: Record<string, { href: string }> }, dir: string): Record<string, { href: string }> {
  return Object.fromEntries(Object.entries(item.assets).map(([k, a]) => [k, { href: path.resolve(dir, a.href) }]));
}

/** The tile at the config's 120 m, its pixel centres in UTM 37S (the sample's CRS). */
function tilePixels() {
  const grid = { ...parseGrid('africa-10'), resolution: 120 };
  const tile = tileGeobox({ ...grid, tileShape: grid.tileSize / 120 }, TILE);
  const toUtm = transformer(tile.crs, 'EPSG:32737');
  const toLonLat = transformer(tile.crs, 'EPSG:4326');
  const [a, , c, , e, f] = tile.affine;
  const centre = (col: number, row: number) => [c + a * (col + 0.5), f + e * (row + 0.5)] as const;
  return { tile, utm: (col: number, row: number) => toUtm(...centre(col, row)), lonLat: (col: number, row: number) => toLonLat(...centre(col, row)) };
}

/** A band of the day at a UTM point: the first raster of the day with data there (SCL not 0), as the same day's datasets fuse; 0 without. */
function sampleAt(day: SampleDay, band: string, x: number, y: number): number {
  for (const r of day.rasters) {
    const col = Math.floor((x - r.west) / r.size);
    const row = Math.floor((r.north - y) / r.size);
    if (col < 0 || row < 0 || col >= r.width || row >= r.height) continue;
    if (r.data['SCL']![row * r.width + col] === 0) continue;
    return r.data[band]![row * r.width + col]!;
  }
  return 0;
}

function disk(radius: number): Array<[number, number]> {
  const offsets: Array<[number, number]> = [];
  for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) if (dx * dx + dy * dy <= radius * radius) offsets.push([dx, dy]);
  return offsets;
}
const DISK_2 = disk(2);
const DISK_5 = disk(5);

/**
 * gm-s2's fate of one day at a pixel, by brute force: `scl` holds the day's SCL over the pixel's
 * neighbourhood, (2 × REACH + 1)² pixels row by row, the pixel in the middle. Erosion by 2 is
 * needed within 7 pixels of it, the opening within 5, for the dilation by 5 at the pixel.
 */
function fateByHand(scl: number[], bandValues: number[]): string {
  const side = 2 * REACH + 1;
  const cloud = (dx: number, dy: number) => CLOUD.has(scl[(dy + REACH) * side + dx + REACH]!);
  const eroded = new Map<string, boolean>();
  for (let dy = -7; dy <= 7; dy++) for (let dx = -7; dx <= 7; dx++) eroded.set(`${dx},${dy}`, DISK_2.every(([ex, ey]) => cloud(dx + ex, dy + ey)));
  const opened = (dx: number, dy: number) => DISK_2.some(([ex, ey]) => eroded.get(`${dx + ex},${dy + ey}`));
  const masked = DISK_5.some(([ex, ey]) => opened(ex, ey));
  if (scl[(side * side - 1) / 2] === 0) return 'nodata';
  if (masked) return cloud(0, 0) ? 'cloud' : 'filtered';
  if (bandValues.some((v) => v === 0)) return 'nodata';
  return 'clear';
}

describe('the pixel story', () => {
  it("shows every observation of a pixel with its values and its fate under the config's masking", async () => {
    const sample = await session.api.sampleCatalog();
    if (isApiError(sample)) throw new Error(sample.error);
    const days = await readSample(sample.catalog);
    const { tile, utm, lonLat } = tilePixels();
    const fates = (col: number, row: number) => {
      const around: Array<readonly [number, number]> = [];
      for (let dy = -REACH; dy <= REACH; dy++) for (let dx = -REACH; dx <= REACH; dx++) around.push(utm(col + dx, row + dy));
      return days.map((d) =>
        fateByHand(
          around.map((p) => sampleAt(d, 'SCL', ...p)),
          BANDS.map((b) => sampleAt(d, b, ...utm(col, row))),
        ),
      );
    };
    // The pixel of the region's part of the tile whose days have the most kinds of fate (a filtered one at least).
    let best = { col: 0, row: 0, fates: [] as string[], kinds: 0 };
    for (let row = REACH; row < tile.height - REACH; row += 37) {
      for (let col = REACH; col < tile.width - REACH; col += 37) {
        const [lon, lat] = lonLat(col, row);
        if (lon < 36.95 || lon > 37.6 || lat > -1.2) continue;
        const f = fates(col, row);
        const kinds = new Set(f).size + (f.includes('filtered') ? 2 : 0);
        if (kinds > best.kinds) best = { col, row, fates: f, kinds };
      }
    }
    expect(best.fates, 'a pixel with a day masked by the filters alone').toContain('filtered');
    const [lon, lat] = lonLat(best.col, best.row);

    const page = await openPlannedProject(session, { configYaml: CONFIG, view: { center: [lon, lat], zoom: 14 } });
    await page.getByRole('button', { name: 'Inspect' }).click();
    await waitForMapIdle(page);
    const at = await pointOf(page, lon, lat);
    await page.mouse.click(at.x, at.y);
    const story = page.getByTestId('pixel-story');
    await story.getByTestId('story-summary').waitFor({ timeout: 30_000 });
    expect(await story.getByTestId('story-summary').textContent()).toContain(`pixel ${best.col},${best.row}: ${days.length} observations`);

    const rows = story.locator('tr[data-day]');
    expect(await rows.count()).toBe(days.length);
    for (const [k, d] of days.entries()) {
      const row = story.locator(`tr[data-day="${d.day}"]`);
      expect(await row.getAttribute('data-outcome'), d.day).toBe(best.fates[k]);
      for (const band of BANDS) {
        const value = sampleAt(d, band, ...utm(best.col, best.row));
        expect(await row.locator(`td[data-band=${band}]`).textContent(), `${band} on ${d.day}`).toBe(value === 0 ? 'nodata' : String(value));
      }
    }
    // The chart marks each day by its fate; the outputs are dashed levels.
    for (const [k, d] of days.entries()) {
      expect(await story.locator(`g[data-series=B04] [data-day="${d.day}"]`).getAttribute('data-outcome')).toBe(best.fates[k]);
    }
    const count = best.fates.filter((f) => f === 'clear').length;
    expect(await story.getByTestId('story-outputs').textContent()).toContain(`COUNT ${count}`);

    // Hover a day: its fate in words.
    const filteredDay = days[best.fates.indexOf('filtered')]!.day;
    await story.locator(`svg rect[data-day="${filteredDay}"]`).first().hover();
    expect(await story.getByTestId('story-detail').textContent()).toMatch(/masked by opening 2 then dilation 5 of cloud/);

    // An index of the bands, and a refused one.
    await story.getByLabel('Index expression').fill('(B08 - B04) / (B08 + B04)');
    await story.locator('svg[aria-label^="Index"]').waitFor();
    await story.getByLabel('Index expression').fill('(B08 - B05)');
    expect(await story.getByRole('alert').textContent()).toMatch(/B05/);

    // Choosing the day draws it on the map: true colour, its mask's classes, what the filters make of them.
    await story.getByText(/^Every observation/).click();
    await story.locator(`tr[data-day="${filteredDay}"] button`).click();
    const shares = story.getByTestId('input-shares');
    await shares.waitFor({ timeout: 30_000 });
    expect(await story.getByTestId('input-day').textContent()).toBe(filteredDay);
    const onMap = () => page.evaluate(() => ['observation-rgb', 'observation-masked'].map((id) => window.odcStatsMap!.getLayer(id)?.getLayoutProperty('visibility') ?? 'absent'));
    await page.waitForFunction(() => !!window.odcStatsMap!.getSource('observation-masked'));
    expect(await onMap()).toEqual(['visible', 'visible']);
    // The dilation reaches pixels of no cloud class: more is left out than is cloud.
    expect(Number(await shares.getAttribute('data-masked'))).toBeGreaterThan(Number(await shares.getAttribute('data-cloud')));
    await story.getByRole('checkbox', { name: 'True colour' }).uncheck();
    expect(await onMap()).toEqual(['none', 'visible']);
    await session.shot('pixel-story');

    // Without cloud filters the filtered day is used, and the mask is the cloud classes alone: the story and the view follow the YAML, without a run.
    // The story with the filters is pinned, to compare with.
    await story.getByRole('button', { name: 'Pin to compare' }).click();
    await setYaml(page, CONFIG.replace('plugin_config:\n', 'plugin_config:\n  cloud_filters: []\n'));
    await story.locator(`tr[data-day="${filteredDay}"][data-outcome=clear]`).waitFor({ state: 'attached', timeout: 30_000 });
    expect(await story.locator(`tr[data-day="${filteredDay}"] td[data-pinned-outcome]`).getAttribute('data-pinned-outcome')).toBe('filtered');
    // Without filters, a day is used unless SCL is no data or cloud there, or a band has no data.
    const usedWithoutFilters = days.filter((d) => {
      const scl = sampleAt(d, 'SCL', ...utm(best.col, best.row));
      return scl !== 0 && !CLOUD.has(scl) && BANDS.every((b) => sampleAt(d, b, ...utm(best.col, best.row)) !== 0);
    }).length;
    expect(await story.getByTestId('pinned-summary').textContent()).toBe(`Pinned: ${count} used; now: ${usedWithoutFilters} used.`);
    await story.locator('svg[aria-label^="Pinned story"]').waitFor();
    await page.waitForFunction(() => {
      const shares = document.querySelector('[data-testid=input-shares]');
      return !!shares && shares.getAttribute('data-masked') === shares.getAttribute('data-cloud');
    });

    // The latest clear view: each pixel's latest observation the plugin would use, over the tile.
    await story.getByRole('checkbox', { name: 'True colour' }).check();
    await story.getByRole('button', { name: 'Latest clear view' }).click();
    const latest = story.getByTestId('latest-clear');
    await latest.waitFor({ timeout: 30_000 });
    const clearShare = Number(await latest.getAttribute('data-clear'));
    expect(clearShare).toBeGreaterThan(0);
    expect(clearShare).toBeLessThanOrEqual(1);
    expect(await onMap()).toEqual(['visible', 'absent']);
  }, 240_000);
});
