/**
 * gm-generic writes its bands in the type and nodata of its inputs, as odc-algo's geomedian
 * (`geomedian_with_mads`: the bands `astype(input dtype)`, the input's nodata attribute), not
 * in a fixed uint16 with nodata 0.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { parseTemporalRange } from '../../shared/daterange.js';
import { UserError } from '../../shared/errors.js';
import type { OutputProduct } from '../../shared/run-config.js';
import type { TaskDatasetRef, WorkerTask } from '../../shared/task-messages.js';
import { encodeCog } from '../cog/cog-writer.js';
import { runTask } from '../run-task.js';
import type { SampleArray } from '../raster.js';
import { loadPlugin } from './registry.js';

const row = (width: number) => ({ crs: 'EPSG:32737', affine: [30, 0, 0, 0, -30, 0] as const, width, height: 1 });
const config = { bands: ['red', 'green'], mask_band: 'fmask' };

describe('gm-generic on int16 bands with nodata −999', () => {
  // fmask: 1 valid, 2 cloud, 3 shadow. Pixel 0: one valid observation (1000, 2000). Pixel 1: none
  // (nodata, nodata, shadow). Pixel 2: the same (300, 400) twice. Pixel 3: one valid observation
  // of negative red (−50, 10), which a uint16 output would have clamped to 0.
  const chunk = {
    geobox: row(4),
    days: ['d1', 'd2', 'd3'],
    bands: {
      red: [Int16Array.of(1000, -999, 300, -50), Int16Array.of(-999, -999, 300, 7000), Int16Array.of(5000, 2000, -999, 8000)],
      green: [Int16Array.of(2000, -999, 400, 10), Int16Array.of(-999, -999, 400, 7000), Int16Array.of(5000, 2000, -999, 8000)],
      fmask: [Uint8Array.of(1, 1, 1, 1), Uint8Array.of(1, 1, 1, 2), Uint8Array.of(2, 3, 1, 3)],
    },
    nodata: { red: -999, green: -999, fmask: 0 },
  };
  const int16 = { dtype: 'int16', nodata: -999 } as const;

  it('declares the inputs’ type once it knows them', async () => {
    const gm = await loadPlugin('gm-generic', config);
    const settled = gm.withInputTypes!({ red: int16, green: int16, fmask: { dtype: 'uint8', nodata: 0 } });
    expect(settled.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([
      ['red', 'int16', -999],
      ['green', 'int16', -999],
      ['smad', 'float32', NaN],
      ['emad', 'float32', NaN],
      ['bcmad', 'float32', NaN],
      ['count', 'uint16', 0],
    ]);
  });

  it('writes int16 with −999 where no observation is usable, settled or not (a reduce thread’s plugin is not)', async () => {
    const gm = await loadPlugin('gm-generic', config);
    for (const plugin of [gm, gm.withInputTypes!({ red: int16, green: int16 })]) {
      const out = plugin.reduce(chunk);
      expect(out['red']).toEqual(Int16Array.of(1000, -999, 300, -50));
      expect(out['green']).toEqual(Int16Array.of(2000, -999, 400, 10));
      expect(Array.from(out['count']!)).toEqual([1, 0, 2, 1]);
    }
  });

  it('keeps float32 inputs float32, NaN where no observation is usable', async () => {
    const gm = await loadPlugin('gm-generic', config);
    const floats: SampleArray[] = [Float32Array.of(0.25, Number.NaN)];
    const out = gm.reduce({ geobox: row(2), days: ['d1'], bands: { red: floats, green: floats, fmask: [Uint8Array.of(1, 1)] }, nodata: { red: NaN, green: NaN, fmask: 0 } });
    expect(out['red']).toBeInstanceOf(Float32Array);
    expect(out['red']![0]).toBeCloseTo(0.25, 6);
    expect(out['red']![1]).toBeNaN();
    expect(gm.withInputTypes!({ red: { dtype: 'float32', nodata: null }, green: { dtype: 'float32', nodata: null } }).measurements[0]).toMatchObject({ dtype: 'float32', nodata: NaN });
  });

  it('refuses bands of different types, naming them', async () => {
    const gm = await loadPlugin('gm-generic', config);
    const mixed = () => gm.withInputTypes!({ red: int16, green: { dtype: 'uint16', nodata: 0 } });
    expect(mixed).toThrow(UserError);
    expect(mixed).toThrow('gm-generic writes its bands in their own type, which they must share: red is int16 with nodata -999, green uint16 with nodata 0');
  });
});

describe('gm-generic in a task', () => {
  const SIZE = 100;
  const WEST = 250_000;
  const NORTH = 9_901_000;
  const product: OutputProduct = {
    name: 'test_gm',
    shortName: 'test_gm',
    version: '1.0.0',
    productFamily: 'geomedian',
    regionCodeFormat: 'x{x:02d}y{y:02d}',
    href: 'https://example.invalid/product/test_gm',
    properties: {},
  };

  /** A band of the tile: `inside` on columns [from, to), `outside` elsewhere. */
  const columns = (ArrayType: Int16ArrayConstructor | Uint8ArrayConstructor, outside: number, from: number, to: number, inside: number) => {
    const a = new ArrayType(SIZE * SIZE).fill(outside);
    for (let y = 0; y < SIZE; y++) a.fill(inside, y * SIZE + from, y * SIZE + to);
    return a;
  };

  async function readTif(file: string): Promise<{ data: ArrayLike<number>; nodata: number | null }> {
    const buf = readFileSync(file);
    const image = await (await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))).getImage();
    const [data] = (await image.readRasters()) as unknown as [ArrayLike<number>];
    return { data, nodata: image.getGDALNoData() };
  }

  it('writes COGs and a STAC item of int16 with nodata −999 from int16 inputs, with and without reduce threads', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gm-generic-'));
    const geobox = { crs: 'EPSG:32737', affine: [10, 0, WEST, 0, -10, NORTH] as const, width: SIZE, height: SIZE };
    const dataset = (id: string, day: string, bands: Record<string, { data: Int16Array | Uint8Array; nodata: number }>): TaskDatasetRef => {
      const assets: Record<string, string> = {};
      for (const [band, { data, nodata }] of Object.entries(bands)) {
        assets[band] = path.join(dir, 'inputs', id, `${band}.tif`);
        mkdirSync(path.dirname(assets[band]), { recursive: true });
        writeFileSync(assets[band], encodeCog({ geobox, data, nodata }, { blocksize: 64 }));
      }
      return { id, collection: 'ls', solarDay: day, assets };
    };
    // Day 1: (−50, 10) but for columns 0–9, which have no data. Day 2: cloud but for columns
    // 90–99, which see (−50, 10) too. So columns 0–9 have no usable observation, 10–89 one and
    // 90–99 two, all of (−50, 10).
    const datasets = [
      dataset('d1', '2021-02-01', {
        red: { data: columns(Int16Array, -50, 0, 10, -999), nodata: -999 },
        green: { data: columns(Int16Array, 10, 0, 10, -999), nodata: -999 },
        fmask: { data: columns(Uint8Array, 1, 0, 10, 0), nodata: 0 },
      }),
      dataset('d2', '2021-03-01', {
        red: { data: columns(Int16Array, 3000, 90, 100, -50), nodata: -999 },
        green: { data: columns(Int16Array, 3000, 90, 100, 10), nodata: -999 },
        fmask: { data: columns(Uint8Array, 2, 90, 100, 1), nodata: 0 },
      }),
    ];
    for (const reduceThreads of [1, 2]) {
      const location = path.join(dir, `out-${reduceThreads}`);
      const task: WorkerTask = {
        id: { period: '2021--P1Y', x: 250, y: 9900 },
        period: parseTemporalRange('2021--P1Y'),
        grid: 'EPSG:32737;10;100',
        datasets,
        plugin: 'gm-generic',
        pluginConfig: config,
        product,
        location,
        cogOptions: { common: { blocksize: 64 }, overrides: {} },
        overwrite: false,
        unsigned: false,
        chunkSize: 48,
        reduceThreads,
      };
      expect((await runTask(task)).status).toBe('finished');
      const prefix = path.join(location, 'x250', 'y9900', '2021--P1Y', 'test_gm_x250y9900_2021--P1Y');
      const red = await readTif(`${prefix}_red.tif`);
      const count = await readTif(`${prefix}_count.tif`);
      expect(red.data).toBeInstanceOf(Int16Array);
      expect(red.nodata).toBe(-999);
      for (const y of [0, 47, 99]) {
        expect([0, 9, 10, 89, 90, 99].map((x) => red.data[y * SIZE + x])).toEqual([-999, -999, -50, -50, -50, -50]);
        expect([0, 9, 10, 89, 90, 99].map((x) => count.data[y * SIZE + x])).toEqual([0, 0, 1, 1, 2, 2]);
      }
      const item = JSON.parse(readFileSync(`${prefix}.stac-item.json`, 'utf8')) as { assets: Record<string, { 'raster:bands': unknown }> };
      expect(item.assets['green']!['raster:bands']).toEqual([{ data_type: 'int16', nodata: -999 }]);
      expect(item.assets['count']!['raster:bands']).toEqual([{ data_type: 'uint16', nodata: 0 }]);
    }
  }, 60_000);
});
