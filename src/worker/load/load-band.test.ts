import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinateOperation } from '../../shared/coordinate-operations.js';
import { normaliseCrs } from '../../shared/crs.js';
import type { Affine, GeoBox } from '../../shared/geobox.js';
import { closeCachedCogs, DatasetReadError, loadBand } from './load-band.js';
import { encodeTiledTiff, type TiffLevel } from './test-support/tiled-tiff.js';

let dir: string;
const UTM_37S = 'EPSG:32737';
// 10 m pixels near 39°E, 6.3°S.
const UTM_ORIGIN: Affine = [10, 0, 500_000, 0, -10, 9_300_000];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'load-band-'));
  normaliseCrs(UTM_37S); // registers the proj4 definitions the exact checks below use
});

afterAll(async () => {
  await closeCachedCogs();
  rmSync(dir, { recursive: true, force: true });
});

function writeTiff(name: string, levels: TiffLevel[], options: Parameters<typeof encodeTiledTiff>[1]): string {
  const file = path.join(dir, name);
  writeFileSync(file, encodeTiledTiff(levels, options));
  return file;
}

function image<T extends Uint16Array | Float32Array | Uint32Array>(
  Type: new (length: number) => T,
  width: number,
  height: number,
  value: (col: number, row: number) => number,
): TiffLevel & { data: T } {
  const data = new Type(width * height);
  for (let row = 0; row < height; row++) for (let col = 0; col < width; col++) data[row * width + col] = value(col, row);
  return { width, height, data };
}

/** A north-up geobox in `crs` with `resolution` pixels, covering the box snapped outwards. */
function geoboxOver(crs: string, box: [number, number, number, number], resolution: number): GeoBox {
  const [minX, minY, maxX, maxY] = box;
  const left = Math.floor(minX / resolution) * resolution;
  const top = Math.ceil(maxY / resolution) * resolution;
  return {
    crs,
    affine: [resolution, 0, left, 0, -resolution, top],
    width: Math.ceil((maxX - left) / resolution),
    height: Math.ceil((top - minY) / resolution),
  };
}

/** The exact source pixel coordinates of a destination pixel centre, transformed by proj4 alone. */
function exactSourcePixel(dst: GeoBox, col: number, row: number, source: Affine): [number, number] {
  const [a, , c, , e, f] = dst.affine;
  const [x, y] = proj4(dst.crs, UTM_37S).forward([a * (col + 0.5) + c, e * (row + 0.5) + f]) as [number, number];
  return [(x - source[2]) / source[0], (y - source[5]) / source[4]];
}

