/**
 * S2Cloudless_percentiles run by the CLI over a small catalogue of made-up s2cloudless
 * probabilities (float32, NaN nodata) and masks, on a grid aligned with their pixels: each
 * pixel's percentiles are checked against odc-algo's rule applied here to the values written.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StacItem } from '../../shared/stac.js';
import { lonLatFootprint, writeSampleCollection, writeSampleItem, writeSampleRoot } from '../sample/sample-stac.js';
import { runCli } from '../test-support/spawn-cli.js';

const SIDE = 16;
const METRES = 120;
/** Tile (130, 5157) of a grid of 16 × 120 m tiles: 130 × 1920 and 5158 × 1920. */
const WEST = 249_600;
const NORTH = 9_903_360;
const GRID = `EPSG:32737;${METRES};${SIDE}`;
const TILES = '130:131,5157:5158';
const COLLECTION = 'ga_s2am_ard_3';
const DAYS = 6;
const QUANTILES = [0.05, 0.1, 0.25];

/** Day d's probability at pixel p: a spread of values, NaN on a diagonal stripe that grows with d. */
function probability(d: number, p: number): number {
  const col = p % SIDE;
  const row = Math.floor(p / SIDE);
  if ((col + row) % 7 < d - 2) return Number.NaN;
  return Math.fround(((col * 7 + row * 3 + d * 11) % 23) / 22);
}

/** Day d's s2cloudless mask at pixel p: 0 nodata, 1 valid, 2 cloud. */
function maskValue(d: number, p: number): number {
  return (p + d) % 5 === 0 ? 0 : (p + d) % 3 === 0 ? 2 : 1;
}

let dir: string;
let plan: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cloud-proba-'));
  const root = path.join(dir, 'catalog');
  const collectionDir = path.join(root, COLLECTION);
  const affine = [METRES, 0, WEST, 0, -METRES, NORTH] as const;
  const geobox = { crs: 'EPSG:32737', affine, width: SIDE, height: SIDE };
  const east = WEST + SIDE * METRES;
  const south = NORTH - SIDE * METRES;
  const { geometry, bbox } = lonLatFootprint('EPSG:32737', [
    [WEST, south],
    [east, south],
    [east, NORTH],
    [WEST, NORTH],
    [WEST, south],
  ]);
  const items: StacItem[] = [];
  for (let d = 0; d < DAYS; d++) {
    const id = `s2cloudless_2021-0${d + 1}-10`;
    const asset = (band: string) => ({ href: `./${band}.tif`, type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data'] });
    const item: StacItem = {
      type: 'Feature',
      stac_version: '1.0.0',
      id,
      collection: COLLECTION,
      geometry,
      bbox,
      properties: { datetime: `2021-0${d + 1}-10T07:50:00Z`, 'proj:epsg': 32737 },
      assets: { oa_s2cloudless_prob: asset('oa_s2cloudless_prob'), oa_s2cloudless_mask: asset('oa_s2cloudless_mask') },
      links: [],
    };
    await writeSampleItem(
      collectionDir,
      item,
      geobox,
      {
        oa_s2cloudless_prob: { data: Float32Array.from({ length: SIDE * SIDE }, (_, p) => probability(d, p)), nodata: Number.NaN, overviewResampling: 'average' },
        oa_s2cloudless_mask: { data: Uint8Array.from({ length: SIDE * SIDE }, (_, p) => maskValue(d, p)), nodata: 0, overviewResampling: 'nearest' },
      },
      SIDE,
    );
    items.push(item);
  }
  await writeSampleCollection(root, COLLECTION, 'Made-up s2cloudless probabilities', items);
  await writeSampleRoot(root, 'cloud probability test', [COLLECTION]);
  plan = path.join(dir, 'plan.db');
  const saved = await runCli(['save-tasks', '--grid', GRID, '--tiles', TILES, '--catalog', path.join(root, 'catalog.json'), '--input-products', COLLECTION, '--year', '2021', plan]);
  expect(saved.code, saved.stderr).toBe(0);
}, 60_000);

/** odc-algo's percentiles of the values: ranks round(q(n − 1)), halves to even; NaN for fewer than three. */
function expectedPercentiles(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return QUANTILES.map((q) => {
    if (n < 3) return Number.NaN;
    const x = q * (n - 1);
    const floor = Math.floor(x);
    const rank = x - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(x);
    return sorted[rank]!;
  });
}

async function readOutputs(location: string): Promise<Record<string, Float32Array>> {
  const files = (readdirSync(location, { recursive: true }) as string[]).filter((f) => f.endsWith('.tif'));
  const out: Record<string, Float32Array> = {};
  for (const pc of ['pc_5', 'pc_10', 'pc_25']) {
    const file = files.find((f) => f.endsWith(`_oa_s2cloudless_prob_${pc}.tif`));
    expect(file, `the ${pc} band among ${files.join(', ')}`).toBeDefined();
    const bytes = readFileSync(path.join(location, file!));
    const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    out[pc] = ((await (await tiff.getImage()).readRasters()) as unknown as [Float32Array])[0];
  }
  return out;
}

async function runWith(name: string, pluginConfig: string[]): Promise<Record<string, Float32Array>> {
  const config = path.join(dir, `${name}.yaml`);
  writeFileSync(config, ['plugin: s2_gm_tools.S2Cloudless_percentiles', ...(pluginConfig.length > 0 ? ['plugin_config:', ...pluginConfig] : []), ''].join('\n'));
  const location = path.join(dir, name);
  const r = await runCli(['run', plan, '--config', config, '--location', location, '--threads', '1'], { timeoutMs: 90_000 });
  expect(r.code, r.stderr).toBe(0);
  return readOutputs(location);
}

function checkPixels(out: Record<string, Float32Array>, used: (d: number, p: number) => boolean): void {
  let seen = 0;
  for (let p = 0; p < SIDE * SIDE; p++) {
    const values: number[] = [];
    for (let d = 0; d < DAYS; d++) if (!Number.isNaN(probability(d, p)) && used(d, p)) values.push(probability(d, p));
    const want = expectedPercentiles(values);
    if (!Number.isNaN(want[0]!)) seen++;
    expect([out['pc_5']![p], out['pc_10']![p], out['pc_25']![p]], `pixel ${p}`).toEqual(want);
  }
  expect(seen).toBeGreaterThan(0);
}

describe('S2Cloudless_percentiles by the CLI', () => {
  it('takes every day’s probability by default, the mask band unread', async () => {
    checkPixels(await runWith('default', []), () => true);
  }, 180_000);

  it('leaves out the mask’s nodata days when the mask band is one of the bands', async () => {
    checkPixels(await runWith('masked', ['  bands: [oa_s2cloudless_prob, oa_s2cloudless_mask]']), (d, p) => maskValue(d, p) !== 0);
    // The mask changes the answer: pixels whose percentiles without its nodata days differ.
    const differs = Array.from({ length: SIDE * SIDE }, (_, p) => {
      const days = Array.from({ length: DAYS }, (_, d) => d).filter((d) => !Number.isNaN(probability(d, p)));
      const all = expectedPercentiles(days.map((d) => probability(d, p)));
      const kept = expectedPercentiles(days.filter((d) => maskValue(d, p) !== 0).map((d) => probability(d, p)));
      return !all.every((v, k) => Object.is(v, kept[k]));
    });
    expect(differs.filter(Boolean).length).toBeGreaterThan(SIDE);
  }, 180_000);
});
