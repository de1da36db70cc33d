/**
 * A land-cover model plugin through `odc-stats` in real processes: a config in the spelling of
 * DEA's ga_ls_landcover_woody_cyear_3, its model a compiled treelite library (built here with
 * gcc) or the same trees as an ONNX tree ensemble, run on two geomedians of one year (two
 * sensors' images) of small COGs, reduced on two threads; the woody and herbaceous classes
 * checked against the trees worked by hand.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GeoBox } from '../../shared/geobox.js';
import { encodeCog } from '../../worker/cog/cog-writer.js';
import { compileTreeliteModel, HAS_GCC } from '../../worker/models/test-support/treelite-test-models.js';
import { treeRegressorModel } from '../test-support/onnx-test-models.js';
import { boxItem, ndjson, tiffAsset } from '../test-support/stac-items.js';
import { runCli } from '../test-support/spawn-cli.js';

/** Tile 10/20 of a grid of 0.1° pixels, 10 a side: longitudes 10–11°, latitudes 20–21°. */
const GRID = 'epsg:4326;0.1;10';
const GEOBOX: GeoBox = { crs: 'EPSG:4326', affine: [0.1, 0, 10, 0, -0.1, 21], width: 10, height: 10 };
const PIXELS = GEOBOX.width * GEOBOX.height;
const INPUT_BANDS = ['nbart_swir_2', 'nbart_blue', 'nbart_green', 'nbart_red', 'nbart_nir', 'nbart_swir_1', 'level_3_4'];
const MISSING = -999;

type Pixel = [nir: number, swir2: number, level34: number];
/** The first pixels of each image; the rest woody in both (nir 3000, swir_2 1100: cover 60). */
const FIRST: Array<[a: Pixel, b: Pixel]> = [
  [[2000, 1100, 110], [3000, 900, 110]], // 10 % and 75 %: herbaceous in one image, so herbaceous
  [[3000, 1100, 110], [3000, 900, 110]], // 60 % and 75 %: woody
  [[2000, 1100, 124], [2000, 900, 110]], // not vegetated, then 25 %: woody
  [[2000, 1100, 124], [2000, 1100, 255]], // never vegetated: nodata
  [[2000, MISSING, 110], [2000, 1100, 110]], // no swir_2 (the first feature), then 10 %: herbaceous
];
const WOODY = [114, 113, 113, 255, 114];
const REST: Pixel = [3000, 1100, 110];

let dir: string;

function bandValues(image: 0 | 1, band: string): Int16Array | Uint8Array {
  const pixel = (p: number): Pixel => FIRST[p]?.[image] ?? REST;
  if (band === 'level_3_4') return Uint8Array.from({ length: PIXELS }, (_, p) => pixel(p)[2]);
  const value = (p: number) => (band === 'nbart_nir' ? pixel(p)[0] : band === 'nbart_swir_2' ? pixel(p)[1] : 500);
  return Int16Array.from({ length: PIXELS }, (_, p) => value(p));
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lc-ml-run-'));
  const items = (['ls7', 'ls8'] as const).map((sensor, image) => {
    mkdirSync(path.join(dir, sensor));
    for (const band of INPUT_BANDS) {
      const data = bandValues(image as 0 | 1, band);
      writeFileSync(path.join(dir, sensor, `${band}.tif`), encodeCog({ geobox: GEOBOX, data, nodata: band === 'level_3_4' ? 255 : MISSING }, { blocksize: 16 }));
    }
    const assets = Object.fromEntries(INPUT_BANDS.map((band) => [band, tiffAsset(`./${sensor}/${band}.tif`)]));
    return boxItem(`${sensor}-2021`, [10, 20, 11, 21], `2021-0${image + 1}-01T00:00:00Z`, { collection: 'gm_with_l34', assets });
  });
  writeFileSync(path.join(dir, 'items.ndjson'), ndjson(items));
  // Cover (%) = (nir ≤ 2500 ? 10 : 60) + (swir_2 ≤ 1000 ? 15 : 0), on the features in input_bands' order.
  const trees = [
    { feature: 4, threshold: 2500, yes: { leaf: 10 }, no: { leaf: 60 } },
    { feature: 0, threshold: 1000, yes: { leaf: 15 }, no: { leaf: 0 } },
  ];
  writeFileSync(path.join(dir, 'woody.onnx'), treeRegressorModel(6, trees));
  // The same trees in treelite's compiled form.
  if (HAS_GCC) compileTreeliteModel('woody-treelite', dir);
});

async function readBand(file: string): Promise<number[]> {
  const bytes = readFileSync(file);
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const [data] = (await (await tiff.getImage()).readRasters()) as unknown as [ArrayLike<number>];
  return Array.from(data);
}

describe('woody_cover in odc-stats run', () => {
  const models = [
    { kind: 'ONNX', model: 'woody.onnx', skip: false },
    { kind: 'compiled treelite', model: 'woody-treelite.so', skip: !HAS_GCC },
  ];
  it.for(models)('classes each pixel by its $kind model on each image and the images together', { timeout: 120_000 }, async ({ model, skip }, context) => {
    if (skip) context.skip();
    const config = {
      plugin: 'woody_cover',
      plugin_config: {
        input_bands: INPUT_BANDS,
        mask_bands: { level_3_4: 110 },
        model_path: path.join(dir, model),
        output_classes: { woody: 113, herbaceous: 114 },
        measurements: ['woody'],
        chunks: { y: 400, x: 400 },
      },
      product: { name: 'ga_ls_landcover_woody_cyear_3', short_name: 'ga_ls_landcover_woody_cyear_3', version: '2.0.0', product_family: 'lc' },
      cog_opts: { zlevel: 9, overview_resampling: 'mode' },
    };
    const job = path.join(dir, path.parse(model).name);
    writeFileSync(`${job}.yaml`, stringify(config));
    const plan = await runCli(['save-tasks', '--catalog', path.join(dir, 'items.ndjson'), '--input-products', 'gm_with_l34', '--grid', GRID, '--year', '2021', `${job}.db`]);
    expect(plan.code, plan.stderr).toBe(0);
    const location = `${job}-out`;
    const args = ['run', `${job}.db`, '--config', `${job}.yaml`, '--location', location, '--threads', '1', '--threads-per-task', '2'];
    const run = await runCli(args, { timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(0);

    const folder = path.join(location, 'x10', 'y20', '2021--P1Y');
    const file = path.join(folder, readdirSync(folder).find((f) => f.endsWith('_woody.tif'))!);
    expect(await readBand(file)).toEqual([...WOODY, ...new Array(PIXELS - WOODY.length).fill(113)]);
  });
});
