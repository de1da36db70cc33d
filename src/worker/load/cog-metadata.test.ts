import { writeArrayBuffer } from 'geotiff';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCog } from './open-cog.js';
import { encodeTiledTiff } from './test-support/tiled-tiff.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cog-metadata-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array | ArrayBuffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, new Uint8Array(bytes));
  return file;
}

describe('the metadata of an opened GeoTIFF', () => {
  it('gives CRS, grids of the full image and its overviews, nodata and sample type', async () => {
    const full = { width: 100, height: 60, data: new Int16Array(6000) };
    const half = { width: 50, height: 30, data: new Int16Array(1500) };
    const file = write(
      'levels.tif',
      encodeTiledTiff([full, half], { epsg: 3577, affine: [30, 0, 1_500_000, 0, -30, -3_900_000], nodata: -999, tileSize: 32 }),
    );
    const cog = await openCog(file);
    try {
      expect(cog.crs).toBe('EPSG:3577');
      expect(cog.sampleType).toBe('int16');
      expect(cog.nodata).toBe(-999);
      expect(cog.levels.map((level) => [level.width, level.height, level.decimation])).toEqual([
        [100, 60, 1],
        [50, 30, 2],
      ]);
      expect(cog.levels[0]!.affine).toEqual([30, 0, 1_500_000, 0, -30, -3_900_000]);
      expect(cog.levels[1]!.affine).toEqual([60, 0, 1_500_000, 0, -60, -3_900_000]);
    } finally {
      await cog.close();
    }
  });

  it('moves a PixelIsPoint tie point to the pixel corner, and reads GDAL_NODATA without its NUL', async () => {
    const file = write(
      'point.tif',
      encodeTiledTiff([{ width: 4, height: 4, data: new Uint8Array(16) }], {
        epsg: 32755,
        affine: [10, 0, 300_000, 0, -10, 6_100_000],
        pixelIsPoint: true,
        nodata: 255,
        unterminatedNodata: true,
      }),
    );
    const cog = await openCog(file);
    expect(cog.levels[0]!.affine).toEqual([10, 0, 300_000, 0, -10, 6_100_000]);
    expect(cog.nodata).toBe(255);
    await cog.close();
  });

  it("reads geotiff.js's own (big-endian, stripped) files, nan nodata included", async () => {
    const values = new Float32Array([1, 2, NaN, 4, 5, 6]);
    const bytes = writeArrayBuffer(values, {
      width: 3,
      height: 2,
      ModelPixelScale: [20, 20, 0],
      ModelTiepoint: [0, 0, 0, 600_000, 7_000_000, 0],
      ProjectedCSTypeGeoKey: 32737,
      GTModelTypeGeoKey: 1,
      GTRasterTypeGeoKey: 1,
      GDAL_NODATA: 'nan\0',
    });
    const cog = await openCog(write('geotiffjs.tif', bytes));
    expect(cog.crs).toBe('EPSG:32737');
    expect(cog.sampleType).toBe('float32');
    expect(cog.nodata).toBeNaN();
    expect(cog.levels[0]!.affine).toEqual([20, 0, 600_000, 0, -20, 7_000_000]);
    await cog.close();
  });
});
