/**
 * Block decoding against files GDAL wrote (gdal3.js): every sample type × predictor ×
 * compression decodes to the values the file was made from; blocks are decoded once however
 * many windows read them; what this path leaves to geotiff.js still reads.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Affine, GeoBox } from '../../shared/geobox.js';
import { newSampleArray, type SampleArray, type SampleType } from '../raster.js';
import { loadGdal, type GdalForTests } from '../cog/test-support/gdal.js';
import { closeCachedCogs, loadBand } from './load-band.js';
import { decodedBlockStats } from './read-window.js';
import { encodeTiledTiff } from './test-support/tiled-tiff.js';

let gdal: GdalForTests;
let dir: string;
const UTM_37S = 'EPSG:32737';
const ORIGIN: Affine = [10, 0, 500_000, 0, -10, 9_300_000];
const WIDTH = 260;
const HEIGHT = 200;

beforeAll(async () => {
  gdal = await loadGdal();
  dir = mkdtempSync(path.join(tmpdir(), 'read-window-'));
}, 60_000);

afterAll(async () => {
  await closeCachedCogs();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  expect(gdal.takeMessages()).toEqual([]);
});

/** Noisy values over the type's whole range (wrapping around), and for floats NaN, ±∞, −0, tiny and huge. */
function samples(type: SampleType, width = WIDTH, height = HEIGHT): SampleArray {
  const data = newSampleArray(type, width * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = row * width + col;
      const noise = (Math.imul(i + 1, 2_654_435_761) >>> 16) & 0xff;
      const smooth = row * 301 + col * 7;
      switch (type) {
        case 'uint8':
        case 'int8':
        case 'uint16':
        case 'int16':
        case 'uint32':
        case 'int32': {
          const bits = type.endsWith('8') ? 8 : type.endsWith('16') ? 16 : 32;
          const unsigned = (smooth * (bits === 32 ? 40_503 : 1) + noise) % 2 ** bits;
          data[i] = type.startsWith('u') ? unsigned : unsigned - 2 ** (bits - 1);
          break;
        }
        case 'float32':
        case 'float64':
          data[i] = Math.sin(col / 9) * 1000 + row * 0.37 + noise * 1e-3;
      }
    }
  }
  if (type === 'float32' || type === 'float64') {
    [Number.NaN, Infinity, -Infinity, -0, 1e-40, -3.4e38, 5e-324].forEach((value, k) => (data[17 * k + 3] = value));
  }
  return data;
}

let fileNumber = 0;
/** An uncompressed tiled file of `data` (ours), then GDAL's copy with `creationOptions`. */
async function gdalCopy(data: SampleArray, creationOptions: string[], options: { width?: number; height?: number; nodata?: number } = {}): Promise<string> {
  const width = options.width ?? WIDTH;
  const height = options.height ?? HEIGHT;
  const source = path.join(dir, `source${++fileNumber}.tif`);
  writeFileSync(
    source,
    encodeTiledTiff([{ width, height, data }], { epsg: 32737, affine: ORIGIN, tileSize: 64, ...(options.nodata !== undefined && { nodata: options.nodata }) }),
  );
  const name = `copy${fileNumber}`;
  const bytes = await gdal.translate(source, ['-of', 'GTiff', ...creationOptions.flatMap((option) => ['-co', option])], name);
  const file = path.join(dir, `${name}.tif`);
  writeFileSync(file, bytes);
  return file;
}

/** The geobox of pixels [col0, col0 + width) × [row0, row0 + height) of the files' grid. */
function pixels(col0: number, row0: number, width: number, height: number): GeoBox {
  return { crs: UTM_37S, affine: [10, 0, ORIGIN[2] + col0 * 10, 0, -10, ORIGIN[5] - row0 * 10], width, height };
}

function windowOf(data: SampleArray, col0: number, row0: number, width: number, height: number): number[] {
  const values: number[] = [];
  for (let row = row0; row < row0 + height; row++) values.push(...data.subarray(row * WIDTH + col0, row * WIDTH + col0 + width));
  return values;
}

