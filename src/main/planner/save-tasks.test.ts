import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { boxItem, tiffAsset } from '../test-support/stac-items.js';
import type { StacItem } from '../../shared/stac.js';
import { TaskCache } from '../taskcache/task-cache.js';
import { TASK_PROCESS_BYTES } from '../../shared/work-estimate.js';
import { saveTasks } from './save-tasks.js';

/**
 * A grid in lon/lat with 1° tiles (0.1° pixels × 10), so that every expected tile index,
 * solar offset and period below can be worked out by hand.
 */
const GRID = 'epsg:4326;0.1;10';


function writeCatalog(items: StacItem[]): { dir: string; catalog: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plan-'));
  const catalog = path.join(dir, 'items.ndjson');
  writeFileSync(catalog, items.map((i) => JSON.stringify(i)).join('\n') + '\n');
  return { dir, catalog };
}

/** An item with red and NIR bands and a thumbnail. */
function box(id: string, w: number, s: number, e: number, n: number, datetime: string, extra: Partial<StacItem> = {}): StacItem {
  const assets = { red: tiffAsset(`./${id}/red.tif`), nir: tiffAsset(`./${id}/nir.tif`), thumbnail: { href: `./${id}/thumb.png`, type: 'image/png', roles: ['thumbnail'] } };
  return boxItem(id, [w, s, e, n], datetime, { assets, ...extra });
}

const ITEMS: StacItem[] = [
  // Tiles x = 10 and 11 (lon 10.2–11.5), y = 20; tile centres at lon 10.5 and 11.5 → UTC+1.
  box('a', 10.2, 20.2, 11.5, 20.8, '2021-03-10T10:00:00Z'),
  // Same tile (10, 20), same solar day as 'a': a second dataset, no new day.
  box('b', 10.3, 20.3, 10.7, 20.7, '2021-03-10T10:05:00Z'),
  // Touches tile 11 only along lon 12.0: belongs to tile 12 alone.
  box('c', 12.0, 20.2, 12.5, 20.8, '2021-06-01T10:00:00Z'),
  // Tile (150, -30), centre lon 150.5 → UTC+10: 2020-12-31 20:00 UTC is 2021-01-01 06:00 solar.
  box('d', 150.2, -29.8, 150.8, -29.2, '2020-12-31T20:00:00Z'),
  // Tile (-75, 40), centre lon −74.5 → UTC−5: 2022-01-01 03:00 UTC is still 2021-12-31 solar.
  box('e', -74.8, 40.2, -74.2, 40.8, '2022-01-01T03:00:00Z'),
  // No geometry: skipped and counted.
  { ...box('f', 10.2, 20.2, 10.4, 20.4, '2021-05-01T10:00:00Z'), geometry: null },
  // Listed twice by the catalogue: stored once.
  box('a', 10.2, 20.2, 11.5, 20.8, '2021-03-10T10:00:00Z'),
  // Another product: not planned.
  box('g', 10.2, 20.2, 10.4, 20.4, '2021-05-01T10:00:00Z', { collection: 'other' }),
];

