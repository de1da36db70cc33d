/**
 * odc-stats' save-tasks options that choose datasets, in a real process: `--ignore-time` (an
 * elevation model joining every fused Landsat dataset of its region), `--optional-products`,
 * `--gqa`, `--usgs-collection-category`, the same keys in a config, and the options refused.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxItem, ndjson, tiffAsset, type LonLatBox } from '../test-support/stac-items.js';
import type { StacItem } from '../../shared/stac.js';
import { TaskCache } from '../taskcache/task-cache.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';

/** 1° tiles: a box within 36..37° E, 2..1° S lies in tile (36, -2); 38..39° E in (38, -2). */
const GRID = 'epsg:4326;0.1;10';
const TILE_36: LonLatBox = [36.2, -1.8, 36.8, -1.2];
const TILE_38: LonLatBox = [38.2, -1.8, 38.8, -1.2];
const ARD = 'ga_ls8c_ard_3';
const DEM = 'ga_srtm_dem1sv1_0';

function landsat(collection: string, band: string, region: string, box: LonLatBox, day: string, properties: StacItem['properties'] = {}): StacItem {
  const id = `${collection}_${region}_${day}`;
  return boxItem(id, box, `${day}T07:40:00Z`, {
    collection,
    properties: { datetime: `${day}T07:40:00Z`, 'odc:region_code': region, ...properties },
    assets: { [band]: tiffAsset(`./${id}/${band}.tif`) },
  });
}

/** Elevation models are dated when the model was made: February 2000 for SRTM. */
const dem = (region: string, box: LonLatBox) => landsat(DEM, 'dem_h', region, box, '2000-02-11');

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'save-tasks-fusion-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

const plan = (products: string) => ['save-tasks', '--catalog', 'items.ndjson', '--input-products', products, '--grid', GRID, '--year', '2021'];

/** Each dataset of the plan's one task, as its time and its bands' files relative to the plan's folder. */
function taskDatasets(db: string): Array<{ datetime: string | null | undefined; bands: Record<string, string> }> {
  const cache = TaskCache.open(db);
  try {
    const tasks = cache.tasks();
    expect(tasks).toHaveLength(1);
    return cache.datasetsOf(tasks[0]!.taskId).map(({ item }) => ({
      datetime: item.properties.datetime,
      bands: Object.fromEntries(Object.entries(item.assets).map(([band, asset]) => [band, `./${path.relative(path.dirname(db), asset.href)}`])),
    }));
  } finally {
    cache.close();
  }
}