describe('decoding blocks GDAL wrote', () => {
  const types: SampleType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'];
  const cases: Array<{ type: SampleType; options: string[] }> = [];
  for (const type of types) {
    cases.push({ type, options: ['TILED=YES', 'BLOCKXSIZE=128', 'BLOCKYSIZE=128', 'COMPRESS=NONE'] });
    for (const compression of ['DEFLATE', 'LZW']) {
      for (const predictor of type.startsWith('float') ? [1, 2, 3] : [1, 2]) {
        cases.push({ type, options: ['TILED=YES', 'BLOCKXSIZE=128', 'BLOCKYSIZE=128', `COMPRESS=${compression}`, `PREDICTOR=${predictor}`] });
      }
    }
  }

  for (const { type, options } of cases) {
    it(`${type}, ${options.slice(3).join(' ')}: every sample, from our decoder`, async () => {
      const data = samples(type);
      const file = await gdalCopy(data, options);
      const before = decodedBlockStats().decoded;
      const whole = await loadBand(file, pixels(0, 0, WIDTH, HEIGHT), { dstNodata: null });
      expect(whole.data.constructor).toBe(data.constructor);
      expect(Array.from(whole.data)).toEqual(Array.from(data));
      // 3 × 2 blocks of 128², decoded by block-decode.ts (geotiff.js's path leaves no count).
      expect(decodedBlockStats().decoded - before).toBe(6);
      // A window across block edges.
      const part = await loadBand(file, pixels(100, 60, 150, 100), { dstNodata: null });
      expect(Array.from(part.data)).toEqual(windowOf(data, 100, 60, 150, 100));
      // A window reaching past the image's top-left corner: the fill (NaN for floats, else 0) where there is no image.
      const corner = await loadBand(file, pixels(-3, -2, 8, 5), { dstNodata: null });
      const expected = Array.from({ length: 40 }, (_, i) => {
        const [col, row] = [(i % 8) - 3, Math.floor(i / 8) - 2];
        if (col < 0 || row < 0) return type.startsWith('float') ? Number.NaN : 0;
        return data[row * WIDTH + col]!;
      });
      expect(Array.from(corner.data)).toEqual(expected);
    });
  }

  it('big-endian files, uncompressed and with each predictor', async () => {
    for (const [type, options] of [
      ['int16', ['COMPRESS=NONE']],
      ['uint16', ['COMPRESS=DEFLATE', 'PREDICTOR=2']],
      ['int32', ['COMPRESS=LZW', 'PREDICTOR=2']],
      ['float32', ['COMPRESS=LZW', 'PREDICTOR=3']],
      ['float64', ['COMPRESS=DEFLATE', 'PREDICTOR=3']],
    ] as Array<[SampleType, string[]]>) {
      const data = samples(type);
      const file = await gdalCopy(data, ['ENDIANNESS=BIG', 'TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', ...options]);
      const before = decodedBlockStats().decoded;
      const raster = await loadBand(file, pixels(0, 0, WIDTH, HEIGHT), { dstNodata: null });
      expect({ type, options, values: Array.from(raster.data) }).toEqual({ type, options, values: Array.from(data) });
      expect(decodedBlockStats().decoded - before).toBe(5 * 4);
    }
  });

  it('strips, the last one shorter', async () => {
    const data = samples('uint16');
    const file = await gdalCopy(data, ['TILED=NO', 'BLOCKYSIZE=7', 'COMPRESS=LZW', 'PREDICTOR=2']);
    const before = decodedBlockStats().decoded;
    const raster = await loadBand(file, pixels(0, 0, WIDTH, HEIGHT), { dstNodata: null });
    expect(Array.from(raster.data)).toEqual(Array.from(data));
    expect(decodedBlockStats().decoded - before).toBe(Math.ceil(HEIGHT / 7));
    const part = await loadBand(file, pixels(30, 193, 100, 7), { dstNodata: null });
    expect(Array.from(part.data)).toEqual(windowOf(data, 30, 193, 100, 7));
  });

  it('blocks GDAL left out of a sparse file read as nodata', async () => {
    const data = samples('int16');
    // The top left 128² block all nodata: not written.
    for (let row = 0; row < 128; row++) data.fill(-9999, row * WIDTH, row * WIDTH + 128);
    const file = await gdalCopy(data, ['TILED=YES', 'BLOCKXSIZE=128', 'BLOCKYSIZE=128', 'COMPRESS=DEFLATE', 'SPARSE_OK=TRUE'], { nodata: -9999 });
    const tiff = await fromArrayBuffer(new Uint8Array(readFileSync(file)).buffer);
    const byteCounts = await (await tiff.getImage(0)).getFileDirectory().loadValue('TileByteCounts');
    expect(Array.from(byteCounts as ArrayLike<number>).slice(0, 2)).toEqual([0, expect.any(Number)]);
    const raster = await loadBand(file, pixels(0, 0, WIDTH, HEIGHT));
    expect(raster.nodata).toBe(-9999);
    expect(Array.from(raster.data)).toEqual(Array.from(data));
  });

  it('an LZW stream long enough to fill the code table and start again', async () => {
    // One 256² block of noise: far more than the 3838 codes a table holds.
    const data = samples('uint16', 256, 256).map((_, i) => Math.imul(i + 7, 2_246_822_519) >>> 16);
    const file = await gdalCopy(data, ['TILED=YES', 'BLOCKXSIZE=256', 'BLOCKYSIZE=256', 'COMPRESS=LZW'], { width: 256, height: 256 });
    const raster = await loadBand(file, { crs: UTM_37S, affine: ORIGIN, width: 256, height: 256 });
    expect(Array.from(raster.data)).toEqual(Array.from(data));
  });
});

