/**
 * The compressions beyond deflate as GDAL and geotiff.js read them back: LZW with each
 * predictor, every sample (gdal3.js); ZSTD and JPEG, which gdal3.js is built without, through
 * geotiff.js and, where installed, GDAL's own tools (Debian's gdal-bin): ZSTD every sample,
 * JPEG for the RGBA preview, colours within JPEG's loss and the alpha as GDAL's mask.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromArrayBuffer, type GeoTIFFImage } from 'geotiff';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GeoBox } from '../../shared/geobox.js';
import { newSampleArray, type SampleArray, type SampleType } from '../raster.js';
import { encodeCog, encodeRgbaCog } from './cog-writer.js';
import { loadGdal, type GdalForTests } from './test-support/gdal.js';
import { loadZstdForTiles } from './tiles.js';
import { loadWebpForTiles } from './webp-tile.js';

/** GDAL's own tools (Debian's gdal-bin), built with JPEG, which gdal3.js is not. */
const SYSTEM_GDAL = '/usr/bin/gdalinfo';

interface SystemGdalInfo {
  metadata: Record<string, Record<string, string>>;
  bands: Array<{ colorInterpretation: string; mask?: { flags: string[]; overviews?: unknown[] } }>;
}

function systemGdalInfo(file: string): SystemGdalInfo {
  return JSON.parse(execFileSync(SYSTEM_GDAL, ['-json', file], { encoding: 'utf8' })) as SystemGdalInfo;
}

/** `gdal_translate` of `file` to an uncompressed, pixel-interleaved GTiff: its bytes. */
function systemPlainCopy(file: string, bands: string[]): Uint8Array {
  const plain = `${file}.plain.tif`;
  execFileSync(path.join(path.dirname(SYSTEM_GDAL), 'gdal_translate'), ['-q', '-co', 'COMPRESS=NONE', '-co', 'INTERLEAVE=PIXEL', ...bands.flatMap((b) => ['-b', b]), file, plain]);
  return readFileSync(plain);
}

let gdal: GdalForTests;
let folder: string;
let fileNumber = 0;

beforeAll(async () => {
  gdal = await loadGdal();
  folder = mkdtempSync(path.join(tmpdir(), 'cog-codecs-'));
}, 60_000);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

afterEach(() => {
  expect(gdal.takeMessages()).toEqual([]);
});

function geobox(width: number, height: number): GeoBox {
  return { crs: 'EPSG:32737', affine: [30, 0, 500_000, 0, -30, 7_000_000], width, height };
}

function saved(bytes: Uint8Array): string {
  // gdal3.js keys open datasets by file name stem, so every file gets its own.
  const filePath = path.join(folder, `codec${++fileNumber}.tif`);
  writeFileSync(filePath, bytes);
  return filePath;
}

/** Smooth runs and noise (a fixed linear congruential sequence), so that LZW's table fills and starts again. */
function samples(type: SampleType, width: number, height: number): SampleArray {
  const data = newSampleArray(type, width * height);
  let seed = 12345;
  for (let i = 0; i < data.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const x = i % width;
    const smooth = type.startsWith('float') ? Math.sin(x / 7) * 100 : (x * 3 + Math.floor(i / width)) % 100;
    data[i] = i % 3 === 0 ? smooth : type.startsWith('float') ? (seed / 2 ** 32) * 1000 - 500 : (seed >>> 24) - (type.startsWith('int') ? 100 : 0);
  }
  return data;
}

async function firstBand(tiffBytes: Uint8Array): Promise<number[]> {
  const tiff = await fromArrayBuffer(tiffBytes.buffer.slice(tiffBytes.byteOffset, tiffBytes.byteOffset + tiffBytes.byteLength) as ArrayBuffer);
  const [band] = (await (await tiff.getImage(0)).readRasters()) as unknown as [ArrayLike<number>];
  return Array.from(band);
}

async function interleaved(tiffBytes: Uint8Array): Promise<number[]> {
  const tiff = await fromArrayBuffer(tiffBytes.buffer.slice(tiffBytes.byteOffset, tiffBytes.byteOffset + tiffBytes.byteLength) as ArrayBuffer);
  return Array.from((await (await tiff.getImage(0)).readRasters({ interleave: true })) as unknown as ArrayLike<number>);
}

