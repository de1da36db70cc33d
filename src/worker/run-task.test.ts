import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { beforeAll, describe, expect, it } from 'vitest';
import { transformer } from '../shared/crs.js';
import { parseTemporalRange } from '../shared/daterange.js';
import type { LonLatFootprint } from '../shared/geometry.js';
import type { OutputProduct } from '../shared/run-config.js';
import type { TaskDatasetRef, WorkerTask } from '../shared/task-messages.js';
import { encodeCog } from './cog/cog-writer.js';
import { checkCogLayout } from './cog/test-support/cog-validate.js';
import { loadBand } from './load/load-band.js';
import { loadPlugin } from './plugins/registry.js';
import type { SampleArray } from './raster.js';
import { runTask } from './run-task.js';

/**
 * A custom grid of 1 km tiles of 10 m pixels in UTM 37S, so the synthetic datasets below align
 * with the tile pixel for pixel and every expected output can be counted by hand.
 */
const GRID = 'EPSG:32737;10;100';
const TILE = { x: 250, y: 9900 };
const WEST = 250_000;
const NORTH = 9_901_000;
const SIZE = 100;

const product: OutputProduct = {
  name: 'test_pq',
  shortName: 'test_pq',
  version: '1.0.0',
  productFamily: 'statistics',
  regionCodeFormat: 'x{x:02d}y{y:02d}',
  href: 'https://example.invalid/product/test_pq',
  properties: {},
};

let dir: string;

function writeBand(dataset: string, band: string, data: Uint8Array | Uint16Array, nodata: number): string {
  const file = path.join(dir, 'inputs', dataset, `${band}.tif`);
  mkdirSync(path.dirname(file), { recursive: true });
  const geobox = { crs: 'EPSG:32737', affine: [10, 0, WEST, 0, -10, NORTH] as const, width: SIZE, height: SIZE };
  writeFileSync(file, encodeCog({ geobox, data, nodata }, { blocksize: 64 }));
  return file;
}

/** SCL of one day: `fill` everywhere but for the rectangles given. */
function scl(fill: number, ...rects: Array<[x0: number, y0: number, x1: number, y1: number, value: number]>): Uint8Array {
  const a = new Uint8Array(SIZE * SIZE).fill(fill);
  for (const [x0, y0, x1, y1, v] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) a[y * SIZE + x] = v;
  return a;
}

function dataset(id: string, solarDay: string, bands: Record<string, Uint8Array | Uint16Array>): TaskDatasetRef {
  const assets: Record<string, string> = {};
  for (const [band, data] of Object.entries(bands)) assets[band] = writeBand(id, band, data, 0);
  return { id, collection: 's2_l2a', solarDay, assets };
}

/** A lon/lat footprint of the tile's pixels [col0, col1) × [row0, row1). */
function pixelSquare(col0: number, row0: number, col1: number, row1: number): LonLatFootprint {
  const toLonLat = transformer('EPSG:32737', 'EPSG:4326');
  const corner = (col: number, row: number) => toLonLat(WEST + 10 * col, NORTH - 10 * row);
  return { type: 'Polygon', coordinates: [[corner(col0, row1), corner(col1, row1), corner(col1, row0), corner(col0, row0), corner(col0, row1)]] };
}

async function readTif(file: string): Promise<{ data: ArrayLike<number>; nodata: number | null; width: number }> {
  const buf = readFileSync(file);
  const tiff = await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const image = await tiff.getImage();
  const [data] = (await image.readRasters()) as unknown as [ArrayLike<number>];
  return { data, nodata: image.getGDALNoData(), width: image.getWidth() };
}

function task(datasets: TaskDatasetRef[], plugin: string, pluginConfig: Record<string, unknown>, location: string): WorkerTask {
  return {
    id: { period: '2021--P1Y', ...TILE },
    period: parseTemporalRange('2021--P1Y'),
    grid: GRID,
    datasets,
    plugin,
    pluginConfig,
    product,
    location,
    cogOptions: { common: { blocksize: 64 }, overrides: {} },
    overwrite: false,
    unsigned: false,
    chunkSize: 48,
  };
}