describe('each block decoded once', () => {
  it('two overlapping chunks (a halo into the neighbour) share the blocks both read', async () => {
    const data = samples('uint16');
    const file = await gdalCopy(data, ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=DEFLATE', 'PREDICTOR=2']);
    const before = decodedBlockStats();
    // Columns [0, 136) and [120, 260) with rows [0, 72): block columns 0–2 and 1–4, block rows 0–1.
    const left = await loadBand(file, pixels(0, 0, 136, 72));
    const right = await loadBand(file, pixels(120, 0, 140, 72));
    expect(Array.from(left.data)).toEqual(windowOf(data, 0, 0, 136, 72));
    expect(Array.from(right.data)).toEqual(windowOf(data, 120, 0, 140, 72));
    const after = decodedBlockStats();
    expect(after.decoded - before.decoded).toBe(5 * 2);
    expect(after.reused - before.reused).toBe(2 * 2);
    // The end of the task forgets them.
    await closeCachedCogs();
    await loadBand(file, pixels(0, 0, 136, 72));
    expect(decodedBlockStats().decoded - after.decoded).toBe(3 * 2);
  });

  it("a task's chunks keep only the blocks their next chunk reads again", async () => {
    const data = samples('uint16');
    const file = await gdalCopy(data, ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=DEFLATE', 'PREDICTOR=2']);
    // Without a halo (chunkOverlap 0), chunks on block edges: each block is done with once read.
    const start = decodedBlockStats();
    await loadBand(file, pixels(0, 0, 64, 64), { chunkOverlap: 0 });
    await loadBand(file, pixels(64, 0, 64, 64), { chunkOverlap: 0 });
    await loadBand(file, pixels(0, 0, 64, 64), { chunkOverlap: 0 });
    expect(decodedBlockStats().decoded - start.decoded).toBe(3);
    // Windows grown by a halo of 4 (the next reads back 8 px): [64, 136) reaches into block 2,
    // so the next window [128, 200), which reads blocks 2 and 3, finds block 2 kept.
    const halo = decodedBlockStats();
    const right = await loadBand(file, pixels(64, 64, 72, 64), { chunkOverlap: 8 });
    const next = await loadBand(file, pixels(128, 64, 72, 64), { chunkOverlap: 8 });
    expect(decodedBlockStats().decoded - halo.decoded).toBe(2 + 1);
    expect(decodedBlockStats().reused - halo.reused).toBe(1);
    expect(Array.from(right.data)).toEqual(windowOf(data, 64, 64, 72, 64));
    expect(Array.from(next.data)).toEqual(windowOf(data, 128, 64, 72, 64));
    await closeCachedCogs();
  });

  it('also where the chunks are reprojected', async () => {
    const data = samples('uint16');
    const file = await gdalCopy(data, ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=LZW', 'PREDICTOR=2']);
    const before = decodedBlockStats();
    // Two EPSG:6933 chunks over the file's middle, sharing a column of pixels.
    const chunk = (col0: number): GeoBox => ({ crs: 'EPSG:6933', affine: [10, 0, 3_763_800 + col0 * 10, 0, -10, -807_250], width: 40, height: 40 });
    const first = await loadBand(file, chunk(0), { resampling: 'bilinear' });
    const second = await loadBand(file, chunk(39), { resampling: 'bilinear' });
    const after = decodedBlockStats();
    expect(after.reused - before.reused).toBeGreaterThan(0);
    expect(first.data[39 * 40 + 39]).toBe(second.data[39 * 40]);
  });
});

describe('what geotiff.js decodes instead', () => {
  // (gdal3.js has no JPEG or ZSTD codec to write those with.)
  it('pixel-interleaved samples, half floats, PackBits', async () => {
    const cases: Array<{ type: SampleType; options: string[]; bands?: number }> = [
      { type: 'uint16', options: ['COMPRESS=DEFLATE', 'INTERLEAVE=PIXEL'], bands: 3 },
      { type: 'float32', options: ['COMPRESS=DEFLATE', 'NBITS=16'] },
      { type: 'int16', options: ['COMPRESS=PACKBITS'] },
    ];
    for (const { type, options, bands = 1 } of cases) {
      let data = samples(type);
      // Half floats hold these integers exactly.
      if (options.includes('NBITS=16')) data = data.map((_, i) => (i % 2000) - 1000);
      const extra = bands > 1 ? ['-b', '1', '-b', '1', '-b', '1'] : [];
      const file = await gdalCopyWithArgs(data, extra, ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', ...options]);
      const before = decodedBlockStats().decoded;
      const raster = await loadBand(file, pixels(0, 0, WIDTH, HEIGHT), { dstNodata: null });
      expect(decodedBlockStats().decoded).toBe(before);
      expect({ options, values: Array.from(raster.data) }).toEqual({ options, values: Array.from(data) });
    }
  });
});

async function gdalCopyWithArgs(data: SampleArray, args: string[], creationOptions: string[]): Promise<string> {
  const source = path.join(dir, `source${++fileNumber}.tif`);
  writeFileSync(source, encodeTiledTiff([{ width: WIDTH, height: HEIGHT, data }], { epsg: 32737, affine: ORIGIN, tileSize: 64 }));
  const name = `copy${fileNumber}`;
  const bytes = await gdal.translate(source, ['-of', 'GTiff', ...args, ...creationOptions.flatMap((option) => ['-co', option])], name);
  const file = path.join(dir, `${name}.tif`);
  writeFileSync(file, bytes);
  return file;
}
