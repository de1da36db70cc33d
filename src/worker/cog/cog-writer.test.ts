import { inflateSync } from 'node:zlib';
import { fromArrayBuffer, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
import { describe, expect, it } from 'vitest';
import type { GeoBox } from '../../shared/geobox.js';
import { newSampleArray, type Raster, type SampleArray, type SampleType } from '../raster.js';
import { checkCogLayout } from './test-support/cog-validate.js';
import { encodeCog, encodeRgbaCog, type CogOptions } from './cog-writer.js';

function geobox(width: number, height: number, crs = 'EPSG:32737'): GeoBox {
  return { crs, affine: [30, 0, 500_000, 0, -30, 7_000_000], width, height };
}

function band<T extends SampleArray>(data: T, width: number, height: number, nodata: number | null = null, crs?: string): Raster<T> {
  return { geobox: geobox(width, height, crs), data, nodata };
}

async function openTiff(bytes: Uint8Array): Promise<GeoTIFF> {
  return fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

async function pixels(image: GeoTIFFImage): Promise<number[]> {
  const [samples] = (await image.readRasters()) as unknown as [ArrayLike<number>];
  return Array.from(samples);
}

const RANGES: Record<SampleType, [number, number]> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  uint32: [0, 4294967295],
  int32: [-2147483648, 2147483647],
  float32: [-3.4e38, 3.4e38],
  float64: [-1.7e308, 1.7e308],
};

/** Varied samples, the type's extremes included, so predictors wrap and floats use every byte. */
function testPattern(type: SampleType, width: number, height: number): SampleArray {
  const [min, max] = RANGES[type];
  const data = newSampleArray(type, width * height);
  const isFloat = type.startsWith('float');
  for (let i = 0; i < data.length; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    data[i] = isFloat ? Math.sin(x * 0.37) * 1000 + y / 7 : min + ((x * 37 + y * 101) % Math.min(max - min + 1, 5000));
  }
  data[0] = min;
  data[1] = max;
  data[width] = max;
  data[width + 1] = min;
  return data;
}

const ALL_TYPES: SampleType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'];

describe('encodeCog round trip through geotiff.js', () => {
  for (const type of ALL_TYPES) {
    for (const compress of ['deflate', 'none'] as const) {
      it(`${type}, ${compress}: samples, geobox and nodata`, async () => {
        const width = 37;
        const height = 23;
        const data = testPattern(type, width, height);
        const nodata = type.startsWith('float') ? -9999 : RANGES[type][0] + 3;
        const bytes = encodeCog(band(data, width, height, nodata), { blocksize: 16, compress, overviewLevels: [] });

        const tiff = await openTiff(bytes);
        expect(await tiff.getImageCount()).toBe(1);
        const image = await tiff.getImage(0);
        expect(image.getWidth()).toBe(width);
        expect(image.getHeight()).toBe(height);
        expect(image.getTileWidth()).toBe(16);
        expect(image.getTileHeight()).toBe(16);
        expect(image.getOrigin()).toEqual([500_000, 7_000_000, 0]);
        expect(image.getResolution()).toEqual([30, -30, 0]);
        expect(image.getGDALNoData()).toBe(nodata);
        expect(await pixels(image)).toEqual(Array.from(data));
        expect(checkCogLayout(bytes).errors).toEqual([]);
      });
    }
  }

  it('writes the predictor that suits the type unless told otherwise', async () => {
    const predictorOf = async (bytes: Uint8Array): Promise<unknown> =>
      (await (await openTiff(bytes)).getImage(0)).getFileDirectory().loadValue('Predictor');
    const ints = band(testPattern('int16', 20, 20), 20, 20);
    const floats = band(testPattern('float32', 20, 20), 20, 20);
    expect(await predictorOf(encodeCog(ints))).toBe(2);
    expect(await predictorOf(encodeCog(floats))).toBe(3);
    expect(await predictorOf(encodeCog(floats, { predictor: 1 }))).toBeUndefined();
    expect(await predictorOf(encodeCog(ints, { compress: 'none' }))).toBeUndefined();
    expect(await pixels(await (await openTiff(encodeCog(floats, { predictor: 1 }))).getImage(0))).toEqual(
      Array.from(floats.data),
    );
  });

  it('keeps NaN in float32 and writes NaN nodata as "nan"', async () => {
    const data = new Float32Array([1.5, Number.NaN, -2.25, 3, Number.NaN, 1e-30]);
    const tiff = await openTiff(encodeCog(band(data, 3, 2, Number.NaN)));
    const image = await tiff.getImage(0);
    expect(image.getGDALNoData()).toBeNaN();
    expect(image.getFileDirectory().getValue('GDAL_NODATA')).toMatch(/^nan/);
    const read = await pixels(image);
    expect(read.map((value) => (Number.isNaN(value) ? 'NaN' : value))).toEqual([1.5, 'NaN', -2.25, 3, 'NaN', Math.fround(1e-30)]);
  });

  it('writes no GDAL_NODATA when nodata is unset', async () => {
    const image = await (await openTiff(encodeCog(band(new Uint8Array(4), 2, 2)))).getImage(0);
    expect(image.getGDALNoData()).toBeNull();
  });

  it('writes GeoKeys for projected and geographic CRSs', async () => {
    const projectedKeys = (await (await openTiff(encodeCog(band(new Uint8Array(4), 2, 2, null, 'EPSG:6933')))).getImage(0)).getGeoKeys();
    expect(projectedKeys).toMatchObject({ GTModelTypeGeoKey: 1, GTRasterTypeGeoKey: 1, ProjectedCSTypeGeoKey: 6933 });

    const geographic: Raster = {
      geobox: { crs: 'EPSG:4326', affine: [0.25, 0, 110, 0, -0.25, -10], width: 2, height: 2 },
      data: new Uint8Array(4),
      nodata: null,
    };
    const image = await (await openTiff(encodeCog(geographic))).getImage(0);
    expect(image.getGeoKeys()).toMatchObject({ GTModelTypeGeoKey: 2, GTRasterTypeGeoKey: 1, GeographicTypeGeoKey: 4326 });
    expect(image.getOrigin()).toEqual([110, -10, 0]);
    expect(image.getResolution()).toEqual([0.25, -0.25, 0]);
  });
});

describe('encodeCog overviews', () => {
  // 4 × 4, nodata 0:         2 × 2 overview, by hand:
  //   1  3 | 5  7              nearest (top-left of each 2 × 2): 1 5 / 10 0
  //   1  3 | 5  7              average ignoring nodata:          (1+3+1+3)/4 = 2, 6 / (10+20+30+40)/4 = 25, all nodata → 0
  //  10 20 | 0  0
  //  30 40 | 0  0
  const pattern = new Uint8Array([1, 3, 5, 7, 1, 3, 5, 7, 10, 20, 0, 0, 30, 40, 0, 0]);

  async function overviewPixels(raster: Raster, options: CogOptions): Promise<number[]> {
    const tiff = await openTiff(encodeCog(raster, { blocksize: 16, overviewLevels: [2], ...options }));
    expect(await tiff.getImageCount()).toBe(2);
    const overview = await tiff.getImage(1);
    expect([overview.getWidth(), overview.getHeight()]).toEqual([2, 2]);
    expect(overview.getFileDirectory().getValue('NewSubfileType')).toBe(1);
    return pixels(overview);
  }

  it('nearest takes the top-left pixel of each 2 × 2 block, as GDAL does', async () => {
    expect(await overviewPixels(band(pattern, 4, 4, 0), { overviewResampling: 'nearest' })).toEqual([1, 5, 10, 0]);
  });

  it('average ignores nodata and gives nodata where nothing is valid', async () => {
    expect(await overviewPixels(band(pattern, 4, 4, 0), { overviewResampling: 'average' })).toEqual([2, 6, 25, 0]);
  });

  it('average rounds integers and ignores NaN in floats', async () => {
    const floats = new Float32Array([1, Number.NaN, 2, 2, 3, 5, 2, 3, Number.NaN, Number.NaN, 7, 8, Number.NaN, Number.NaN, 9, 10]);
    const read = await overviewPixels(band(floats, 4, 4), { overviewResampling: 'AVERAGE' });
    expect(read.map((value) => (Number.isNaN(value) ? 'NaN' : value))).toEqual([3, 2.25, 'NaN', 8.5]);
    const ints = new Int16Array([1, 2, 0, 0, 2, 2, 0, 1, -3, -4, 5, 5, -4, -4, 5, 6]);
    expect(await overviewPixels(band(ints, 4, 4), { overviewResampling: 'average' })).toEqual([2, 0, -4, 5]);
  });

  it('mode takes the majority, ignores nodata and settles ties as GDAL does', async () => {
    // Ties go to the class that first reaches the top count, scanning row by row: in the
    // bottom-left block (2 6 / 6 2) that is 6, at the third pixel.
    const classes = new Uint8Array([1, 1, 2, 2, 1, 3, 2, 2, 2, 6, 0, 0, 6, 2, 0, 9]);
    expect(await overviewPixels(band(classes, 4, 4, 0), { overviewResampling: 'mode' })).toEqual([1, 2, 6, 9]);
    // All different (7 2 / 9 4): the first one scanned.
    const wideClasses = new Int32Array([100000, 100000, 7, 7, -5, 3, 7, 8, 7, 2, -1, -1, 9, 4, -1, -1]);
    expect(await overviewPixels(band(wideClasses, 4, 4, -1), { overviewResampling: 'mode' })).toEqual([100000, 7, 7, -1]);
  });

  it('defaults to halving until the image fits in one tile (1000 × 700, blocksize 256)', async () => {
    const width = 1000;
    const height = 700;
    const data = testPattern('uint16', width, height);
    const bytes = encodeCog(band(data, width, height, 65535), { blocksize: 256 });
    const tiff = await openTiff(bytes);
    expect(await tiff.getImageCount()).toBe(3);
    const [full, half, quarter] = await Promise.all([0, 1, 2].map((index) => tiff.getImage(index)));
    expect([full!.getWidth(), full!.getHeight()]).toEqual([1000, 700]);
    expect([half!.getWidth(), half!.getHeight()]).toEqual([500, 350]);
    expect([quarter!.getWidth(), quarter!.getHeight()]).toEqual([250, 175]);
    expect(quarter!.getResolution(full)).toEqual([120, -120, 0]);
    expect(await pixels(full!)).toEqual(Array.from(data));
    // nearest, factor 4: pixel (x, y) of the overview is pixel (4x, 4y) of the full image
    const quarterPixels = await pixels(quarter!);
    for (const [x, y] of [[0, 0], [17, 3], [249, 174]] as const) {
      expect(quarterPixels[y * 250 + x]).toBe(data[4 * y * width + 4 * x]);
    }
    expect(checkCogLayout(bytes).errors).toEqual([]);
  });

  it('rounds overview sizes up and drops levels that no longer shrink the image', async () => {
    const tiff = await openTiff(encodeCog(band(new Uint8Array(5 * 3), 5, 3), { overviewLevels: [2, 4, 8, 16] }));
    const sizes = [];
    for (let i = 0; i < (await tiff.getImageCount()); i++) {
      const image = await tiff.getImage(i);
      sizes.push([image.getWidth(), image.getHeight()]);
    }
    expect(sizes).toEqual([[5, 3], [3, 2], [2, 1], [1, 1]]);
  });

  it('writes no overviews for an image that fits in one tile', async () => {
    expect(await (await openTiff(encodeCog(band(new Uint8Array(512 * 300), 512, 300)))).getImageCount()).toBe(1);
  });
});

describe('encodeCog layout and options', () => {
  it('lays out IFDs first, then overview tiles smallest first, with GDAL ghost area and tile framing', () => {
    const width = 300;
    const height = 200;
    const bytes = encodeCog(band(testPattern('int16', width, height), width, height, -1), { blocksize: 128 });
    const check = checkCogLayout(bytes);
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([]);
    expect(check.structuralMetadata).toEqual({
      LAYOUT: 'IFDS_BEFORE_DATA',
      BLOCK_ORDER: 'ROW_MAJOR',
      BLOCK_LEADER: 'SIZE_AS_UINT4',
      BLOCK_TRAILER: 'LAST_4_BYTES_REPEATED',
      KNOWN_INCOMPATIBLE_EDITION: 'NO',
    });
    expect(check.images.map((image) => [image.width, image.height, image.reducedResolution])).toEqual([
      [300, 200, false],
      [150, 100, true],
      [75, 50, true],
    ]);
    const firstTile = check.images.map((image) => image.tileOffsets[0]!);
    expect(firstTile[2]).toBeLessThan(firstTile[1]!);
    expect(firstTile[1]).toBeLessThan(firstTile[0]!);
    expect(Math.max(...check.images.map((image) => image.ifdOffset))).toBeLessThan(firstTile[2]!);
  });

  it('the layout check catches a broken trailer and an untiled file', () => {
    const bytes = encodeCog(band(testPattern('uint8', 40, 40), 40, 40), { blocksize: 16 });
    const check = checkCogLayout(bytes);
    const lastTile = check.images[0]!;
    const end = lastTile.tileOffsets.at(-1)! + lastTile.tileByteCounts.at(-1)!;
    bytes[end] = bytes[end]! ^ 0xff;
    expect(checkCogLayout(bytes).errors).toEqual(['main image: tile 8 trailer does not repeat its last 4 bytes']);

    // A one-IFD stripped TIFF: header, IFD with ImageWidth/ImageLength only.
    const stripped = new Uint8Array(8 + 2 + 2 * 12 + 4);
    const view = new DataView(stripped.buffer);
    stripped.set([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
    view.setUint16(8, 2, true);
    [256, 257].forEach((tag, i) => {
      view.setUint16(10 + i * 12, tag, true);
      view.setUint16(12 + i * 12, 3, true);
      view.setUint32(14 + i * 12, 1, true);
      view.setUint16(18 + i * 12, 10, true);
    });
    expect(checkCogLayout(stripped).errors).toContain('main image is not tiled');
  });

  it('pads edge tiles with nodata (0 without nodata)', () => {
    const width = 20;
    const height = 18;
    const data = testPattern('int16', width, height);
    const rawTile = (nodata: number | null, tileIndex: number): Int16Array => {
      const bytes = encodeCog(band(data, width, height, nodata), { blocksize: 16, compress: 'none' });
      const image = checkCogLayout(bytes).images[0]!;
      const offset = image.tileOffsets[tileIndex]!;
      return new Int16Array(bytes.slice(offset, offset + image.tileByteCounts[tileIndex]!).buffer);
    };
    const rightTile = rawTile(-999, 1);
    expect(rightTile.length).toBe(256);
    expect(Array.from(rightTile.subarray(0, 4))).toEqual(Array.from(data.subarray(16, 20)));
    expect(Array.from(rightTile.subarray(4, 16))).toEqual(new Array(12).fill(-999));
    const bottomRightTile = rawTile(null, 3);
    expect(Array.from(bottomRightTile.subarray(0, 4))).toEqual(Array.from(data.subarray(16 * width + 16, 16 * width + 20)));
    expect(Array.from(bottomRightTile.subarray(2 * 16))).toEqual(new Array(256 - 32).fill(0));
  });

  it('compress none stores every tile raw: size is header and IFDs plus tiles and framing', () => {
    // Values, not all 0: a tile of the fill alone would be sparse (not stored).
    const bytes = encodeCog(band(Float32Array.from({ length: 40 * 40 }, (_, i) => i + 1), 40, 40), { blocksize: 16, compress: 'NONE' });
    const check = checkCogLayout(bytes);
    expect(check.images.map((image) => image.width)).toEqual([40, 20, 10]);
    const tileCount = check.images.reduce((sum, image) => sum + image.tileOffsets.length, 0);
    expect(check.images.flatMap((image) => image.tileByteCounts).every((count) => count === 16 * 16 * 4)).toBe(true);
    const firstData = Math.min(...check.images.flatMap((image) => image.tileOffsets)) - 4;
    expect(bytes.length).toBe(firstData + tileCount * (16 * 16 * 4 + 8));
  });

  it('zlevel trades size for time', () => {
    const width = 512;
    const height = 512;
    const data = new Uint16Array(width * height);
    let state = 12345;
    for (let i = 0; i < data.length; i++) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      data[i] = (i % width) * 8 + (state % 64);
    }
    const raster = band(data, width, height);
    const fast = encodeCog(raster, { zlevel: 1 }).length;
    const small = encodeCog(raster, { zlevel: 9 }).length;
    expect(small).toBeLessThan(fast);
  });

  it('refuses what it cannot write', () => {
    const ok = band(new Uint8Array(4), 2, 2);
    const rotated: Raster = { ...ok, geobox: { ...ok.geobox, affine: [30, 5, 0, 5, -30, 0] } };
    const southUp: Raster = { ...ok, geobox: { ...ok.geobox, affine: [30, 0, 0, 0, 30, 0] } };
    expect(() => encodeCog(rotated)).toThrow(/north-up/);
    expect(() => encodeCog(southUp)).toThrow(/north-up/);
    expect(() => encodeCog({ ...ok, geobox: { ...ok.geobox, crs: 'PROJCS["x"]' } })).toThrow(/EPSG/);
    expect(() => encodeCog({ ...ok, data: new Uint8Array(3) })).toThrow(/3 samples/);
    expect(() => encodeCog({ ...ok, nodata: -1 })).toThrow(/nodata -1/);
    expect(() => encodeCog({ ...ok, nodata: Number.NaN })).toThrow(/nodata NaN/);
    expect(() => encodeCog(ok, { blocksize: 100 })).toThrow(/multiple of 16/);
    expect(() => encodeCog(ok, { zlevel: 12 })).toThrow(/zlevel/);
    expect(() => encodeCog(ok, { predictor: 3 })).toThrow(/predictor 3/);
    expect(() => encodeCog(band(new Float32Array(4), 2, 2), { predictor: 2 })).toThrow(/predictor 2/);
    expect(() => encodeCog(ok, { compress: 'lerc' as CogOptions['compress'] })).toThrow("COG compress 'lerc' is not supported: use deflate, lzw, zstd, jpeg, webp, none");
    expect(() => encodeCog(ok, { compress: 'zstd', zstdLevel: 23 })).toThrow(/ZSTD level 23/);
    expect(() => encodeCog(ok, { compress: 'jpeg', jpegQuality: 101 })).toThrow(/JPEG quality 101/);
    expect(() => encodeCog(ok, { overviewLevels: [1.5] })).toThrow(/overview level 1.5/);
  });
});

/** Interleaved RGBA with every colour value and a mix of opaque, transparent and partial alpha. */
function rgbaPattern(width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    rgba[i * 4] = (x * 37 + y * 11) % 256;
    rgba[i * 4 + 1] = (255 - x * 5 - y * 3) & 0xff;
    rgba[i * 4 + 2] = (x * y) % 256;
    rgba[i * 4 + 3] = (x + y) % 5 === 0 ? 0 : (x + y) % 7 === 0 ? 128 : 255;
  }
  return rgba;
}

async function interleaved(image: GeoTIFFImage): Promise<number[]> {
  return Array.from((await image.readRasters({ interleave: true })) as unknown as ArrayLike<number>);
}

describe('encodeRgbaCog', () => {
  for (const compress of ['deflate', 'none'] as const) {
    it(`${compress}: round trip through geotiff.js, RGB photometric with unassociated alpha`, async () => {
      const width = 37;
      const height = 23;
      const rgba = rgbaPattern(width, height);
      const bytes = encodeRgbaCog(rgba, geobox(width, height), { blocksize: 16, compress, overviewLevels: [] });
      expect(checkCogLayout(bytes).errors).toEqual([]);

      const tiff = await openTiff(bytes);
      expect(await tiff.getImageCount()).toBe(1);
      const image = await tiff.getImage(0);
      expect([image.getWidth(), image.getHeight(), image.getTileWidth(), image.getTileHeight()]).toEqual([width, height, 16, 16]);
      expect(image.getSamplesPerPixel()).toBe(4);
      expect(image.getOrigin()).toEqual([500_000, 7_000_000, 0]);
      expect(image.getResolution()).toEqual([30, -30, 0]);
      expect(image.getGDALNoData()).toBeNull();
      const directory = image.getFileDirectory();
      const tag = async (name: Parameters<typeof directory.loadValue>[0]): Promise<unknown> => {
        const value = await directory.loadValue(name);
        return ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : value;
      };
      expect(await tag('PlanarConfiguration')).toBe(1);
      expect(await tag('PhotometricInterpretation')).toBe(2);
      expect(await tag('BitsPerSample')).toEqual([8, 8, 8, 8]);
      expect(await tag('SampleFormat')).toEqual([1, 1, 1, 1]);
      expect(await tag('ExtraSamples')).toEqual([2]);
      expect(await tag('Predictor')).toBe(compress === 'deflate' ? 2 : undefined);
      expect(await interleaved(image)).toEqual(Array.from(rgba));
    });
  }

  it('horizontal predictor differences each sample with the same sample of the previous pixel', () => {
    // One 16 × 16 tile; row 0 is pixels (10, 200, 3, 255), (12, 190, 3, 255), (9, 195, 250, 0), …
    const width = 16;
    const rgba = new Uint8Array(width * width * 4);
    rgba.set([10, 200, 3, 255, 12, 190, 3, 255, 9, 195, 250, 0]);
    const bytes = encodeRgbaCog(rgba, geobox(width, width), { blocksize: 16 });
    const image = checkCogLayout(bytes).images[0]!;
    const offset = image.tileOffsets[0]!;
    const raw = inflateSync(bytes.subarray(offset, offset + image.tileByteCounts[0]!));
    expect(raw.length).toBe(16 * 16 * 4);
    // first pixel as is; then per sample, modulo 256: 12-10, 190-200, 3-3, 255-255; 9-12,
    // 195-190, 250-3, 0-255; then the 4th pixel (0, 0, 0, 0): 0-9, 0-195, 0-250, 0-0
    expect(Array.from(raw.subarray(0, 16))).toEqual([10, 200, 3, 255, 2, 246, 0, 0, 253, 5, 247, 1, 247, 61, 6, 0]);
    // the second row starts afresh: all zeros
    expect(Array.from(raw.subarray(16 * 4, 16 * 4 + 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('average overviews ignore transparent pixels; alpha averages the non-transparent alphas', async () => {
    // 4 × 4 → 2 × 2. Top-left block: opaque (10,20,30), opaque (30,40,50), transparent white
    // ×2 → (20,30,40,255). Top-right: all transparent → 0,0,0,0. Bottom-left: alpha 255 and
    // 101 (colours 100 and 200), two transparent → (150,150,150,178). Bottom-right: all
    // opaque 8,16,24 → 8,16,24,255.
    const white = [255, 255, 255, 0];
    const clear = [0, 0, 0, 0];
    const grey = (v: number, a: number): number[] => [v, v, v, a];
    const opaque = [8, 16, 24, 255];
    const rows = [
      [[10, 20, 30, 255], [30, 40, 50, 255], clear, white],
      [white, white, white, clear],
      [grey(100, 255), white, opaque, opaque],
      [clear, grey(200, 101), opaque, opaque],
    ];
    const rgba = Uint8Array.from(rows.flat(2));
    const bytes = encodeRgbaCog(rgba, geobox(4, 4), { blocksize: 16, overviewLevels: [2] });
    const tiff = await openTiff(bytes);
    expect(await tiff.getImageCount()).toBe(2);
    const overview = await tiff.getImage(1);
    expect(overview.getFileDirectory().getValue('NewSubfileType')).toBe(1);
    expect(await interleaved(overview)).toEqual([20, 30, 40, 255, 0, 0, 0, 0, 150, 150, 150, 178, 8, 16, 24, 255]);

    const nearest = await openTiff(encodeRgbaCog(rgba, geobox(4, 4), { blocksize: 16, overviewLevels: [2], overviewResampling: 'NEAREST' }));
    expect(await interleaved(await nearest.getImage(1))).toEqual([10, 20, 30, 255, 0, 0, 0, 0, 100, 100, 100, 255, 8, 16, 24, 255]);
  });

  it('lays levels out as encodeCog does: IFDs first, smallest overview tiles first, framed tiles', async () => {
    const width = 300;
    const height = 200;
    const rgba = rgbaPattern(width, height);
    const bytes = encodeRgbaCog(rgba, geobox(width, height), { blocksize: 128 });
    const check = checkCogLayout(bytes);
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([]);
    expect(check.structuralMetadata['LAYOUT']).toBe('IFDS_BEFORE_DATA');
    expect(check.images.map((image) => [image.width, image.height, image.reducedResolution])).toEqual([
      [300, 200, false],
      [150, 100, true],
      [75, 50, true],
    ]);
    const firstTile = check.images.map((image) => image.tileOffsets[0]!);
    expect(firstTile[2]).toBeLessThan(firstTile[1]!);
    expect(firstTile[1]).toBeLessThan(firstTile[0]!);
    const tiff = await openTiff(bytes);
    expect(await interleaved(await tiff.getImage(0))).toEqual(Array.from(rgba));
    expect((await tiff.getImage(2)).getSamplesPerPixel()).toBe(4);
  });

  it('pads edge tiles with transparent black', () => {
    const width = 20;
    const height = 18;
    const rgba = rgbaPattern(width, height).fill(255);
    const bytes = encodeRgbaCog(rgba, geobox(width, height), { blocksize: 16, compress: 'none' });
    const image = checkCogLayout(bytes).images[0]!;
    const offset = image.tileOffsets[3]!;
    const tile = bytes.slice(offset, offset + image.tileByteCounts[3]!);
    expect(tile.length).toBe(16 * 16 * 4);
    expect(Array.from(tile.subarray(0, 4 * 4))).toEqual(new Array(16).fill(255));
    expect(Array.from(tile.subarray(4 * 4, 16 * 4))).toEqual(new Array(48).fill(0));
    expect(Array.from(tile.subarray(2 * 16 * 4))).toEqual(new Array((256 - 32) * 4).fill(0));
  });

  it('refuses what it cannot write', () => {
    const box = geobox(2, 2);
    expect(() => encodeRgbaCog(new Uint8Array(15), box)).toThrow(/15 bytes/);
    expect(() => encodeRgbaCog(new Uint16Array(16) as unknown as Uint8Array, box)).toThrow(/Uint8Array/);
    expect(() => encodeRgbaCog(new Uint8Array(16), { ...box, width: 0 })).toThrow(/positive integers/);
    expect(() => encodeRgbaCog(new Uint8Array(16), box, { overviewResampling: 'mode' })).toThrow(/'mode'/);
    expect(() => encodeRgbaCog(new Uint8Array(16), box, { predictor: 3 })).toThrow(/predictor 3/);
    expect(() => encodeRgbaCog(new Uint8Array(16), { ...box, crs: 'PROJCS["x"]' })).toThrow(/EPSG/);
  });
});
