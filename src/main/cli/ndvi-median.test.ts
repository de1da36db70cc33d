/**
 * ndvi-median run by the CLI over the synthetic Landsat ARD: each pixel's output is checked
 * against the median NDVI of its clear passes, computed here from the sample's own values.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { beforeAll, describe, expect, it } from 'vitest';
import { LANDSAT_ARD_COLLECTION, landsatPasses, landsatPixel, type LandsatLayout, type LandsatPass } from '../sample/landsat-sample.js';
import { writeSampleCatalog, type SampleCatalog } from '../sample/sample-catalog.js';
import { runCli } from '../test-support/spawn-cli.js';

const SIDE = 32;
const LAYOUT: LandsatLayout = { pixelMetres: 120, pixels: SIDE, scenes: { '168060': { west: 249_600, north: 9_903_360 } }, blocksize: 16 };
const GRID = 'EPSG:32737;120;32';
const TILES = '65:66,2578:2579';
const CHOICE = { dates: 5, layout: LAYOUT };

let dir: string;
let sample: SampleCatalog;
let passes: LandsatPass[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ndvi-median-'));
  sample = await writeSampleCatalog(path.join(dir, 'catalog'), { collections: [LANDSAT_ARD_COLLECTION], landsat: CHOICE });
  passes = landsatPasses(CHOICE);
}, 60_000);

async function succeeded(args: string[]): Promise<void> {
  const r = await runCli(args, { timeoutMs: 90_000 });
  expect(r.code, r.stderr).toBe(0);
}

/** StatsNDVI's rule, independently: passes not fmask nodata, cloud or shadow, contiguous, neither band at −999; median, float32. */
function medianNdvi(col: number, row: number): number {
  const ndvi = passes
    .map((pass) => landsatPixel(pass, col, row, LAYOUT))
    .filter((o) => ![0, 2, 3].includes(o.fmask) && o.contiguity !== 0 && o.nbart.nbart_nir !== -999 && o.nbart.nbart_red !== -999)
    .map((o) => Math.fround((o.nbart.nbart_nir - o.nbart.nbart_red) / (o.nbart.nbart_nir + o.nbart.nbart_red)))
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const n = ndvi.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? ndvi[(n - 1) / 2]! : Math.fround(ndvi[n / 2 - 1]! + ndvi[n / 2]!) / 2;
}

describe('ndvi-median of the ARD', () => {
  it('writes each pixel’s median NDVI over its clear passes', async () => {
    const plan = path.join(dir, 'ard.db');
    await succeeded(['save-tasks', '--grid', GRID, '--tiles', TILES, '--catalog', sample.catalogPath, '--input-products', LANDSAT_ARD_COLLECTION, '--year', '2021', plan]);
    const config = path.join(dir, 'ndvi.yaml');
    writeFileSync(
      config,
      ['plugin: ndvi-median', 'plugin_config:', '  input_bands: [nbart_red, nbart_nir]', '  output_bands: ndvi_median', '  mask_band: oa_fmask', '  contiguity_band: oa_nbart_contiguity', ''].join('\n'),
    );
    const location = path.join(dir, 'ndvi');
    await succeeded(['run', plan, '--config', config, '--location', location, '--threads', '1']);

    const folder = path.join(location, 'x65y', '2578', '2021--P1Y');
    const name = readdirSync(folder).find((f) => f.endsWith('_ndvi_median.tif'))!;
    const bytes = readFileSync(path.join(folder, name));
    const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const [median] = (await (await tiff.getImage()).readRasters()) as unknown as [Float32Array];
    let seen = 0;
    for (let p = 0; p < SIDE * SIDE; p++) {
      const want = medianNdvi(p % SIDE, Math.floor(p / SIDE));
      if (!Number.isNaN(want)) seen++;
      expect(median[p], `pixel ${p % SIDE},${Math.floor(p / SIDE)}`).toBe(want);
    }
    expect(seen).toBeGreaterThan(0);
  }, 180_000);
});
