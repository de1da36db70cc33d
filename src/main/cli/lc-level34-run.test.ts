/**
 * Land cover levels 3 and 4 through `odc-stats` in real processes: a config in the spelling of
 * DEA's ga_ls_landcover_class_cyear_3 run on one dataset of small COGs holding the eight input
 * bands, its class table and urban shapefile local, then on S3 (moto) named as DEA names them
 * (`s3://…csv`, `/vsizip/vsis3/…zip`); outputs checked against classes worked out by hand from
 * the table's rows.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { fromArrayBuffer } from 'geotiff';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GeoBox } from '../../shared/geobox.js';
import { encodeCog } from '../../worker/cog/cog-writer.js';
import { CLASS_CONDITION, CLASS_TABLE, DATA_VAR_CONDITION, URBAN_FILTER, writeAreaShapefile } from '../../worker/plugins/test-support/level34-fixtures.js';
import type { SampleArray } from '../../worker/raster.js';
import { boxItem, ndjson, tiffAsset } from '../test-support/stac-items.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { runCli } from '../test-support/spawn-cli.js';

/** Tile 10/20 of a grid of 0.1° pixels, 10 a side: longitudes 10–11°, latitudes 20–21°. */
const GRID = 'epsg:4326;0.1;10';
const GEOBOX: GeoBox = { crs: 'EPSG:4326', affine: [0.1, 0, 10, 0, -0.1, 21], width: 10, height: 10 };
const BANDS = ['pv_pc_50', 'bs_pc_50', 'frequency', 'water_frequency', 'level_3_4', 'artificial_surface', 'cultivated', 'woody'];

/** The first two rows' inputs, in the order of ROW_COLUMN; the other rows have no level 1 class (255). */
const ROWS: Array<[pv: number, bs: number, wf: number, l1: number, as: number, cu: number, wo: number, fr: number]> = [
  [70, 255, 0, 110, 216, 111, 113, NaN], // cultivated woody closed
  [64, 255, 0, 110, 216, 111, 113, NaN], // cultivated woody open
  [10, 255, 0, 110, 216, 111, 114, NaN], // cultivated herbaceous
  [15, 255, 0, 110, 216, 112, 113, NaN], // natural woody, cover 15 outside (15, 40): no level 4 class
  [39, 255, 0, 110, 216, 112, 113, NaN], // natural woody sparse
  [65, 255, 0, 110, 216, 255, 114, NaN], // natural herbaceous closed
  [255, 255, 0, 124, 216, 255, 113, 0.5], // aquatic woody semi-permanent
  [255, 255, 0, 124, 216, 255, 113, 0.25], // aquatic woody temporary
  [255, 70, 0, 210, 215, 255, 255, NaN], // artificial, in the large rural area: bare
  [255, 60, 0, 210, 216, 255, 255, NaN], // bare sparsely vegetated
  [255, 70, 0, 210, 215, 255, 255, NaN], // artificial, in the metropolitan area
  [255, 10, 0, 210, 216, 255, 255, NaN], // bare very sparsely vegetated
  [255, 255, 0, 220, 216, 255, 255, NaN], // water of unknown persistence
  [255, 255, 4, 220, 216, 255, 255, NaN], // water 4–6 months
  [255, 255, 0, 223, 216, 255, 255, NaN], // intertidal
  [255, 30, 0, 210, 215, 255, 255, NaN], // artificial, in the small rural area
  [255, 255, 12, 220, 216, 255, 255, NaN], // water 7 months or more
  [255, 255, 3, 220, 216, 255, 255, NaN], // water 1–3 months
  [70, 255, 0, 255, 215, 111, 113, NaN], // no level 1 class
  [70, 255, 0, 110, 216, 111, 255, NaN], // cultivated without a lifeform: no level 4 class
];
const LEVEL3 = [111, 111, 111, 112, 112, 112, 124, 124, 216, 216, 215, 216, 220, 220, 220, 215, 220, 220, 255, 111];
const LEVEL4 = [2, 3, 10, 0, 20, 31, 57, 58, 94, 95, 93, 96, 98, 100, 103, 93, 101, 99, 255, 0];
const PIXELS = GEOBOX.width * GEOBOX.height;

const ROW_COLUMN: Record<string, number> = { pv_pc_50: 0, bs_pc_50: 1, water_frequency: 2, level_3_4: 3, artificial_surface: 4, cultivated: 5, woody: 6, frequency: 7 };

let dir: string;

