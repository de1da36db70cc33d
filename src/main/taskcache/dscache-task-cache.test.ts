import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dscacheGroupName, writeDscache, type DscacheFixture, type DscacheFixtureDataset } from '../test-support/dscache-writer.js';
import { odcDscacheSample } from '../test-support/odc-dscache-sample.js';
import { oneDatasetCache } from '../test-support/one-dataset-cache.js';
import { DscacheTaskCache, isLmdb } from './dscache-task-cache.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dscache-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const id = (i: number) => `5ca1ab1e-0000-0000-0000-${i.toString(16).padStart(12, '0')}`;

describe('a cache written by odc-dscache itself (py-lmdb, zstd with a trained dictionary)', () => {
  let cache: DscacheTaskCache;

  beforeAll(async () => {
    const file = path.join(dir, 'odc-stats.db');
    writeFileSync(file, odcDscacheSample());
    cache = await DscacheTaskCache.open(file);
  });
  afterAll(() => cache.close());

  it('reads the grid, frequency, range and products of save-tasks', () => {
    expect(cache.meta()).toMatchObject({ grid: 'au-30', frequency: 'annual', temporal_range: '2021--P1Y', input_products: ['ga_ls8c_ard_3'] });
    expect(cache.datasetCount()).toBe(30);
  });

  it('lists the tasks of the groups, with their UTC offset (eastern Australia: +10 h) and distinct solar days', () => {
    const year = { period: '2021--P1Y', periodStart: '2021-01-01T00:00:00.000Z', periodEnd: '2022-01-01T00:00:00.000Z', utcOffset: 10 };
    expect(cache.tasks()).toEqual([
      { taskId: 1, ...year, x: 44, y: 15, datasets: 20, days: 20 },
      { taskId: 2, ...year, x: 45, y: 15, datasets: 15, days: 15 },
    ]);
    expect(cache.task('2021--P1Y', 45, 15)?.taskId).toBe(2);
    expect(cache.task('2021--P1Y', 46, 15)).toBeUndefined();
  });

  it('gives a task’s datasets oldest first as STAC items, their solar day the day after the UTC one (23:50 UTC + 10 h)', () => {
    const datasets = cache.datasetsOf(2);
    expect(datasets.map((d) => d.item.id)).toEqual(Array.from({ length: 15 }, (_, k) => id(15 + k)));
    expect(datasets.map((d) => d.solarDay)).toEqual(Array.from({ length: 15 }, (_, k) => `2021-01-${String(17 + k).padStart(2, '0')}`));
    const { item } = datasets[0]!;
    const stem = 'ga_ls8c_ard_3-2-0_090084_2021-01-16_final';
    const folder = 's3://dea-public-data/baseline/ga_ls8c_ard_3/090/084/2021/01/16';
    expect(item.collection).toBe('ga_ls8c_ard_3');
    expect(Object.fromEntries(Object.entries(item.assets).map(([k, a]) => [k, a.href]))).toEqual({
      nbart_red: `${folder}/${stem}_nbart_band04.tif`,
      oa_fmask: `${folder}/${stem}_oa_fmask.tif`,
    });
    expect(item.properties).toMatchObject({ datetime: '2021-01-16T23:50:00.250Z', 'eo:cloud_cover': 15, 'odc:region_code': '090084' });
    expect(item.bbox).toEqual([148, -35, 149, -34]);
    const ring = (item.geometry as unknown as { coordinates: number[][][] }).coordinates[0]!;
    for (const [lon, lat] of ring) expect(lon === 148 || lon === 149 || lat === -35 || lat === -34, `${lon},${lat} on the square`).toBe(true);
  });
});

const GRID = { name: 'EPSG:32737;120;32', crs: 'EPSG:32737', tile_size: [3840, 3840], resolution: [-120, 120], origin: [0, 0] } satisfies DscacheFixture['grid'];

function dataset(i: number, metadata: Partial<Record<string, unknown>> = {}): DscacheFixtureDataset {
  return {
    id: id(i),
    product: 'ga_ls_wo_3',
    uris: [`file:///data/wo/${i}/wo.odc-metadata.yaml`],
    metadata: {
      crs: 'epsg:32737',
      grids: { default: { shape: [32, 32], transform: [120, 0, 249_600, 0, -120, 9_903_360, 0, 0, 1] } },
      properties: { datetime: `2021-01-${String(1 + (i % 28)).padStart(2, '0')} 07:41:00` },
      measurements: { water: { path: 'water.tif' } },
      ...metadata,
    },
  };
}

async function written(name: string, fixture: Partial<DscacheFixture>): Promise<string> {
  const file = path.join(dir, name);
  await writeDscache(file, { grid: GRID, datasets: [dataset(0)], tasks: { '2021--P1Y/65/2578': [id(0)] }, ...fixture });
  return file;
}