describe('save-tasks --ignore-time', () => {
  const items = ndjson([
    landsat(ARD, 'nbart_red', '168060', TILE_36, '2021-03-10'),
    landsat(ARD, 'nbart_red', '168060', TILE_36, '2021-07-16'),
    // A region without an elevation model: nothing to fuse with.
    landsat(ARD, 'nbart_red', '166060', TILE_38, '2021-03-12'),
    dem('168060', TILE_36),
  ]);

  it('fuses the elevation model of 2000 into each 2021 dataset of its region, at the Landsat time', async () => {
    const dir = folder({ 'items.ndjson': items });
    const r = await runCli([...plan(`${ARD}+${DEM}`), '--ignore-time', DEM, 'out.db'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Skipped items: 1 of fused products without a partner');
    expect(readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe('T,X,Y,datasets,days\n2021--P1Y,36,-2,2,2\n');
    const demFile = `./${DEM}_168060_2000-02-11/dem_h.tif`;
    expect(taskDatasets(path.join(dir, 'out.db'))).toEqual([
      { datetime: '2021-03-10T07:40:00Z', bands: { nbart_red: `./${ARD}_168060_2021-03-10/nbart_red.tif`, dem_h: demFile } },
      { datetime: '2021-07-16T07:40:00Z', bands: { nbart_red: `./${ARD}_168060_2021-07-16/nbart_red.tif`, dem_h: demFile } },
    ]);
  });

  it('reads ignore_time from a config; without it the model of 2000 finds no 2021 partner', async () => {
    const dir = folder({ 'items.ndjson': items, 'plan.yaml': `ignore_time:\n  - ${DEM}\n` });
    const withKey = await runCli([...plan(`${ARD}+${DEM}`), '--config', 'plan.yaml', 'out.db'], { cwd: dir });
    expect(withKey.code, withKey.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe('T,X,Y,datasets,days\n2021--P1Y,36,-2,2,2\n');

    // The catalogue is asked for 2021 alone: the model of 2000 is not even read.
    const without = await runCli([...plan(`${ARD}+${DEM}`), 'other.db'], { cwd: dir });
    expect(without.code).toBe(1);
    expect(linesOf(without.stderr)).toEqual([
      `odc-stats: error: no datasets found in items.ndjson for products ${ARD}+${DEM}, in 2021--P1Y (3 items read; 3 items of fused products had no partner)`,
    ]);
  });

  it('reads a location without time, as DEA names its elevation models (a folder of STAC items here)', async () => {
    const dir = folder({ 'items.ndjson': items, 'plan.yaml': 'ignore_time: ./dem\n' });
    const itemDir = path.join(dir, 'dem', 'x168', 'y060');
    mkdirSync(itemDir, { recursive: true });
    writeFileSync(path.join(itemDir, 'dem.stac-item.json'), JSON.stringify(dem('168060', TILE_36)));
    const r = await runCli([...plan(`${ARD}+./dem/`), '--config', 'plan.yaml', 'out.db'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const demFile = `./dem/x168/y060/${DEM}_168060_2000-02-11/dem_h.tif`;
    expect(taskDatasets(path.join(dir, 'out.db')).map((d) => d.bands['dem_h'])).toEqual([demFile, demFile]);
  });

  it.each([
    [['--input-products', `${ARD}-${DEM}`], `ignore_time '${DEM}' is not a product of a fused group of the input products (a+b): odc-stats reads such a product only into fused datasets`],
    [['--input-products', `${ARD}+${DEM},${DEM}`], `ignore_time '${DEM}' is also an input product of its own: odc-stats reads a product without time only into fused datasets`],
  ])('refuses %j with --ignore-time in one line', async (products, message) => {
    const dir = folder({ 'items.ndjson': items });
    const r = await runCli([...plan(ARD), ...products, '--ignore-time', DEM, 'out.db'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual([`odc-stats: error: ${message}`]);
    expect(readdirSync(dir)).toEqual(['items.ndjson']);
  });
});

describe('save-tasks --optional-products', () => {
  const FC = 'ga_ls_fc_3';
  const WO = 'ga_ls_wo_3';
  const items = ndjson([
    landsat(FC, 'pv', '168060', TILE_36, '2021-03-10'),
    landsat(WO, 'water', '168060', TILE_36, '2021-03-10'),
    landsat(FC, 'pv', '168060', TILE_36, '2021-07-16'),
  ]);

  it('fuses a day that lacks the optional product with what it has', async () => {
    const dir = folder({ 'items.ndjson': items });
    const r = await runCli([...plan(`${FC}+${WO}`), '--optional-products', `s3://bucket/derivative/${WO}/1-0-0/`, 'out.db'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(taskDatasets(path.join(dir, 'out.db'))).toEqual([
      { datetime: '2021-03-10T07:40:00Z', bands: { pv: `./${FC}_168060_2021-03-10/pv.tif`, water: `./${WO}_168060_2021-03-10/water.tif` } },
      { datetime: '2021-07-16T07:40:00Z', bands: { pv: `./${FC}_168060_2021-07-16/pv.tif` } },
    ]);

    const required = await runCli([...plan(`${FC}+${WO}`), '--json', 'required.db'], { cwd: dir });
    expect(JSON.parse(required.stdout)).toMatchObject({ counts: { datasets: 1, skipped: { unpaired: 1 } } });
  });

  it('refuses a product that is in no fused group, in one line', async () => {
    const dir = folder({ 'items.ndjson': items });
    const r = await runCli([...plan(`${FC}+${WO}`), '--optional-products', 'ga_ls_mangrove_cover_cyear_3', 'out.db'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual(["odc-stats: error: optional_products 'ga_ls_mangrove_cover_cyear_3' names no product of a fused group of the input products (a+b)"]);
  });
});

describe('save-tasks --gqa and --usgs-collection-category', () => {
  it('keeps the datasets whose gqa:iterative_mean_xy is at most --gqa, dropping those without one', async () => {
    const dir = folder({
      'items.ndjson': ndjson([
        landsat(ARD, 'nbart_red', '168060', TILE_36, '2021-03-10', { 'gqa:iterative_mean_xy': 0.42 }),
        landsat(ARD, 'nbart_red', '168060', TILE_36, '2021-03-26', { 'gqa:iterative_mean_xy': 1 }),
        landsat(ARD, 'nbart_red', '168060', TILE_36, '2021-04-11', { 'gqa:iterative_mean_xy': 1.37 }),
        landsat(ARD, 'nbart_red', '168060', TILE_36, '2021-04-27'),
      ]),
      'plan.yaml': 'gqa: 0.5\n',
    });
    const r = await runCli([...plan(ARD), '--gqa', '1', 'out.db'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Skipped items: 2 removed by the dataset filter');
    expect(taskDatasets(path.join(dir, 'out.db')).map((d) => d.datetime)).toEqual(['2021-03-10T07:40:00Z', '2021-03-26T07:40:00Z']);

    const fromConfig = await runCli([...plan(ARD), '--config', 'plan.yaml', 'config.db'], { cwd: dir });
    expect(fromConfig.code, fromConfig.stderr).toBe(0);
    expect(taskDatasets(path.join(dir, 'config.db')).map((d) => d.datetime)).toEqual(['2021-03-10T07:40:00Z']);
  });

  it('keeps the USGS datasets of the category and every dataset of other products', async () => {
    const dir = folder({
      'items.ndjson': ndjson([
        landsat('ls8_sr', 'red', '168060', TILE_36, '2021-03-10', { 'landsat:collection_category': 'T1' }),
        landsat('ls8_sr', 'red', '168060', TILE_36, '2021-03-26', { 'landsat:collection_category': 'T2' }),
        landsat(ARD, 'nbart_red', '168060', TILE_36, '2021-04-11'),
      ]),
    });
    const r = await runCli([...plan(`ls8_sr,${ARD}`), '--usgs-collection-category', 'T1', 'out.db'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(taskDatasets(path.join(dir, 'out.db')).map((d) => d.datetime)).toEqual(['2021-03-10T07:40:00Z', '2021-04-11T07:40:00Z']);
  });

  it.each([
    [
      [ARD, '--usgs-collection-category', 'T1'],
      `--usgs-collection-category tests only the products ls5_sr, ls7_sr, ls8_sr, ls9_sr, and none is an input product; to test another's property use --dataset-filter '{"landsat:collection_category": "T1"}'`,
    ],
    [['ls8_sr', '--usgs-collection-category', 'T1', '--gqa', '1'], 'give --gqa or --usgs-collection-category, not both: the first tests DEA datasets, the second USGS ones'],
    [[ARD, '--gqa', 'good'], "invalid --gqa 'good': expected a number of pixels such as 1"],
  ])('refuses %j in one line', async ([products, ...options], message) => {
    const dir = folder({ 'items.ndjson': '' });
    const r = await runCli([...plan(products!), ...options, 'out.db'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual([`odc-stats: error: ${message}`]);
  });
});

describe("save-tasks options of odc-stats' Datacube", () => {
  it.each([
    [['-E', 'dea'], '--env dea names a Datacube environment, but planning reads STAC: give --catalog the STAC API of that index (datacube-explorer serves one at its /stac, e.g. https://explorer.dea.ga.gov.au/stac)'],
    [['--debug'], "--debug dumps odc-stats' Python cells to pickle files, which have no counterpart here: the task cache, its CSV and GeoJSON hold the whole plan"],
  ])('refuses %j in one line', async (options, message) => {
    const dir = folder({ 'items.ndjson': '' });
    const r = await runCli([...plan(ARD), ...options, 'out.db'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual([`odc-stats: error: ${message}`]);
    expect(readdirSync(dir)).toEqual(['items.ndjson']);
  });
});
