/**
 * The urban land-cover plugin through `odc-stats` in real processes: a config in the spelling of
 * DEA's ga_ls_landcover_artificial_surface_cyear_3, its model a TensorFlow Lite file (a per-pixel
 * sigmoid, written here), run with LiteRT.js on two geomedians of one year of small COGs, reduced
 * on two threads; the classes checked against the model worked by hand.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GeoBox } from '../../shared/geobox.js';
import { encodeCog } from '../../worker/cog/cog-writer.js';
import { pixelSigmoidTflite } from '../../worker/models/test-support/tflite-test-models.js';
import { boxItem, ndjson, tiffAsset } from '../test-support/stac-items.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';

/** Tile 10/20 of a grid of 0.1° pixels, 10 a side. */
const GRID = 'epsg:4326;0.1;10';
const GEOBOX: GeoBox = { crs: 'EPSG:4326', affine: [0.1, 0, 10, 0, -0.1, 21], width: 10, height: 10 };
const PIXELS = GEOBOX.width * GEOBOX.height;
const BANDS = ['nbart_blue', 'nbart_green', 'nbart_red', 'nbart_nir', 'nbart_swir_1', 'nbart_swir_2'];
const MISSING = -999;
const CROP = 16;

type Pixel = [nir: number, swir1: number];
/** The first pixels of each image; the rest natural in both (NIR brighter). */
const FIRST: Array<[a: Pixel, b: Pixel]> = [
  [[1000, 1500], [1500, 1000]], // SWIR 1 brighter in one image: artificial
  [[1500, 1000], [1500, 1000]], // NIR brighter in both: natural
  [[1000, 1500], [1000, 1500]], // artificial in both
];
const URBAN = [215, 216, 215];
const REST: Pixel = [1500, 1000];

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lc-ml-urban-run-'));
  const items = (['ls7', 'ls8'] as const).map((sensor, image) => {
    mkdirSync(path.join(dir, sensor));
    for (const band of BANDS) {
      const value = (p: number) => {
        const pixel = FIRST[p]?.[image] ?? REST;
        return band === 'nbart_nir' ? pixel[0] : band === 'nbart_swir_1' ? pixel[1] : 500;
      };
      const data = Int16Array.from({ length: PIXELS }, (_, p) => value(p));
      writeFileSync(path.join(dir, sensor, `${band}.tif`), encodeCog({ geobox: GEOBOX, data, nodata: MISSING }, { blocksize: 16 }));
    }
    const assets = Object.fromEntries(BANDS.map((band) => [band, tiffAsset(`./${sensor}/${band}.tif`)]));
    return boxItem(`${sensor}-2021`, [10, 20, 11, 21], `2021-0${image + 1}-01T00:00:00Z`, { collection: 'gm', assets });
  });
  writeFileSync(path.join(dir, 'items.ndjson'), ndjson(items));
  // sigmoid(10 × (swir_1 − nir)) of the normalised bands: above 0.5 where SWIR 1 is brighter.
  writeFileSync(path.join(dir, 'urban.tflite'), pixelSigmoidTflite([0, 0, 0, -10, 10, 0], 0, [CROP, CROP]));
});

describe('urban_class in odc-stats run', () => {
  it('classes each pixel by its TensorFlow Lite model on each image and the images together, LiteRT silent on stderr', { timeout: 120_000 }, async () => {
    const config = {
      plugin: 'urban_class',
      plugin_config: {
        input_bands: BANDS,
        model_path: 'urban.tflite',
        output_classes: { artificial: 215, natural: 216 },
        measurements: ['artificial_surface'],
        crop_size: [CROP, CROP],
      },
      product: { name: 'ga_ls_landcover_artificial_surface_cyear_3', short_name: 'ga_ls_landcover_artificial_surface_cyear_3', version: '2.0.0', product_family: 'lc' },
      cog_opts: { zlevel: 9, overview_resampling: 'mode' },
    };
    writeFileSync(path.join(dir, 'urban.yaml'), stringify(config));
    const plan = await runCli(['save-tasks', '--catalog', 'items.ndjson', '--input-products', 'gm', '--grid', GRID, '--year', '2021', 'urban.db'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(0);
    const run = await runCli(['run', 'urban.db', '--config', 'urban.yaml', '--location', 'out', '--threads', '1', '--threads-per-task', '2'], { cwd: dir, timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(0);
    // Only the task's progress: none of LiteRT's log, nor its warning that there is no WebGPU.
    expect(linesOf(run.stderr)).toEqual(['2021--P1Y/10/20: started', expect.stringMatching(/^2021--P1Y\/10\/20: finished in [\d.]+ s$/)]);

    const folder = path.join(dir, 'out', 'x10', 'y20', '2021--P1Y');
    const file = path.join(folder, readdirSync(folder).find((f) => f.endsWith('_artificial_surface.tif'))!);
    const bytes = readFileSync(file);
    const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const [data] = (await (await tiff.getImage()).readRasters()) as unknown as [ArrayLike<number>];
    expect(Array.from(data)).toEqual([...URBAN, ...new Array(PIXELS - URBAN.length).fill(216)]);
  });
});