describe('caches in the same layout from the test writer', () => {
  it('names the group of a task as odc-dscache does (Python {:+05d})', () => {
    expect(dscacheGroupName('au-30', '2021--P1Y/44/-7')).toBe('au-30/2021--P1Y/+0044/-0007');
  });

  it('reads a custom grid at origin 0, 0 as CRS;RESOLUTION;PIXELS, and a large cache across branch and overflow pages', async () => {
    const datasets = Array.from({ length: 300 }, (_, i) => dataset(i));
    // 250 ids are 4000 bytes: more than a page holds inline.
    const file = await written('large.db', { datasets, tasks: { '2021--P1Y/65/2578': datasets.slice(0, 250).map((d) => d.id), '2021-02--P1M/65/2578': [id(299)] } });
    const cache = await DscacheTaskCache.open(file);
    try {
      expect(cache.meta().grid).toBe('EPSG:32737;120;32');
      // Tile 65,2578 of 3840 m is at 36.8° E: UTC +2. Its datasets fall on the 28 days 1–28 January.
      expect(cache.tasks().map(({ period, datasets: n, days, utcOffset }) => ({ period, n, days, utcOffset }))).toEqual([
        { period: '2021--P1Y', n: 250, days: 28, utcOffset: 2 },
        { period: '2021-02--P1M', n: 1, days: 1, utcOffset: 2 },
      ]);
      const first = cache.datasetsOf(1)[0]!;
      expect(first.item.id).toBe(id(0));
      expect(first.item.properties.datetime).toBe('2021-01-01T07:41:00.000Z');
      expect(first.solarDay).toBe('2021-01-01');
      expect(first.item.assets['water']?.href).toBe('file:///data/wo/0/water.tif');
      expect(cache.datasetsOf(2).map((d) => d.item.id)).toEqual([id(299)]);
      expect(cache.datasetCount()).toBe(300);
    } finally {
      cache.close();
    }
  });

  it('decompresses with a raw-content dictionary when the cache has one', async () => {
    const dictionary = new TextEncoder().encode('{"uris":["file:///data/wo/"],"product":"ga_ls_wo_3","metadata":{"crs":"epsg:32737"}}');
    const cache = await DscacheTaskCache.open(await written('dictionary.db', { dictionary }));
    try {
      expect(cache.datasetsOf(1).map((d) => d.item.id)).toEqual([id(0)]);
    } finally {
      cache.close();
    }
  });

  it('tells LMDB files from SQLite task caches and from missing files', async () => {
    expect(isLmdb(await written('sniff.db', {}))).toBe(true);
    expect(isLmdb(await oneDatasetCache(mkdtempSync(path.join(dir, 'sqlite-'))))).toBe(false);
    expect(isLmdb(path.join(dir, 'absent.db'))).toBe(false);
  });

  it('refuses in one line what it cannot read', async () => {
    const refusal = async (name: string, fixture: Partial<DscacheFixture>) => {
      const file = await written(name, fixture);
      try {
        const cache = await DscacheTaskCache.open(file);
        try {
          cache.tasks();
          return 'read';
        } finally {
          cache.close();
        }
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(await refusal('version.db', { version: '0002' })).toMatch(/^odc-dscache file .*version\.db has format version 0002; this version reads 0001$/);
    expect(await refusal('origin.db', { grid: { ...GRID, origin: [100, 200] } })).toMatch(
      /grid 'EPSG:32737;120;32' \(EPSG:32737, tiles 3840×3840, resolution -120, 120, origin 100, 200 \(Y, X\)\) is no built-in grid and custom grids start at 0, 0$/,
    );
    expect(await refusal('legacy.db', { datasets: [{ ...dataset(0), metadata: { image: { bands: {} } } }] })).toMatch(
      /^odc-dscache dataset 5ca1ab1e-0000-0000-0000-000000000000 of ga_ls_wo_3: not an EO3 document/,
    );
    expect(await refusal('missing.db', { tasks: { '2021--P1Y/65/2578': [id(0), id(7)] } })).toMatch(/dataset 5ca1ab1e-0000-0000-0000-000000000007 of task 2021--P1Y\/65\/2578 is missing$/);
  });

  it('refuses LMDB files in the newer data format (as the npm lmdb package writes), in one line', async () => {
    const file = path.join(dir, 'data-v2.db');
    const bytes = odcDscacheSample();
    // The version field of both meta pages (pages 0 and 1 of 4096 bytes), after the page header and magic.
    bytes.writeUInt32LE(2, 20);
    bytes.writeUInt32LE(2, 4096 + 20);
    writeFileSync(file, bytes);
    await expect(DscacheTaskCache.open(file)).rejects.toThrow(
      /^cannot open odc-dscache file .*data-v2\.db: LMDB data version 2; only version 1 \(LMDB 0\.9, as py-lmdb writes\) is read$/,
    );
  });

  it('refuses an odc-dscache file whose save-tasks settings name no grid', async () => {
    const file = await written('plain.db', { config: { freq: 'annual' } });
    await expect(DscacheTaskCache.open(file)).rejects.toThrow(/info 'stats\/config' names no grid$/);
  });
});