describe('loadBand on a grid aligned with the source', () => {
  // value = row * 300 + col: each pixel names its own position.
  const source = image(Uint16Array, 300, 200, (col, row) => row * 300 + col);

  it('copies the window: destination pixels are the source pixels at a whole-pixel offset', async () => {
    const file = writeTiff('aligned.tif', [source], { epsg: 32737, affine: UTM_ORIGIN, tileSize: 64 });
    const dst: GeoBox = { crs: UTM_37S, affine: [10, 0, 500_000 + 40 * 10, 0, -10, 9_300_000 - 30 * 10], width: 50, height: 20 };
    const raster = await loadBand(file, dst);
    expect(raster.data).toBeInstanceOf(Uint16Array);
    expect(raster.geobox).toBe(dst);
    expect(raster.nodata).toBeNull();
    expect(raster.data[0]).toBe(30 * 300 + 40);
    expect(raster.data[49]).toBe(30 * 300 + 89);
    expect(raster.data[19 * 50]).toBe(49 * 300 + 40);
    expect(raster.data[19 * 50 + 49]).toBe(49 * 300 + 89);
    expect(raster.data[7 * 50 + 11]).toBe(37 * 300 + 51);
  });

  it('fills what lies outside the source with nodata, for a grid shifted by 3 pixels past its corner', async () => {
    const file = writeTiff('shifted.tif', [source], { epsg: 32737, affine: UTM_ORIGIN, nodata: 65535, deflate: true });
    const dst: GeoBox = { crs: UTM_37S, affine: [10, 0, 500_000 - 30, 0, -10, 9_300_000 + 30], width: 10, height: 10 };
    const raster = await loadBand(file, dst);
    expect(raster.nodata).toBe(65535);
    for (let row = 0; row < 10; row++) {
      for (let col = 0; col < 10; col++) {
        const expected = row < 3 || col < 3 ? 65535 : (row - 3) * 300 + (col - 3);
        expect(raster.data[row * 10 + col], `(${col}, ${row})`).toBe(expected);
      }
    }
  });

  it('with a margin, places the window in a grid grown on every side, the margin left as the fill', async () => {
    const file = writeTiff('margin.tif', [source], { epsg: 32737, affine: UTM_ORIGIN, tileSize: 64, nodata: 65535 });
    const dst: GeoBox = { crs: UTM_37S, affine: [10, 0, 500_000 + 40 * 10, 0, -10, 9_300_000 - 30 * 10], width: 6, height: 4 };
    const raster = await loadBand(file, dst, { margin: 2 });
    expect([raster.geobox.width, raster.geobox.height]).toEqual([10, 8]);
    expect(raster.geobox.affine).toEqual([10, 0, 500_000 + 38 * 10, 0, -10, 9_300_000 - 28 * 10]);
    for (let row = 0; row < 8; row++) {
      for (let col = 0; col < 10; col++) {
        const inside = row >= 2 && row < 6 && col >= 2 && col < 8;
        const expected = inside ? (30 + row - 2) * 300 + (40 + col - 2) : 65535;
        expect(raster.data[row * 10 + col], `(${col}, ${row})`).toBe(expected);
      }
    }
    // Converted to another type (row by row), and resampled onto a grid 2 m off the source's
    // (nearest: the centre of the first inner pixel falls 0.7 px into source pixel (40, 30)).
    const converted = await loadBand(file, dst, { margin: 1, dtype: 'float32' });
    expect([converted.data[0], converted.data[1 * 8 + 1]]).toEqual([65535, 30 * 300 + 40]);
    const shifted: GeoBox = { ...dst, affine: [10, 0, 500_000 + 40 * 10 + 2, 0, -10, 9_300_000 - 30 * 10 - 2] };
    const resampled = await loadBand(file, shifted, { margin: 1 });
    expect([resampled.data[0], resampled.data[1 * 8 + 1], resampled.data[2 * 8 + 3]]).toEqual([65535, 30 * 300 + 40, 31 * 300 + 42]);
  });

  it('turns source nodata into dstNodata and converts to the requested dtype', async () => {
    const withHoles = image(Uint16Array, 8, 8, (col, row) => (col === row ? 0 : 100 + col));
    const file = writeTiff('holes.tif', [withHoles], { epsg: 32737, affine: UTM_ORIGIN, nodata: 0 });
    const dst: GeoBox = { crs: UTM_37S, affine: UTM_ORIGIN, width: 8, height: 8 };
    const raster = await loadBand(file, dst, { dtype: 'float32', dstNodata: -1 });
    expect(raster.data).toBeInstanceOf(Float32Array);
    expect(raster.nodata).toBe(-1);
    expect(raster.data[0]).toBe(-1);
    expect(raster.data[1]).toBe(101);
    expect(raster.data[9]).toBe(-1);
    expect(raster.data[8]).toBe(100);
    const asFloat = await loadBand(file, dst, { dtype: 'float32', dstNodata: undefined });
    expect(asFloat.nodata).toBe(0);
    expect(asFloat.data[0]).toBe(0);
  });

  it('refuses a dstNodata its dtype cannot hold', async () => {
    const file = writeTiff('small.tif', [image(Uint16Array, 4, 4, () => 1)], { epsg: 32737, affine: UTM_ORIGIN });
    const dst: GeoBox = { crs: UTM_37S, affine: UTM_ORIGIN, width: 4, height: 4 };
    await expect(loadBand(file, dst, { dstNodata: -1 })).rejects.toThrow('the nodata value -1 does not fit the sample type uint16');
  });
});