describe('LZW', () => {
  const cases: Array<{ type: SampleType; predictor: 1 | 2 | 3 }> = [
    { type: 'uint8', predictor: 1 },
    { type: 'uint8', predictor: 2 },
    { type: 'int16', predictor: 2 },
    { type: 'uint32', predictor: 1 },
    { type: 'float32', predictor: 3 },
    { type: 'float64', predictor: 1 },
  ];
  for (const { type, predictor } of cases) {
    it(`${type}, predictor ${predictor}: GDAL reports LZW and decodes every sample, as geotiff.js does`, async () => {
      const band = { geobox: geobox(300, 170), data: samples(type, 300, 170), nodata: null };
      const bytes = encodeCog(band, { compress: 'LZW', predictor, blocksize: 128 });
      const file = saved(bytes);
      const info = await gdal.info(file);
      expect(info.metadata?.['IMAGE_STRUCTURE']?.['COMPRESSION']).toBe('LZW');
      expect(info.metadata?.['IMAGE_STRUCTURE']?.['PREDICTOR']).toBe(predictor === 1 ? undefined : String(predictor));
      const plain = await gdal.translate(file, ['-of', 'GTiff', '-co', 'COMPRESS=NONE'], `lzw-plain-${fileNumber}`);
      expect(await firstBand(plain)).toEqual(Array.from(band.data));
      expect(await firstBand(bytes)).toEqual(Array.from(band.data));
    });
  }

  it('a tile long enough to fill the code table many times over (512 × 512 uint16 of noise)', async () => {
    const band = { geobox: geobox(512, 512), data: samples('uint16', 512, 512), nodata: null };
    const file = saved(encodeCog(band, { compress: 'lzw', predictor: 1, blocksize: 512 }));
    const plain = await gdal.translate(file, ['-of', 'GTiff', '-co', 'COMPRESS=NONE'], 'lzw-noise-plain');
    expect(await firstBand(plain)).toEqual(Array.from(band.data));
  });
});

describe('ZSTD', () => {
  const cases: Array<{ type: SampleType; predictor: 1 | 2 | 3; level: number }> = [
    { type: 'uint16', predictor: 2, level: 9 },
    { type: 'int8', predictor: 1, level: 1 },
    { type: 'float32', predictor: 3, level: 15 },
  ];
  for (const { type, predictor, level } of cases) {
    it(`${type}, predictor ${predictor}, level ${level}: geotiff.js decodes every sample, and GDAL (gdal-bin) where installed`, async () => {
      await loadZstdForTiles();
      const band = { geobox: geobox(300, 170), data: samples(type, 300, 170), nodata: null };
      const bytes = encodeCog(band, { compress: 'ZSTD', zstdLevel: level, predictor, blocksize: 128 });
      expect(await firstBand(bytes)).toEqual(Array.from(band.data));
      if (!existsSync(SYSTEM_GDAL)) return;
      const file = saved(bytes);
      expect(systemGdalInfo(file).metadata['IMAGE_STRUCTURE']?.['COMPRESSION']).toBe('ZSTD');
      expect(await firstBand(systemPlainCopy(file, []))).toEqual(Array.from(band.data));
    });
  }
});