function bandValues(band: string): SampleArray {
  const values = (p: number) => (p < ROWS.length ? ROWS[p]![ROW_COLUMN[band]!]! : band === 'level_3_4' ? 255 : band === 'frequency' ? NaN : 0);
  return band === 'frequency' ? Float32Array.from({ length: PIXELS }, (_, p) => values(p)) : Uint8Array.from({ length: PIXELS }, (_, p) => values(p));
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lc-level34-run-'));
  mkdirSync(path.join(dir, 'lc'));
  for (const band of BANDS) {
    const nodata = band === 'frequency' ? Number.NaN : 255;
    writeFileSync(path.join(dir, 'lc', `${band}.tif`), encodeCog({ geobox: GEOBOX, data: bandValues(band), nodata }, { blocksize: 16 }));
  }
  const assets = Object.fromEntries(BANDS.map((band) => [band, tiffAsset(`./lc/${band}.tif`)]));
  writeFileSync(path.join(dir, 'items.ndjson'), ndjson([boxItem('lc-2021', [10, 20, 11, 21], '2021-06-30T00:00:00Z', { collection: 'lc_inputs', assets })]));
  writeFileSync(path.join(dir, 'classes.csv'), CLASS_TABLE);
  // Column 8 (10.8–10.9°) is a rural area too large for the filter; the rest metropolitan and small rural areas.
  const columns = (west: number, east: number): Array<[number, number]> => [[west, 20], [west, 21], [east, 21], [east, 20], [west, 20]];
  writeAreaShapefile(path.join(dir, 'areas'), [
    { ring: columns(10, 10.5), name: 'Greater Sydney', area: 12368.2 },
    { ring: columns(10.5, 10.8), name: 'Rest of NSW', area: 42.5 },
    { ring: columns(10.8, 10.9), name: 'Rest of NSW', area: 81.3 },
    { ring: columns(10.9, 11), name: 'Greater Melbourne', area: 9992.5 },
  ]);
});

async function readBand(file: string): Promise<number[]> {
  const bytes = readFileSync(file);
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const [data] = (await (await tiff.getImage()).readRasters()) as unknown as [ArrayLike<number>];
  return Array.from(data);
}

/** Plans the dataset once, runs lccs_level34 with the table and mask named so, and reads level3 and level4 back. */
async function runLevel34(name: string, classDefPath: string, urbanMask: string): Promise<{ level3: number[]; level4: number[] }> {
  const config = {
    plugin: 'lccs_level34',
    plugin_config: {
      input_bands: BANDS,
      measurements: ['level3', 'level4'],
      class_def_path: classDefPath,
      class_condition: CLASS_CONDITION,
      urban_mask: urbanMask,
      filter_expression: URBAN_FILTER,
      data_var_condition: DATA_VAR_CONDITION,
    },
    product: { name: 'ga_ls_landcover_class_cyear_3', short_name: 'ga_ls_landcover_class_cyear_3', version: '2.0.0', product_family: 'lc' },
    cog_opts: { zlevel: 9, overview_resampling: 'mode' },
  };
  writeFileSync(path.join(dir, `${name}.yaml`), stringify(config));
  const cache = path.join(dir, 'lc.db');
  if (!existsSync(cache)) {
    const plan = await runCli(['save-tasks', '--catalog', path.join(dir, 'items.ndjson'), '--input-products', 'lc_inputs', '--grid', GRID, '--year', '2021', cache]);
    expect(plan.code, plan.stderr).toBe(0);
  }
  const location = path.join(dir, name);
  const run = await runCli(['run', cache, '--config', path.join(dir, `${name}.yaml`), '--location', location, '--threads', '1'], { timeoutMs: 90_000 });
  expect(run.code, run.stderr).toBe(0);
  const folder = path.join(location, 'x10', 'y20', '2021--P1Y');
  const file = (band: string) => path.join(folder, readdirSync(folder).find((f) => f.endsWith(`_${band}.tif`))!);
  return { level3: await readBand(file('level3')), level4: await readBand(file('level4')) };
}

describe('lccs_level34 in odc-stats run', () => {
  const rest = new Array(PIXELS - ROWS.length).fill(255);

  it('writes level3 and level4 as the table and the urban mask class each pixel', async () => {
    const { level3, level4 } = await runLevel34('local', path.join(dir, 'classes.csv'), path.join(dir, 'areas.shp'));
    expect(level3).toEqual([...LEVEL3, ...rest]);
    expect(level4).toEqual([...LEVEL4, ...rest]);
  }, 120_000);

  describe('with the table on S3 and the shapefile zipped on S3, as DEA names them', () => {
    motoForTests();

    it('copies both before the run and classes as with local files', async () => {
      const zip = path.join(dir, 'areas.zip');
      const script = "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n    for f in sys.argv[2:]: z.write(f, 'SA1_2021/' + f.rsplit('/', 1)[-1])";
      execFileSync('python3', ['-c', script, zip, path.join(dir, 'areas.shp'), path.join(dir, 'areas.dbf')]);
      const s3 = new S3Client({});
      await s3.send(new CreateBucketCommand({ Bucket: 'dea-lc' }));
      await s3.send(new PutObjectCommand({ Bucket: 'dea-lc', Key: 'lccs/classes.csv', Body: CLASS_TABLE }));
      await s3.send(new PutObjectCommand({ Bucket: 'dea-lc', Key: 'urban_aux/areas.zip', Body: readFileSync(zip) }));

      const { level3, level4 } = await runLevel34('remote', 's3://dea-lc/lccs/classes.csv', '/vsizip/vsis3/dea-lc/urban_aux/areas.zip');
      expect(level3).toEqual([...LEVEL3, ...rest]);
      expect(level4).toEqual([...LEVEL4, ...rest]);
    }, 120_000);
  });
});