describe('loadBand with reprojection', () => {
  const width = 400;
  const height = 300;
  // Unique ids, so that each destination pixel shows which source pixel it took.
  const ids = image(Uint32Array, width, height, (col, row) => row * width + col + 1);
  const sourceBox: [number, number, number, number] = [500_000, 9_300_000 - height * 10, 500_000 + width * 10, 9_300_000];

  function dstOver(crs: string, resolution: number, margin = 0): GeoBox {
    const toDst = proj4(UTM_37S, crs);
    const [minX, minY, maxX, maxY] = sourceBox;
    const corners = [
      [minX, minY],
      [minX, maxY],
      [maxX, minY],
      [maxX, maxY],
    ].map((corner) => toDst.forward(corner) as [number, number]);
    const xs = corners.map(([x]) => x);
    const ys = corners.map(([, y]) => y);
    return geoboxOver(
      crs,
      [Math.min(...xs) - margin, Math.min(...ys) - margin, Math.max(...xs) + margin, Math.max(...ys) + margin],
      resolution,
    );
  }

  it('nearest: each EPSG:6933 pixel takes the UTM pixel that proj4 puts its centre in', async () => {
    const file = writeTiff('ids.tif', [ids], { epsg: 32737, affine: UTM_ORIGIN, tileSize: 128 });
    const dst = dstOver('EPSG:6933', 10, 200);
    const raster = await loadBand(file, dst, { dstNodata: 0 });
    let checked = 0;
    let outside = 0;
    for (let row = 0; row < dst.height; row += 7) {
      for (let col = 0; col < dst.width; col += 5) {
        const [u, v] = exactSourcePixel(dst, col, row, UTM_ORIGIN);
        // Centres within a thousandth of a pixel edge could go either way.
        if (Math.abs(u - Math.round(u)) < 1e-3 || Math.abs(v - Math.round(v)) < 1e-3) continue;
        const inside = u >= 0 && v >= 0 && u < width && v < height;
        const expected = inside ? Math.floor(v) * width + Math.floor(u) + 1 : 0;
        expect(raster.data[row * dst.width + col], `pixel (${col}, ${row})`).toBe(expected);
        checked++;
        if (!inside) outside++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(outside).toBeGreaterThan(50);
  });

  it('bilinear reproduces a plane wherever all four neighbours are inside the source', async () => {
    const plane = (u: number, v: number) => 2 * u + 3 * v;
    // Sample value at pixel (i, j) is the plane at its centre.
    const ramp = image(Float32Array, width, height, (col, row) => plane(col + 0.5, row + 0.5));
    const file = writeTiff('ramp.tif', [ramp], { epsg: 32737, affine: UTM_ORIGIN });
    const dst = dstOver('EPSG:6933', 10, 100);
    const raster = await loadBand(file, dst, { resampling: 'bilinear' });
    expect(raster.data).toBeInstanceOf(Float32Array);
    let checked = 0;
    let maxError = 0;
    for (let row = 0; row < dst.height; row += 3) {
      for (let col = 0; col < dst.width; col += 3) {
        const [u, v] = exactSourcePixel(dst, col, row, UTM_ORIGIN);
        const value = raster.data[row * dst.width + col]!;
        if (u < 0 || v < 0 || u >= width || v >= height) {
          expect(value).toBeNaN();
          continue;
        }
        if (u < 0.5 || v < 0.5 || u > width - 0.5 || v > height - 0.5) continue;
        maxError = Math.max(maxError, Math.abs(value - plane(u, v)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
    // float32 holds these values (up to ~1700) to ~1e-4; the control grid adds far less.
    expect(maxError).toBeLessThan(2e-3);
  });

  it('bilinear leaves nodata neighbours out, and gives nodata where the containing pixel is nodata', async () => {
    // Quarter-pixel shift across: destination centre (c + 0.5) lies at source u = c + 0.75,
    // weighing pixel c by 3/4 and pixel c + 1 by 1/4, on row v = r + 0.5 alone.
    const values = [10, 20, -9, 40, 50, 60];
    const row = image(Float32Array, 6, 1, (col) => values[col]!);
    const file = writeTiff('row.tif', [row], { epsg: 32737, affine: UTM_ORIGIN, nodata: -9 });
    const dst: GeoBox = { crs: UTM_37S, affine: [10, 0, 500_000 + 2.5, 0, -10, 9_300_000], width: 5, height: 1 };
    const raster = await loadBand(file, dst, { resampling: 'bilinear' });
    expect(Array.from(raster.data)).toEqual([12.5, 20, -9, 42.5, 52.5]);
    expect(raster.nodata).toBe(-9);
  });

  it('average of 2×2 blocks at half the resolution is the mean of each block, nodata left out', async () => {
    // Block (bx, by) holds 4·(bx + 4·by) + k for k = 0…3, so its mean is 4·(bx + 4·by) + 1.5.
    const blocks = image(Float32Array, 8, 8, (col, row) => 4 * ((col >> 1) + 4 * (row >> 1)) + (col & 1) + 2 * (row & 1));
    blocks.data[0] = -1; // block (0, 0) loses its 0: mean of 1, 2, 3
    for (const [col, row] of [[6, 6], [7, 6], [6, 7], [7, 7]]) blocks.data[row! * 8 + col!] = -1; // block (3, 3) all nodata
    const file = writeTiff('blocks.tif', [blocks], { epsg: 32737, affine: UTM_ORIGIN, nodata: -1 });
    const dst: GeoBox = { crs: UTM_37S, affine: [20, 0, 500_000, 0, -20, 9_300_000], width: 4, height: 4 };
    const raster = await loadBand(file, dst, { resampling: 'average' });
    const expected = Array.from({ length: 16 }, (_, k) => 4 * k + 1.5);
    expected[0] = 2;
    expected[15] = -1;
    expect(Array.from(raster.data)).toEqual(expected);
  });

  it('average rounds to the nearest integer for integer results', async () => {
    const blocks = image(Uint16Array, 4, 2, (col, row) => [1, 2, 10, 10, 2, 2, 10, 11][row * 4 + col]!);
    const file = writeTiff('blocks16.tif', [blocks], { epsg: 32737, affine: UTM_ORIGIN });
    const dst: GeoBox = { crs: UTM_37S, affine: [20, 0, 500_000, 0, -20, 9_300_000], width: 2, height: 1 };
    const raster = await loadBand(file, dst, { resampling: 'average' });
    // Means 1.75 and 10.25.
    expect(Array.from(raster.data)).toEqual([2, 10]);
  });

  it('reads the coarsest overview no coarser than the destination', async () => {
    // Full image: the column number; 2× overview: the mean of its two columns (2c + 0.5);
    // 4× overview: 1000 + c, so that a level read shows itself.
    const full = image(Float32Array, 512, 512, (col) => col);
    const half = image(Float32Array, 256, 256, (col) => 2 * col + 0.5);
    const quarter = image(Float32Array, 128, 128, (col) => 1000 + col);
    const file = writeTiff('overviews.tif', [full, half, quarter], { epsg: 32737, affine: UTM_ORIGIN, tileSize: 64 });
    const at = (resolution: number): GeoBox => ({
      crs: UTM_37S,
      affine: [resolution, 0, 500_000, 0, -resolution, 9_300_000],
      width: 8,
      height: 2,
    });
    const atHalf = await loadBand(file, at(20));
    expect(Array.from(atHalf.data.subarray(0, 8))).toEqual([0.5, 2.5, 4.5, 6.5, 8.5, 10.5, 12.5, 14.5]);
    // 30 m: the 2× overview is the coarsest no coarser; centre c → overview column floor(1.5c + 0.75).
    const at30 = await loadBand(file, at(30));
    expect(Array.from(at30.data.subarray(0, 4))).toEqual([0.5, 4.5, 6.5, 10.5]);
    const atQuarter = await loadBand(file, at(40));
    expect(Array.from(atQuarter.data.subarray(0, 3))).toEqual([1000, 1001, 1002]);
    const finer = await loadBand(file, at(5));
    expect(Array.from(finer.data.subarray(0, 4))).toEqual([0, 0, 1, 1]);
  });

  it('gives all nodata for a destination that misses the source', async () => {
    const file = writeTiff('far.tif', [image(Uint16Array, 16, 16, () => 7)], { epsg: 32737, affine: UTM_ORIGIN, nodata: 9 });
    const dst: GeoBox = { crs: 'EPSG:6933', affine: [10, 0, 0, 0, -10, 0], width: 10, height: 10 };
    const raster = await loadBand(file, dst);
    expect(Array.from(new Set(raster.data))).toEqual([9]);
  });

  it('fills NaN for float results of a source without nodata, and 0 for integer ones', async () => {
    const file = writeTiff('nonodata.tif', [image(Float32Array, 4, 4, () => 5)], { epsg: 32737, affine: UTM_ORIGIN });
    const dst: GeoBox = { crs: UTM_37S, affine: [10, 0, 500_000 - 20, 0, -10, 9_300_000], width: 4, height: 1 };
    const floats = await loadBand(file, dst);
    expect(floats.nodata).toBeNaN();
    expect(Array.from(floats.data)).toEqual([NaN, NaN, 5, 5]);
    const integers = await loadBand(file, dst, { dtype: 'uint8' });
    expect(integers.nodata).toBeNull();
    expect(Array.from(integers.data)).toEqual([0, 0, 5, 5]);
  });
});

describe('loadBand through a chosen datum transformation', () => {
  /**
   * UTM 55S pixels of 0.5 m around the point PROJ 9 puts Albers (1 500 000, −3 900 000) at:
   * (636 826.7652, 6 144 969.7908) through EPSG:9688 and (636 826.2220, 6 144 968.3661) through
   * the null shift (`cct -I` of `projinfo -s EPSG:32755 -t EPSG:3577`'s pipelines), 1.5 m apart.
   */
  const PIXEL = 0.5;
  const WEST = 636_816;
  const NORTH = 6_144_980;
  const SIDE = 40;
  const ids = image(Uint32Array, SIDE, SIDE, (col, row) => row * SIDE + col + 1);
  const idAt = (x: number, y: number) => Math.floor((NORTH - y) / PIXEL) * SIDE + Math.floor((x - WEST) / PIXEL) + 1;
  /** One Albers pixel of 0.1 m whose centre is (1 500 000, −3 900 000). */
  const dst: GeoBox = { crs: 'EPSG:3577', affine: [0.1, 0, 1_499_999.95, 0, -0.1, -3_899_999.95], width: 1, height: 1 };

  it('samples the source where EPSG:9688 puts the pixel, and where the null shift does without it', async () => {
    const file = writeTiff('utm55.tif', [ids], { epsg: 32755, affine: [PIXEL, 0, WEST, 0, -PIXEL, NORTH], tileSize: 16 });
    const through9688 = await loadBand(file, dst, { operation: coordinateOperation('EPSG:9688')! });
    const ballpark = await loadBand(file, dst);
    expect(through9688.data[0]).toBe(idAt(636_826.7652, 6_144_969.7908));
    expect(ballpark.data[0]).toBe(idAt(636_826.222, 6_144_968.3661));
    expect(through9688.data[0]).not.toBe(ballpark.data[0]);
  });
});

describe('loadBand errors', () => {
  it('names a missing file', async () => {
    const missing = path.join(dir, 'missing', 'B04.tif');
    const dst: GeoBox = { crs: UTM_37S, affine: UTM_ORIGIN, width: 4, height: 4 };
    const error = await loadBand(missing, dst).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetReadError);
    expect((error as DatasetReadError).href).toBe(missing);
    expect((error as DatasetReadError).message).toBe(`cannot read ${missing}: no such file`);
  });

  it('names a file that is not a TIFF', async () => {
    const file = path.join(dir, 'B04.tif');
    writeFileSync(file, '<html>not a tiff</html>');
    const error = await loadBand(file, { crs: UTM_37S, affine: UTM_ORIGIN, width: 4, height: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetReadError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot read ${escape(file)}: not a GeoTIFF`));
  });

  it('names a truncated file', async () => {
    const whole = encodeTiledTiff([image(Uint16Array, 64, 64, (col) => col)], { epsg: 32737, affine: UTM_ORIGIN, tileSize: 32 });
    const file = path.join(dir, 'truncated.tif');
    writeFileSync(file, whole.subarray(0, whole.length - 3000));
    const error = await loadBand(file, { crs: UTM_37S, affine: UTM_ORIGIN, width: 64, height: 64 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetReadError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot read ${escape(file)}: corrupt or truncated`));
  });

  it('names a TIFF without georeferencing or with an unsupported CRS', async () => {
    const file = writeTiff('crs.tif', [image(Uint16Array, 4, 4, () => 1)], { epsg: 2193, affine: UTM_ORIGIN });
    const error = await loadBand(file, { crs: UTM_37S, affine: UTM_ORIGIN, width: 4, height: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetReadError);
    expect((error as Error).message).toBe(`cannot read ${file}: unsupported CRS EPSG:2193`);
  });

  it('stops on an aborted signal', async () => {
    const file = writeTiff('abort.tif', [image(Uint16Array, 4, 4, () => 1)], { epsg: 32737, affine: UTM_ORIGIN });
    const controller = new AbortController();
    controller.abort();
    await expect(
      loadBand(file, { crs: UTM_37S, affine: UTM_ORIGIN, width: 4, height: 4 }, { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('loadBand hrefs', () => {
  it('reads a file:// URL as its path', async () => {
    const file = writeTiff('url.tif', [image(Uint16Array, 4, 4, (col) => col)], { epsg: 32737, affine: UTM_ORIGIN });
    const raster = await loadBand(pathToFileURL(file).href, { crs: UTM_37S, affine: UTM_ORIGIN, width: 4, height: 1 });
    expect(Array.from(raster.data)).toEqual([0, 1, 2, 3]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