describe('JPEG and WEBP (the RGBA preview)', () => {
  const [width, height] = [300, 200];

  /** Smooth colours (what JPEG is for), transparent in a corner block and in scattered pixels. */
  function rgbaImage(): Uint8Array {
    const rgba = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const transparent = (x < 70 && y < 50) || (x * 7 + y * 3) % 97 === 0;
        if (!transparent) rgba.set([(x * 255) / width, (y * 255) / height, 128 + 100 * Math.sin(x / 20), 255], (y * width + x) * 4);
      }
    }
    return rgba;
  }
  const rgba = rgbaImage();
  const jpegCog = () => encodeRgbaCog(rgba, geobox(width, height), { compress: 'JPEG', jpegQuality: 90, blocksize: 128 });

  /** Colours read back (RGB, 3 bytes a pixel) against the source where alpha is set: JPEG's loss, bounded. */
  function expectCloseColours(rgb: ArrayLike<number>): void {
    let errors = 0;
    let worst = 0;
    let opaque = 0;
    for (let i = 0; i < width * height; i++) {
      if (rgba[i * 4 + 3] === 0) continue;
      for (let c = 0; c < 3; c++) {
        const error = Math.abs(rgb[i * 3 + c]! - rgba[i * 4 + c]!);
        errors += error;
        worst = Math.max(worst, error);
      }
      opaque++;
    }
    // Pixels beside a transparent (black) one share its JPEG block: the mean is the measure.
    expect(errors / (opaque * 3)).toBeLessThan(4);
    expect(worst).toBeLessThan(80);
  }

  const expectedMask = () => Array.from({ length: width * height }, (_, i) => (rgba[i * 4 + 3] === 0 ? 0 : 1));

  // gdal3.js is built without JPEG in TIFF ("missing codec JPEG"): GDAL's own tools check it where installed (gdal-bin).
  it('geotiff.js: YCbCr colours within JPEG\u2019s loss, and the 1-bit mask IFD after the image\u2019s', async () => {
    const bytes = jpegCog();
    const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    // Full resolution, its mask, then each of the two overviews and its mask.
    expect(await tiff.getImageCount()).toBe(6);
    const image = await tiff.getImage(0);
    const tag = (of: GeoTIFFImage, name: 'Compression' | 'PhotometricInterpretation' | 'NewSubfileType') => of.fileDirectory.getValue(name);
    expect([tag(image, 'Compression'), tag(image, 'PhotometricInterpretation'), image.getSamplesPerPixel()]).toEqual([7, 6, 3]);
    expectCloseColours((await image.readRGB({ interleave: true })) as unknown as ArrayLike<number>);
    const mask = await tiff.getImage(1);
    expect([tag(mask, 'NewSubfileType'), tag(mask, 'PhotometricInterpretation'), mask.getBitsPerSample()]).toEqual([4, 4, 1]);
    const [maskSamples] = (await mask.readRasters()) as unknown as [ArrayLike<number>];
    expect(Array.from(maskSamples)).toEqual(expectedMask());
  });

  it.skipIf(!existsSync(SYSTEM_GDAL))('GDAL (gdal-bin): YCbCr JPEG, Red, Green, Blue and a per-dataset mask with overviews; colours and mask read back', async () => {
    const file = saved(jpegCog());
    const info = systemGdalInfo(file);
    expect(info.metadata['IMAGE_STRUCTURE']).toEqual({ COMPRESSION: 'YCbCr JPEG', INTERLEAVE: 'PIXEL', LAYOUT: 'COG', SOURCE_COLOR_SPACE: 'YCbCr' });
    expect(info.bands.map((b) => [b.colorInterpretation, b.mask?.flags, b.mask?.overviews?.length])).toEqual([
      ['Red', ['PER_DATASET'], 2],
      ['Green', ['PER_DATASET'], 2],
      ['Blue', ['PER_DATASET'], 2],
    ]);
    const read = await interleaved(systemPlainCopy(file, ['1', '2', '3', 'mask']));
    expectCloseColours(read.filter((_, i) => i % 4 !== 3));
    expect(read.filter((_, i) => i % 4 === 3)).toEqual(expectedMask().map((m) => m * 255));
  });

  it.skipIf(!existsSync(SYSTEM_GDAL))('WEBP, GDAL (gdal-bin): lossless every sample, alpha included; lossy within its loss, alpha exact', async () => {
    await loadWebpForTiles();
    const lossless = saved(encodeRgbaCog(rgba, geobox(width, height), { compress: 'webp', webpLossless: true, blocksize: 128 }));
    const info = systemGdalInfo(lossless);
    expect(info.metadata['IMAGE_STRUCTURE']).toEqual({ COMPRESSION: 'WEBP', COMPRESSION_REVERSIBILITY: 'LOSSLESS', INTERLEAVE: 'PIXEL', LAYOUT: 'COG' });
    expect(info.bands.map((b) => b.colorInterpretation)).toEqual(['Red', 'Green', 'Blue', 'Alpha']);
    expect(info.bands[0]?.mask?.flags).toEqual(['PER_DATASET', 'ALPHA']);
    expect(await interleaved(systemPlainCopy(lossless, []))).toEqual(Array.from(rgba));
    const lossy = saved(encodeRgbaCog(rgba, geobox(width, height), { compress: 'WEBP', webpLevel: 90, blocksize: 128 }));
    expect(systemGdalInfo(lossy).metadata['IMAGE_STRUCTURE']?.['COMPRESSION_REVERSIBILITY']).toBe('LOSSY');
    const read = await interleaved(systemPlainCopy(lossy, []));
    expect(read.filter((_, i) => i % 4 === 3)).toEqual(Array.from(rgba).filter((_, i) => i % 4 === 3));
    expectCloseColours(read.filter((_, i) => i % 4 !== 3));
  });

  it('is refused for a band, which is not an RGB image', () => {
    const band = { geobox: geobox(32, 32), data: new Uint8Array(32 * 32), nodata: null };
    expect(() => encodeCog(band, { compress: 'jpeg' })).toThrow("COG compress 'jpeg' is for the RGBA preview only: use deflate, lzw, zstd or none for a band");
    expect(() => encodeCog(band, { compress: 'webp' })).toThrow("COG compress 'webp' is for the RGBA preview only");
  });
});
