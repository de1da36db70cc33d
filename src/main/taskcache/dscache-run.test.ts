/**
 * `odc-stats run` on odc-stats' own task cache (an odc-dscache file), in a real process: the
 * synthetic Landsat water observations (one 32 × 32 scene of 120 m pixels, one tile of the
 * grid) as datacube EO3 datasets in monthly tasks, summarised by wofs-summary; the counts are
 * checked against the generator's truth.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromArrayBuffer } from 'geotiff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATER_OBSERVATIONS_COLLECTION, landsatPasses, landsatPixel, type LandsatLayout, type LandsatPass } from '../sample/landsat-sample.js';
import { writeSampleCatalog } from '../sample/sample-catalog.js';
import { writeDscache, type DscacheFixtureDataset } from '../test-support/dscache-writer.js';
import { runCli } from '../test-support/spawn-cli.js';

const SIDE = 32;
const LAYOUT: LandsatLayout = { pixelMetres: 120, pixels: SIDE, scenes: { '168060': { west: 249_600, north: 9_903_360 } }, blocksize: 16 };
/** Passes on 10 and 26 January, 11 February (its western quarter missing) and 27 February 2021. */
const CHOICE = { dates: 4, layout: LAYOUT };
const COUNT_NODATA = -999;

let dir: string;
let cache: string;
let passes: LandsatPass[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dscache-run-'));
  const sample = await writeSampleCatalog(path.join(dir, 'catalog'), { collections: [WATER_OBSERVATIONS_COLLECTION], landsat: CHOICE });
  passes = landsatPasses(CHOICE);
  const datasets: DscacheFixtureDataset[] = sample.items.map((item, i) => {
    const water = item.assets['water']!;
    const folder = path.join(sample.root, WATER_OBSERVATIONS_COLLECTION, item.id);
    return {
      id: `0000${i}000-1111-4222-8333-444455556666`,
      product: WATER_OBSERVATIONS_COLLECTION,
      uris: [pathToFileURL(path.join(folder, `${item.id}.odc-metadata.yaml`)).href],
      metadata: {
        $schema: 'https://schemas.opendatacube.org/dataset',
        crs: 'epsg:32737',
        grids: { default: { shape: water['proj:shape'], transform: [...(water['proj:transform'] as number[]), 0, 0, 1] } },
        // EO3 as datacube stores it: a naive UTC datetime.
        properties: { datetime: item.properties.datetime!.replace('.000Z', ''), 'eo:platform': item.properties['platform'], 'odc:region_code': '168060' },
        measurements: { water: { path: 'water.tif' } },
      },
    };
  });
  const ids = datasets.map((d) => d.id);
  cache = path.join(dir, 'odc-stats-tasks.db');
  await writeDscache(cache, {
    grid: { name: 'EPSG:32737_120_32', crs: 'EPSG:32737', tile_size: [3840, 3840], resolution: [-120, 120], origin: [0, 0] },
    config: { grid: 'EPSG:32737_120_32', freq: 'monthly', query: { product: [WATER_OBSERVATIONS_COLLECTION] } },
    datasets,
    tasks: { '2021-01--P1M/65/2578': ids.slice(0, 2), '2021-02--P1M/65/2578': ids.slice(2, 4) },
  });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** odc-stats StatsWofs: a clear observation is dry (0) or wet (128); the pixel has none when every pass is nodata (bit 0) or unflagged. */
function countClear(month: LandsatPass[], col: number, row: number): number {
  let clear = 0;
  let observed = false;
  for (const pass of month) {
    const water = landsatPixel(pass, col, row, LAYOUT).water;
    if (water === 0 || water === 128) clear++;
    if (water === 0 || water === 128 || ((water & 1) === 0 && (water & 0b0111_1110) !== 0)) observed = true;
  }
  return observed ? clear : COUNT_NODATA;
}

async function band(location: string, period: string, name: string): Promise<ArrayLike<number>> {
  const folder = path.join(location, 'x65y', '2578', period);
  const file = readdirSync(folder).find((f) => f.endsWith(`_${name}.tif`));
  if (file === undefined) throw new Error(`no ${name} in ${folder}`);
  const bytes = readFileSync(path.join(folder, file));
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return ((await (await tiff.getImage()).readRasters()) as unknown as [ArrayLike<number>])[0];
}

describe('odc-stats run on an odc-dscache task cache', () => {
  it('lists its tasks with --dryrun', async () => {
    const r = await runCli(['run', cache, '--plugin', 'wofs-summary', '--location', path.join(dir, 'dry'), '--dryrun']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^2021-01--P1M\/65\/2578 days: 2 datasets: 2 /m);
    expect(r.stdout).toMatch(/^2021-02--P1M\/65\/2578 days: 2 datasets: 2 /m);
  }, 90_000);

  it('computes each month from the datasets of its task', async () => {
    const location = path.join(dir, 'summaries');
    const r = await runCli(['run', cache, '--plugin', 'wofs-summary', '--location', location, '--threads', '1'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    for (const [period, month] of [['2021-01--P1M', passes.slice(0, 2)], ['2021-02--P1M', passes.slice(2, 4)]] as const) {
      const clear = await band(location, period, 'count_clear');
      expect(new Set(Array.from(clear)).size, `${period}: counts differ across the tile`).toBeGreaterThan(1);
      for (let p = 0; p < SIDE * SIDE; p++) {
        const [col, row] = [p % SIDE, Math.floor(p / SIDE)];
        expect(clear[p], `${period} count_clear at ${col},${row}`).toBe(countClear(month, col, row));
      }
    }
  }, 150_000);

  it('refuses a cache it cannot read in one line', async () => {
    const broken = path.join(dir, 'legacy.db');
    await writeDscache(broken, {
      grid: { name: 'g', crs: 'EPSG:32737', tile_size: [3840, 3840], resolution: [-120, 120], origin: [0, 0] },
      datasets: [{ id: '00000000-0000-4000-8000-000000000001', product: 'ls8_nbar_albers', uris: [], metadata: { image: { bands: {} } } }],
      tasks: { '2021--P1Y/65/2578': ['00000000-0000-4000-8000-000000000001'] },
    });
    const r = await runCli(['run', broken, '--plugin', 'wofs-summary', '--location', path.join(dir, 'never'), '--dryrun']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^odc-stats: error: odc-dscache dataset 00000000-0000-4000-8000-000000000001 of ls8_nbar_albers: not an EO3 document/),
    ]);
  }, 90_000);
});
