/**
 * The encoder's files as GDAL (gdal3.js, GDAL compiled to WebAssembly) sees them: LAYOUT=COG,
 * compression, tiling, overviews, CRS, geotransform, nodata, and the samples GDAL decodes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Affine, GeoBox } from '../../shared/geobox.js';
import { renderRgb } from '../quicklook/render.js';
import { newSampleArray, type Raster, type SampleArray, type SampleType } from '../raster.js';
import { checkCogLayout } from './test-support/cog-validate.js';
import { encodeCog, encodeRgbaCog, type CogOptions } from './cog-writer.js';
import { loadGdal, type GdalForTests } from './test-support/gdal.js';

let gdal: GdalForTests;
let folder: string;

beforeAll(async () => {
  gdal = await loadGdal();
  folder = mkdtempSync(path.join(tmpdir(), 'cog-gdal-'));
}, 60_000);

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

afterEach(() => {
  // GDAL reports warnings (e.g. a malformed tag) through its error handler: there must be none.
  expect(gdal.takeMessages()).toEqual([]);
});

let fileNumber = 0;
function writeCog(raster: Raster, options?: CogOptions): string {
  // gdal3.js keys open datasets by file name stem, so every file gets its own.
  const filePath = path.join(folder, `cog${++fileNumber}.tif`);
  writeFileSync(filePath, encodeCog(raster, options));
  return filePath;
}

function pattern(type: SampleType, width: number, height: number): SampleArray {
  const data = newSampleArray(type, width * height);
  for (let i = 0; i < data.length; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    data[i] = type.startsWith('float') ? Math.round(Math.sin(x / 9) * 50 + y) : (x * 7 + y * 13) % 120;
  }
  return data;
}

function raster(type: SampleType, width: number, height: number, crs: string, affine: Affine, nodata: number | null = null): Raster {
  return { geobox: { crs, affine, width, height }, data: pattern(type, width, height), nodata };
}

async function samplesOf(tiffBytes: Uint8Array): Promise<number[]> {
  const tiff = await fromArrayBuffer(tiffBytes.buffer.slice(tiffBytes.byteOffset, tiffBytes.byteOffset + tiffBytes.byteLength) as ArrayBuffer);
  const [samples] = (await (await tiff.getImage(0)).readRasters()) as unknown as [ArrayLike<number>];
  return Array.from(samples);
}

describe('gdalinfo of encodeCog output', () => {
  const cases: Array<{ crs: string; affine: Affine }> = [
    { crs: 'EPSG:6933', affine: [10, 0, 1_000_000, 0, -10, -2_000_000] },
    { crs: 'EPSG:32737', affine: [30, 0, 500_000, 0, -30, 7_000_000] },
    { crs: 'EPSG:3577', affine: [25, 0, -1_500_000, 0, -25, -3_900_000] },
    { crs: 'EPSG:4326', affine: [0.0001, 0, 36.5, 0, -0.0001, -1.25] },
  ];
  for (const { crs, affine } of cases) {
    it(`${crs}: LAYOUT=COG, DEFLATE, blocks, overviews, CRS and geotransform`, async () => {
      const info = await gdal.info(writeCog(raster('int16', 300, 200, crs, affine, -999), { blocksize: 128 }));
      expect(info.metadata?.['IMAGE_STRUCTURE']).toEqual({
        COMPRESSION: 'DEFLATE',
        INTERLEAVE: 'BAND',
        LAYOUT: 'COG',
        PREDICTOR: '2',
      });
      expect(info.metadata?.['']?.['AREA_OR_POINT']).toBe('Area');
      expect(info.size).toEqual([300, 200]);
      expect(info.stac?.['proj:epsg']).toBe(Number(crs.slice(5)));
      const [a, b, c, d, e, f] = affine;
      expect(info.geoTransform).toEqual([c, a, b, f, d, e]);
      const [bandInfo] = info.bands;
      expect(bandInfo?.type).toBe('Int16');
      expect(bandInfo?.block).toEqual([128, 128]);
      expect(bandInfo?.noDataValue).toBe(-999);
      expect(bandInfo?.overviews?.map((overview) => overview.size)).toEqual([
        [150, 100],
        [75, 50],
      ]);
    });
  }

  it('blocksize 256 vs 512, compress none and float predictor as GDAL reports them', async () => {
    const albers: Affine = [25, 0, -1_500_000, 0, -25, -3_900_000];
    const big = raster('float32', 1100, 600, 'EPSG:3577', albers, Number.NaN);
    const at256 = await gdal.info(writeCog(big, { blocksize: 256 }));
    expect(at256.bands[0]?.block).toEqual([256, 256]);
    expect(at256.bands[0]?.overviews?.map((overview) => overview.size)).toEqual([
      [550, 300],
      [275, 150],
      [138, 75],
    ]);
    expect(at256.bands[0]?.noDataValue).toBe('NaN');
    expect(at256.metadata?.['IMAGE_STRUCTURE']?.['PREDICTOR']).toBe('3');

    const at512 = await gdal.info(writeCog(big, { blocksize: 512 }));
    expect(at512.bands[0]?.block).toEqual([512, 512]);
    expect(at512.bands[0]?.overviews?.map((overview) => overview.size)).toEqual([
      [550, 300],
      [275, 150],
    ]);

    const uncompressed = await gdal.info(writeCog(big, { compress: 'none' }));
    expect(uncompressed.metadata?.['IMAGE_STRUCTURE']).toEqual({ INTERLEAVE: 'BAND', LAYOUT: 'COG' });
  });
});

describe('GDAL decodes what encodeCog wrote', () => {
  const utm: Affine = [30, 0, 500_000, 0, -30, 7_000_000];
  const types: SampleType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'];
  for (const type of types) {
    it(`${type}: every sample, through GDAL's own deflate and predictor decoding`, async () => {
      const band = raster(type, 150, 70, 'EPSG:32737', utm);
      band.data[3] = type.startsWith('float') ? -1.25e-7 : band.data[3]!;
      const copy = await gdal.translate(writeCog(band, { blocksize: 64 }), ['-of', 'GTiff', '-co', 'COMPRESS=NONE'], `plain-${type}`);
      expect(await samplesOf(copy)).toEqual(Array.from(band.data));
    });
  }

  it('sparse tiles (all nodata, or all 0 without nodata): written as offset and byte count 0, read by GDAL as that value', async () => {
    for (const nodata of [-999, null]) {
      const band = raster('int16', 200, 150, 'EPSG:32737', utm, nodata);
      // The left half, whole 64 px tiles and beyond, is the fill; one pixel of the last is not.
      for (let y = 0; y < 150; y++) band.data.fill(nodata ?? 0, y * 200, y * 200 + 128);
      band.data[149 * 200 + 127] = 5;
      const bytes = encodeCog(band, { blocksize: 64 });
      const layout = checkCogLayout(bytes);
      expect(layout.errors).toEqual([]);
      // 4 × 3 tiles: the first two of each row of tiles, but for the one holding the 5.
      expect(layout.images[0]!.tileByteCounts.map((n) => n === 0)).toEqual([true, true, false, false, true, true, false, false, true, false, false, false]);
      expect(layout.images[0]!.tileOffsets.filter((o, i) => layout.images[0]!.tileByteCounts[i] === 0 && o !== 0)).toEqual([]);
      const filePath = path.join(folder, `sparse-${nodata}.tif`);
      writeFileSync(filePath, bytes);
      const copy = await gdal.translate(filePath, ['-of', 'GTiff', '-co', 'COMPRESS=NONE'], `sparse-plain-${nodata}`);
      expect(await samplesOf(copy)).toEqual(Array.from(band.data));
    }
  });

  // Integer 'average' is left out on purpose: GDAL builds each level from the previous, rounded
  // one, so from factor 8 on it can differ by 1 from our average of the full-resolution pixels.
  it('overviews match the ones GDAL builds itself (nearest, float average, mode)', async () => {
    for (const [type, resampling] of [
      ['int16', 'nearest'],
      ['float32', 'average'],
      ['uint8', 'mode'],
    ] as const) {
      const ours = writeCog(raster(type, 600, 400, 'EPSG:32737', utm), { blocksize: 128, overviewResampling: resampling });
      const gdalsOwn = await gdal.translate(
        ours,
        ['-of', 'COG', '-co', 'BLOCKSIZE=128', '-co', 'OVERVIEWS=IGNORE_EXISTING', '-co', `OVERVIEW_RESAMPLING=${resampling.toUpperCase()}`],
        `gdal-${type}`,
      );
      // GDAL's own COG passes the layout check too, which keeps the check honest.
      expect(checkCogLayout(gdalsOwn).errors).toEqual([]);
      const gdalsPath = path.join(folder, `gdal-${type}.tif`);
      writeFileSync(gdalsPath, gdalsOwn);
      const checksums = async (filePath: string): Promise<number[]> =>
        ((await gdal.info(filePath, ['-checksum'])).bands[0]?.overviews ?? []).map((overview) => overview.checksum ?? -1);
      const expected = await checksums(gdalsPath);
      expect(expected).toHaveLength(3);
      expect({ type, resampling, checksums: await checksums(ours) }).toEqual({ type, resampling, checksums: expected });
    }
  });
});

describe('GDAL reads what encodeRgbaCog wrote', () => {
  const utm: Affine = [30, 0, 500_000, 0, -30, 7_000_000];

  /** A quicklook as odc-stats makes one: three bands through renderRgb, transparent where any is nodata. */
  function quicklook(width: number, height: number): { rgba: Uint8Array; geobox: GeoBox } {
    const geobox: GeoBox = { crs: 'EPSG:32737', affine: utm, width, height };
    const bands = [0, 1, 2].map((b): Raster => {
      const data = new Int16Array(width * height);
      for (let i = 0; i < data.length; i++) {
        const x = i % width;
        const y = Math.floor(i / width);
        data[i] = (x * (3 + b) + y * (7 - b)) % 3000;
        if ((x * 13 + y * 7 + b * 5) % 23 === 0 || (x > width * 0.7 && y < height * 0.3)) data[i] = -999;
      }
      return { geobox, data, nodata: -999 };
    }) as [Raster, Raster, Raster];
    return { rgba: renderRgb(bands, { min: 0, max: 3000 }), geobox };
  }

  function writeRgbaCog(rgba: Uint8Array, geobox: GeoBox, options?: CogOptions): string {
    const filePath = path.join(folder, `rgba${++fileNumber}.tif`);
    writeFileSync(filePath, encodeRgbaCog(rgba, geobox, options));
    return filePath;
  }

  async function interleavedSamples(tiffBytes: Uint8Array): Promise<number[]> {
    const tiff = await fromArrayBuffer(tiffBytes.buffer.slice(tiffBytes.byteOffset, tiffBytes.byteOffset + tiffBytes.byteLength) as ArrayBuffer);
    return Array.from((await (await tiff.getImage(0)).readRasters({ interleave: true })) as unknown as ArrayLike<number>);
  }

  it('LAYOUT=COG, pixel-interleaved DEFLATE, bands Red, Green, Blue, Alpha, with overviews', async () => {
    const { rgba, geobox } = quicklook(300, 200);
    const info = await gdal.info(writeRgbaCog(rgba, geobox, { blocksize: 128 }));
    expect(info.metadata?.['IMAGE_STRUCTURE']).toEqual({
      COMPRESSION: 'DEFLATE',
      INTERLEAVE: 'PIXEL',
      LAYOUT: 'COG',
      PREDICTOR: '2',
    });
    expect(info.size).toEqual([300, 200]);
    expect(info.stac?.['proj:epsg']).toBe(32737);
    expect(info.geoTransform).toEqual([500_000, 30, 0, 7_000_000, 0, -30]);
    expect(info.bands.map((band) => [band.band, band.type, band.colorInterpretation, band.block])).toEqual([
      [1, 'Byte', 'Red', [128, 128]],
      [2, 'Byte', 'Green', [128, 128]],
      [3, 'Byte', 'Blue', [128, 128]],
      [4, 'Byte', 'Alpha', [128, 128]],
    ]);
    for (const band of info.bands) {
      expect(band.noDataValue).toBeUndefined();
      expect(band.overviews?.map((overview) => overview.size)).toEqual([
        [150, 100],
        [75, 50],
      ]);
    }
    // The colour bands are masked by the alpha band, as in any GDAL RGBA file.
    expect(info.bands[0]?.mask?.flags).toEqual(['PER_DATASET', 'ALPHA']);
  });

  it('every sample, through GDAL\'s own deflate and per-sample predictor decoding', async () => {
    const { rgba, geobox } = quicklook(150, 70);
    const copy = await gdal.translate(writeRgbaCog(rgba, geobox, { blocksize: 64 }), ['-of', 'GTiff', '-co', 'COMPRESS=NONE'], 'plain-rgba');
    expect(await interleavedSamples(copy)).toEqual(Array.from(rgba));
  });

  // GDAL builds each level from the previous, rounded one, so from factor 4 on its averages
  // can differ from ours (from the full resolution); the first overview must match exactly.
  it('overviews match the ones GDAL builds itself (average: first level, nearest: every level)', async () => {
    const { rgba, geobox } = quicklook(600, 400);
    // Partial alpha too, so that alpha's own averaging is checked, not just 0/255.
    for (let i = 3; i < rgba.length; i += 4 * 7) if (rgba[i] !== 0) rgba[i] = 60 + (i % 150);
    for (const resampling of ['average', 'nearest'] as const) {
      const ours = writeRgbaCog(rgba, geobox, { blocksize: 128, overviewResampling: resampling });
      const gdalsOwn = await gdal.translate(
        ours,
        ['-of', 'COG', '-co', 'BLOCKSIZE=128', '-co', 'OVERVIEWS=IGNORE_EXISTING', '-co', `OVERVIEW_RESAMPLING=${resampling.toUpperCase()}`],
        `gdal-rgba-${resampling}`,
      );
      expect(checkCogLayout(gdalsOwn).errors).toEqual([]);
      const gdalsPath = path.join(folder, `gdal-rgba-${resampling}.tif`);
      writeFileSync(gdalsPath, gdalsOwn);
      const checksums = async (filePath: string): Promise<number[][]> =>
        (await gdal.info(filePath, ['-checksum'])).bands.map((band) =>
          (band.overviews ?? []).map((overview) => overview.checksum ?? -1),
        );
      const expected = await checksums(gdalsPath);
      const actual = await checksums(ours);
      expect(expected.map((levels) => levels.length)).toEqual([3, 3, 3, 3]);
      const compared = resampling === 'average' ? (levels: number[]) => levels.slice(0, 1) : (levels: number[]) => levels;
      expect({ resampling, checksums: actual.map(compared) }).toEqual({ resampling, checksums: expected.map(compared) });
    }
  });
});