describe('save-tasks', () => {
  it('plans tiles × solar-time periods into a task cache, CSV and GeoJSON', async () => {
    const { dir, catalog } = writeCatalog(ITEMS);
    const output = path.join(dir, 'out', 'tasks.db');
    const r = await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2021, output });

    expect(r.counts.tasks).toBe(5);
    expect(r.counts.datasets).toBe(5);
    expect(r.counts.skipped.noGeometry).toBe(1);
    expect(r.counts.skipped.duplicates).toBe(1);
    expect(r.counts.tasksPerPeriod).toEqual({ '2021--P1Y': 5 });

    expect(readFileSync(path.join(dir, 'out', 'tasks.csv'), 'utf8')).toBe(
      ['T,X,Y,datasets,days', '2021--P1Y,-75,40,1,1', '2021--P1Y,10,20,2,1', '2021--P1Y,11,20,1,1', '2021--P1Y,12,20,1,1', '2021--P1Y,150,-30,1,1', ''].join(
        '\n',
      ),
    );

    const cache = TaskCache.open(output);
    const meta = cache.meta();
    expect(meta.grid).toBe('EPSG:4326;0.1;10');
    expect(meta.frequency).toBe('annual');
    expect(meta.temporal_range).toBe('2021--P1Y');
    expect(meta.input_products).toEqual(['prod']);
    const t = cache.task('2021--P1Y', 10, 20)!;
    expect(t).toMatchObject({ utcOffset: 1, datasets: 2, days: 1, periodStart: '2021-01-01T00:00:00.000Z', periodEnd: '2022-01-01T00:00:00.000Z' });
    expect(cache.task('2021--P1Y', 150, -30)).toMatchObject({ utcOffset: 10 });
    expect(cache.task('2021--P1Y', -75, 40)).toMatchObject({ utcOffset: -5 });
    const datasets = cache.datasetsOf(t.taskId);
    expect(datasets.map((d) => d.item.id)).toEqual(['a', 'b']);
    expect(datasets[0]!.solarDay).toBe('2021-03-10');
    // The whole item is kept, its asset hrefs made absolute so that `run` never needs the catalogue.
    expect(datasets[0]!.item.assets['red']!.href).toBe(path.join(dir, 'a', 'red.tif'));
    expect(cache.datasetsOf(cache.task('2021--P1Y', -75, 40)!.taskId)[0]!.solarDay).toBe('2021-12-31');
    cache.close();

    const gj = JSON.parse(readFileSync(path.join(dir, 'out', 'tasks-2021--P1Y.geojson'), 'utf8'));
    expect(gj.type).toBe('FeatureCollection');
    const f = gj.features.find((x: { properties: { title: string } }) => x.properties.title === '10,20');
    expect(f.properties).toEqual({ title: '10,20', region_code: 'x10y20', ix: 10, iy: 20, utc_offset: 1, total: 2, days: 1 });
    const lons = f.geometry.coordinates[0].map((p: number[]) => p[0]);
    const lats = f.geometry.coordinates[0].map((p: number[]) => p[1]);
    expect([Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)]).toEqual([10, 11, 20, 21]);

    // Work estimate: 100 px per tile; days summed over tasks = 5. Six task–dataset links cover
    // 0.48 + 0.3 (a), 0.16 (b), 0.3 (c), 0.36 (d) and 0.36 (e) of their tiles, each read as a
    // square of √cover × 10 px widened by a 512 px block (no native resolution on a lon/lat
    // grid, no proj:shape), two 16-bit bands each; no file:size.
    // The largest task has 1 day: one 10 × 10 chunk of 2 bands (4 decoded bytes a pixel), its
    // reduction stack (2 × 8 bytes a pixel) and a stripe of outputs (34 bytes a pixel).
    expect(r.estimate).toEqual({
      pixelObservations: 500,
      decodedBytes: Math.round([0.48, 0.3, 0.16, 0.3, 0.36, 0.36].reduce((sum, c) => sum + (Math.sqrt(c) * 10 + 512) ** 2 * 2 * 2, 0)),
      fileBytes: null,
      largestTaskBytes: TASK_PROCESS_BYTES + 100 * 1 * (4 + 2 * 8) + 100 * 34,
    });
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['tasks-2021--P1Y.geojson', 'tasks.csv', 'tasks.db']);
  });

  it('limits work to --tiles (half-open) and to a region', async () => {
    const { dir, catalog } = writeCatalog(ITEMS);
    const byTiles = await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2021, tiles: '10:12,20:21', output: path.join(dir, 't.db') });
    expect(TaskCache.open(byTiles.db).tasks().map((t) => `${t.x},${t.y}`)).toEqual(['10,20', '11,20']);

    const region = path.join(dir, 'region.geojson');
    // A triangle over tile (12, 20) and the eastern half of (11, 20), not reaching tile 10.
    writeFileSync(region, JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[11.5, 20.1], [12.9, 20.1], [12.9, 20.9], [11.5, 20.1]]] } }));
    const byRegion = await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2021, region, output: path.join(dir, 'r.db') });
    expect(TaskCache.open(byRegion.db).tasks().map((t) => `${t.x},${t.y}`)).toEqual(['11,20', '12,20']);
    expect(byRegion.counts.datasets).toBe(2);
  });

  it('bins by seasonal periods with DJF labelled by its December', async () => {
    const { dir, catalog } = writeCatalog([
      box('dec', 10.2, 20.2, 10.8, 20.8, '2020-12-15T10:00:00Z'),
      box('feb', 10.2, 20.2, 10.8, 20.8, '2021-02-10T10:00:00Z'),
      box('mar', 10.2, 20.2, 10.8, 20.8, '2021-03-01T10:00:00Z'),
    ]);
    const r = await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, frequency: 'seasonal', output: path.join(dir, 's.db') });
    expect(r.counts.tasksPerPeriod).toEqual({ '2020-12--P3M': 1, '2021-03--P3M': 1 });
    expect(TaskCache.open(r.db).task('2020-12--P3M', 10, 20)).toMatchObject({ datasets: 2, days: 2 });
  });

  it('labels `all` without a range by the whole years of the data', async () => {
    const { dir, catalog } = writeCatalog(ITEMS);
    const r = await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, frequency: 'all', output: path.join(dir, 'a.db') });
    // Solar times span 2021-01-01 (item d) to 2021-12-31 (item e).
    expect(r.temporalRange).toBe('2021--P1Y');
    expect(Object.keys(r.counts.tasksPerPeriod)).toEqual(['2021--P1Y']);
    const db = new Database(r.db, { readonly: true });
    expect(db.prepare('SELECT DISTINCT period FROM tasks').all()).toEqual([{ period: '2021--P1Y' }]);
    db.close();
    expect(existsSync(path.join(dir, 'a-2021--P1Y.geojson'))).toBe(true);
  });

  it('names the default output after the products and the range', async () => {
    const { dir, catalog } = writeCatalog(ITEMS);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, temporalRange: '2021-01--P6M' });
      expect(path.basename(r.db)).toBe('prod_2021-01--P6M.db');
      // Tiles 10, 11 and 12 of row 20 (March, June) and (150, -30) on solar 1 January.
      expect(r.counts.tasks).toBe(4);
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses to replace outputs without overwrite, and writes nothing when no dataset matches', async () => {
    const { dir, catalog } = writeCatalog(ITEMS);
    const output = path.join(dir, 'x.db');
    await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2021, output });
    await expect(saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2021, output })).rejects.toThrow(
      `output exists: ${output} (use --overwrite to replace it)`,
    );
    await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2021, output, overwrite: true });
    // A leftover listing of this plan alone is an output of it; x-fc's listing beside it is another plan's.
    unlinkSync(output);
    unlinkSync(path.join(dir, 'x.csv'));
    renameSync(path.join(dir, 'x-2021--P1Y.geojson'), path.join(dir, 'x-fc-2021--P1Y.geojson'));
    await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2021, output });
    unlinkSync(output);
    unlinkSync(path.join(dir, 'x.csv'));
    await expect(saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2021, output })).rejects.toThrow(
      `output exists: ${path.join(dir, 'x-2021--P1Y.geojson')} (use --overwrite to replace it)`,
    );

    const empty = path.join(dir, 'none.db');
    await expect(saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2019, output: empty })).rejects.toThrow(
      /^no datasets found in .*items\.ndjson for products prod, in 2019--P1Y \(\d+ items read.*\)$/,
    );
    expect(readdirSync(dir).filter((f) => f.startsWith('none') || f.startsWith('.none'))).toEqual([]);
  });
});