describe('runTask', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'run-task-'));
  });

  it('counts total and clear observations per pixel (pq), writes COGs, checksums and the STAC item last', async () => {
    const datasets = [
      // Day 1: vegetation, a cloud (9) on pixels x 10–11, y 10–11.
      dataset('d1', '2021-02-01', { SCL: scl(4, [10, 10, 12, 12, 9]) }),
      // Day 2: no data (0) on the left half, then bare soil; two datasets of the same day, the
      // second fills where the first has no data (first valid pixel wins).
      dataset('d2a', '2021-03-01', { SCL: scl(5, [0, 0, 50, 100, 0]) }),
      dataset('d2b', '2021-03-01', { SCL: scl(0, [0, 0, 20, 100, 6]) }),
      // Day 3: a shadow (3) at pixel (30, 40).
      dataset('d3', '2021-04-01', { SCL: scl(4, [30, 40, 31, 41, 3]) }),
    ];
    const location = path.join(dir, 'out-pq');
    const filters = { clear_1: [['dilation', 1]] };
    const outcome = await runTask(task(datasets, 'pq', { filters }, location));
    expect(outcome.status).toBe('finished');

    const prefix = path.join(location, 'x250', 'y9900', '2021--P1Y', 'test_pq_x250y9900_2021--P1Y');
    const total = await readTif(`${prefix}_total.tif`);
    const clear = await readTif(`${prefix}_clear.tif`);
    const clear1 = await readTif(`${prefix}_clear_1.tif`);
    const at = (r: { data: ArrayLike<number> }, x: number, y: number) => r.data[y * SIZE + x];
    // Total: 3 days everywhere but x 20–49 on day 2 (no data in both datasets of the day).
    expect(at(total, 5, 5)).toBe(3);
    expect(at(total, 25, 5)).toBe(2);
    expect(at(total, 60, 5)).toBe(3);
    // Clear: the cloud and the shadow take one observation each.
    expect(at(clear, 10, 10)).toBe(2);
    expect(at(clear, 11, 11)).toBe(2);
    expect(at(clear, 12, 12)).toBe(3);
    expect(at(clear, 30, 40)).toBe(1); // day 2 missing there, day 3 shadow
    // clear_1: the cloud dilated by a disk of radius 1 (a plus) also takes (12, 10) and (9, 11)
    // but not the diagonal (12, 12); the shadow takes (31, 40) and (30, 41).
    expect(at(clear1, 12, 10)).toBe(2);
    expect(at(clear1, 9, 11)).toBe(2);
    expect(at(clear1, 12, 12)).toBe(3);
    expect(at(clear1, 31, 40)).toBe(1);
    expect(at(clear1, 31, 41)).toBe(2);
    expect(total.nodata).toBe(0);

    const item = JSON.parse(readFileSync(`${prefix}.stac-item.json`, 'utf8'));
    expect(item.properties['odc:region_code']).toBe('x250y9900');
    expect(Object.keys(item.assets)).toEqual(expect.arrayContaining(['total', 'clear', 'clear_1']));
    expect(item.assets.total.href).toBe('test_pq_x250y9900_2021--P1Y_total.tif');
    const sums = readFileSync(`${prefix}.sha1`, 'utf8').trim().split('\n');
    expect(sums.map((l) => l.split('  ')[1])).toEqual(expect.arrayContaining(['test_pq_x250y9900_2021--P1Y_total.tif', 'test_pq_x250y9900_2021--P1Y.stac-item.json']));
    expect(existsSync(`${prefix}_thumbnail.png`)).toBe(true);

    // Finished tasks are skipped, unless overwritten.
    expect((await runTask(task(datasets, 'pq', { filters }, location))).status).toBe('skipped');
    expect((await runTask({ ...task(datasets, 'pq', { filters }, location), overwrite: true })).status).toBe('finished');
  });

  it('computes the geomedian of clear observations, in DN, with COUNT (gm-s2)', async () => {
    const n = SIZE * SIZE;
    const band = (v: number) => new Uint16Array(n).fill(v);
    // Three clear days with reflectances (DN) (1000, 2000, 3000), (1100, 2100, 3100),
    // (1000, 2000, 3000) → the geometric median is the repeated point; a fourth, cloudy day
    // (SCL 9) of (9000, 9000, 9000) is left out.
    const days = [
      ['a', '2021-01-01', 1000, 2000, 3000, 4],
      ['b', '2021-01-11', 1100, 2100, 3100, 4],
      ['c', '2021-01-21', 1000, 2000, 3000, 5],
      ['d', '2021-01-31', 9000, 9000, 9000, 9],
    ] as const;
    const datasets = days.map(([id, day, b2, b3, b4, cls]) => dataset(`gm-${id}`, day, { B02: band(b2), B03: band(b3), B04: band(b4), SCL: new Uint8Array(n).fill(cls) }));
    const location = path.join(dir, 'out-gm');
    // Settings for the rgba band ask for the RGBA preview, as in odc-stats.
    const gm = task(datasets, 'gm-s2', { bands: ['B02', 'B03', 'B04'], cloud_filters: [] }, location);
    const outcome = await runTask({ ...gm, cogOptions: { common: { blocksize: 64 }, overrides: { rgba: { compress: 'JPEG', jpeg_quality: 90 } } } });
    expect(outcome.status).toBe('finished');
    const prefix = path.join(location, 'x250', 'y9900', '2021--P1Y', 'test_pq_x250y9900_2021--P1Y');
    expect((await readTif(`${prefix}_B02.tif`)).data[1234]).toBe(1000);
    expect((await readTif(`${prefix}_B04.tif`)).data[99]).toBe(3000);
    expect((await readTif(`${prefix}_COUNT.tif`)).data[5000]).toBe(3);
    const rgba = await (await fromArrayBuffer(new Uint8Array(readFileSync(`${prefix}_rgba.tif`)).buffer)).getImage();
    expect([rgba.fileDirectory.getValue('Compression'), rgba.getSamplesPerPixel(), rgba.getTileWidth()]).toEqual([7, 3, 64]);
    expect(JSON.parse(readFileSync(`${prefix}.stac-item.json`, 'utf8')).assets.quicklook.href).toBe('test_pq_x250y9900_2021--P1Y_rgba.tif');
    // The RGBA COG draws (B04, B03, B02) = (3000, 2000, 1000) with the plugin's rgb_clamp (0, 4000):
    // 3000 · 255 / 4000 = 191.25 → 191, 127.5 → 127, 63.75 → 63, as odc-algo's to_rgba.
    const clamped = { ...gm, pluginConfig: { ...gm.pluginConfig, rgb_clamp: [0, 4000] }, overwrite: true };
    await runTask({ ...clamped, cogOptions: { common: { blocksize: 64 }, overrides: { rgba: { compress: 'deflate' } } } });
    const clampedRgba = await (await fromArrayBuffer(new Uint8Array(readFileSync(`${prefix}_rgba.tif`)).buffer)).getImage();
    const rgbaPixels = await clampedRgba.readRasters({ interleave: true });
    expect(Array.from(rgbaPixels.slice(4 * 5050, 4 * 5051))).toEqual([191, 127, 63, 255]);
    // EMAD in DN: distances 0, √3·100, 0 → median 0, up to the iteration's tolerance
    // (eps 1e-6 of |estimate| ≈ 0.37 reflectance, i.e. ~0.004 DN).
    expect((await readTif(`${prefix}_EMAD.tif`)).data[5000]).toBeLessThan(0.01);
  });

  it('reads a dataset only where its footprint reaches, and leaves chunks no footprint reaches nodata', async () => {
    const prefix = (location: string) => path.join(location, 'x250', 'y9900', '2021--P1Y', 'test_pq_x250y9900_2021--P1Y');
    // Two days of clear SCL (4) everywhere in the files; day 1's footprint claims pixels
    // 0–19 × 0–19 only, day 2 is a file that does not exist, with a footprint outside the tile.
    const day1 = { ...dataset('fp-1', '2021-02-01', { SCL: scl(4) }), footprint: pixelSquare(0, 0, 20, 20) };
    const day2: TaskDatasetRef = { id: 'fp-2', collection: 's2_l2a', solarDay: '2021-03-01', assets: { SCL: path.join(dir, 'nope', 'fp-2.tif') }, footprint: pixelSquare(150, 0, 170, 20) };
    const location = path.join(dir, 'out-footprint');
    // Chunks of 48 px with pq's 9 px halo and the 16 px margin: the footprint reaches chunk (0, 0) only.
    expect((await runTask({ ...task([day1, day2], 'pq', {}, location), chunkSize: 48 })).status).toBe('finished');
    const total = await readTif(`${prefix(location)}_total.tif`);
    const at = (x: number, y: number) => total.data[y * SIZE + x];
    expect([at(0, 0), at(19, 19), at(47, 47), at(0, 47)]).toEqual([1, 1, 1, 1]); // chunk (0, 0): read, one observation
    expect([at(48, 0), at(0, 48), at(99, 99), at(60, 10)]).toEqual([0, 0, 0, 0]); // the rest: nodata
  });

  it('gives the same outputs with footprints as without, where the footprints bound the data', async () => {
    const prefix = (location: string) => path.join(location, 'x250', 'y9900', '2021--P1Y', 'test_pq_x250y9900_2021--P1Y');
    // Day 1 has data on pixels 0–29 × 0–99 only, day 2 on 60–99 × 50–99, day 3 on 0–99 × 0–9 in
    // two datasets, the second of them with a footprint outside the tile.
    const days = [
      { ...dataset('fq-1', '2021-02-01', { SCL: scl(0, [0, 0, 30, 100, 4]) }), footprint: pixelSquare(0, 0, 30, 100) },
      { ...dataset('fq-2', '2021-03-01', { SCL: scl(0, [60, 50, 100, 100, 9]) }), footprint: pixelSquare(60, 50, 100, 100) },
      { ...dataset('fq-3a', '2021-04-01', { SCL: scl(0, [0, 0, 100, 10, 5]) }), footprint: pixelSquare(0, 0, 100, 10) },
      { ...dataset('fq-3b', '2021-04-01', { SCL: scl(0) }), footprint: pixelSquare(200, 200, 210, 210) },
    ];
    const withFootprints = path.join(dir, 'out-fq-with');
    const without = path.join(dir, 'out-fq-without');
    const filters = { clear_1: [['dilation', 1]] };
    await runTask({ ...task(days, 'pq', { filters }, withFootprints), chunkSize: 32 });
    await runTask({ ...task(days.map(({ footprint: _, ...d }) => d), 'pq', { filters }, without), chunkSize: 32 });
    for (const band of ['total', 'clear', 'clear_1']) {
      const a = await readTif(`${prefix(withFootprints)}_${band}.tif`);
      const b = await readTif(`${prefix(without)}_${band}.tif`);
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
    }
    // Hand counts: (5, 5) has days 1 and 3; (80, 80) day 2 (a cloud: not clear); (50, 50) none.
    const total = await readTif(`${prefix(withFootprints)}_total.tif`);
    const clear = await readTif(`${prefix(withFootprints)}_clear.tif`);
    expect([total.data[5 * SIZE + 5], total.data[80 * SIZE + 80], total.data[50 * SIZE + 50]]).toEqual([2, 1, 0]);
    expect([clear.data[5 * SIZE + 5], clear.data[80 * SIZE + 80]]).toEqual([2, 0]);
  });

  it('streams the same COGs, byte for byte, as reducing the whole tile at once and encoding it in memory', async () => {
    const n = SIZE * SIZE;
    const varied = (seed: number, scale: number) => Uint16Array.from({ length: n }, (_, i) => 500 + ((i * seed + (i % SIZE) * 7) % scale));
    const classes = (seed: number) => Uint8Array.from({ length: n }, (_, i) => [4, 4, 5, 9, 3, 0, 4, 6][(i * seed + Math.floor(i / SIZE)) % 8]!);
    const days = ['2021-01-05', '2021-02-05', '2021-03-05', '2021-04-05', '2021-05-05'];
    const datasets = days.map((day, d) => dataset(`eq-${d}`, day, { B02: varied(d + 3, 900), B03: varied(d + 5, 1200), B04: varied(d + 7, 700), SCL: classes(d + 1) }));
    const cases = [
      { plugin: 'pq', config: { filters: { clear_1: [['dilation', 1]], clear_2: [['opening', 1], ['dilation', 2]] } } },
      { plugin: 'gm-s2', config: { bands: ['B02', 'B03', 'B04'], cloud_filters: [] } },
      // A halo: reflectance is read without it (plugin inputs' `halo: false`), the mask with it.
      { plugin: 'gm-s2', config: { bands: ['B02', 'B03', 'B04'], cloud_filters: [['opening', 1], ['dilation', 2]] } },
    ];
    for (const { plugin: name, config } of cases) {
      const plugin = await loadPlugin(name, config);
      const tile = { crs: 'EPSG:32737', affine: [10, 0, WEST, 0, -10, NORTH] as const, width: SIZE, height: SIZE };
      // The reference: every day loaded over the whole tile, reduced at once, encoded in memory.
      const bands: Record<string, SampleArray[]> = {};
      const nodata: Record<string, number | null> = {};
      for (const input of plugin.inputs) {
        bands[input.name] = [];
        for (const d of datasets) {
          const raster = await loadBand(d.assets[input.name]!, tile, { resampling: input.resampling });
          bands[input.name]!.push(raster.data);
          nodata[input.name] = raster.nodata;
        }
      }
      const whole = plugin.reduce({ geobox: tile, days, bands, nodata });
      // Reduce threads end chunks in any order; the files must not change.
      for (const [chunkSize, reduceThreads] of [
        [48, 1],
        [64, 1],
        [32, 3],
      ] as const) {
        const location = path.join(dir, `out-eq-${name}-${JSON.stringify(config).length}-${chunkSize}-${reduceThreads}`);
        await runTask({ ...task(datasets, name, config, location), chunkSize, reduceThreads });
        for (const band of plugin.measurements) {
          // The run config's defaults (zlevel 9, average overviews) but where the band asks for nearest or mode.
          const resampling = band.overviewResampling === 'mode' || band.overviewResampling === 'nearest' ? band.overviewResampling : 'average';
          const expected = encodeCog({ geobox: tile, data: whole[band.name]!, nodata: band.nodata }, { blocksize: 64, zlevel: 9, overviewResampling: resampling });
          const written = readFileSync(`${path.join(location, 'x250', 'y9900', '2021--P1Y', 'test_pq_x250y9900_2021--P1Y')}_${band.name}.tif`);
          expect(checkCogLayout(written).errors).toEqual([]);
          expect(Buffer.compare(written, Buffer.from(expected)), `${name} ${band.name}, chunks of ${chunkSize}, ${reduceThreads} threads`).toBe(0);
        }
        // No settings for the rgba band: no RGBA preview, as in odc-stats.
        expect(existsSync(`${path.join(location, 'x250', 'y9900', '2021--P1Y', 'test_pq_x250y9900_2021--P1Y')}_rgba.tif`)).toBe(false);
      }
    }
  });

  it('writes a plugin\'s band that is a view of its inputs as it was, though later chunks load into the same memory', async () => {
    // An external plugin returning its input band itself: the outputs keep it until its stripe
    // (the tile's width) is complete, while the next chunks are loaded into the same arenas.
    const module = path.join(dir, 'passthrough-plugin.mjs');
    writeFileSync(
      module,
      "export default () => ({ name: 'passthrough', inputs: [{ name: 'SCL', resampling: 'nearest' }], measurements: [{ name: 'scl', dtype: 'uint8', nodata: 0 }], reduce(chunk) { return { scl: chunk.bands.SCL[0] }; } });",
    );
    const scl = Uint8Array.from({ length: SIZE * SIZE }, (_, i) => 1 + ((7 * Math.floor(i / SIZE) + 3 * (i % SIZE)) % 250));
    const datasets = [dataset('p-0', '2021-01-05', { SCL: scl })];
    for (const reduceThreads of [1, 2]) {
      const location = path.join(dir, `out-passthrough-${reduceThreads}`);
      await runTask({ ...task(datasets, module, {}, location), chunkSize: 20, reduceThreads });
      const written = await readTif(`${path.join(location, 'x250', 'y9900', '2021--P1Y', 'test_pq_x250y9900_2021--P1Y')}_scl.tif`);
      expect(Array.from(written.data), `${reduceThreads} threads`).toEqual(Array.from(scl));
    }
  });

  it('fails with the reduce thread\'s error, and leaves nothing, when a plugin fails on a thread', async () => {
    const module = path.join(dir, 'failing-plugin.mjs');
    writeFileSync(
      module,
      "export default () => ({ name: 'failing', inputs: [{ name: 'SCL', resampling: 'nearest' }], measurements: [{ name: 'x', dtype: 'uint8', nodata: 0 }], reduce() { throw new Error('no reduction today'); } });",
    );
    const datasets = [dataset('f-0', '2021-01-05', { SCL: Uint8Array.from({ length: SIZE * SIZE }, () => 4) })];
    const location = path.join(dir, 'out-failing');
    await expect(runTask({ ...task(datasets, module, {}, location), chunkSize: 32, reduceThreads: 2 })).rejects.toThrow('no reduction today');
    expect(existsSync(location)).toBe(false);
  });

  it('fails with the file named when a dataset is missing', async () => {
    const broken: TaskDatasetRef = { id: 'gone', collection: 's2_l2a', solarDay: '2021-05-01', assets: { SCL: path.join(dir, 'nope', 'SCL.tif') } };
    await expect(runTask(task([broken], 'pq', {}, path.join(dir, 'out-broken')))).rejects.toThrow(/nope\/SCL\.tif/);
    expect(existsSync(path.join(dir, 'out-broken'))).toBe(false);
  });

  it('leaves no input file open when a corrupt one fails it, not even one its other loads were reading', async () => {
    // More days than the task loads at once, the first of them garbage.
    const datasets = Array.from({ length: 20 }, (_, d) => dataset(`fd-${d}`, `2021-02-${String(d + 1).padStart(2, '0')}`, { SCL: scl(4) }));
    writeFileSync(datasets[0]!.assets['SCL']!, 'II*\0 and then garbage');
    await expect(runTask(task(datasets, 'pq', {}, path.join(dir, 'out-fd')))).rejects.toThrow(/fd-0\/SCL\.tif/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(openFilesUnder(path.join(dir, 'inputs'))).toEqual([]);
  });
});

/** The files under `folder` this process has open (Linux). */
function openFilesUnder(folder: string): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((file) => file.startsWith(folder));
}
