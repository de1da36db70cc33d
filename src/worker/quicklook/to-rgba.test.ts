import { describe, expect, it } from 'vitest';
import type { Raster, SampleArray } from '../raster.js';
import { toRgba } from './to-rgba.js';

function band(data: SampleArray, nodata: number | null = null): Raster {
  return { geobox: { crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0], width: data.length, height: 1 }, data, nodata };
}

function pixelsOf(rgba: Uint8Array): number[][] {
  const pixels: number[][] = [];
  for (let i = 0; i < rgba.length; i += 4) pixels.push(Array.from(rgba.subarray(i, i + 4)));
  return pixels;
}

describe('toRgba', () => {
  it('draws integer bands with odc-stats\u2019 default clamp (1, 3000) in float64, as odc-algo under numpy 2', () => {
    // Low end, middle, high end, above, nodata (0 clips to 1).
    const red = band(new Uint16Array([1, 1500, 3000, 4000, 0]), 0);
    const green = band(new Uint16Array([3000, 1, 1500, 0, 4000]), 0);
    const blue = band(new Uint16Array([0, 0, 0, 0, 0]), 0);
    // 1499 · 255 / 2999 = 127.46 → 127. At the top, 2999 · fl(255 / 2999) = 254.99999999999997 → 254.
    expect(pixelsOf(toRgba([red, green, blue], [1, 3000]))).toEqual([
      [0, 254, 0, 255],
      [127, 0, 0, 255],
      [254, 127, 0, 255],
      [254, 0, 0, 255],
      [0, 254, 0, 0],
    ]);
  });

  it('draws float32 bands in float32, NaN as 0 and transparent', () => {
    const red = band(new Float32Array([1, 1500.5, 3000, 5000, Number.NaN]));
    // 1499.5 · 255 / 2999 = 127.50 minus a hair (127.4958) → 127; in float32 the top is exactly 255.
    expect(pixelsOf(toRgba([red, red, red], [1, 3000]))).toEqual([
      [0, 0, 0, 255],
      [127, 127, 127, 255],
      [255, 255, 255, 255],
      [255, 255, 255, 255],
      [0, 0, 0, 0],
    ]);
  });

  it('clears alpha by the red band only, and takes the clamp given', () => {
    const red = band(new Int16Array([-5, 50, 100, -999]), -999);
    const green = band(new Float32Array([Number.NaN, 25, 200, 10]));
    const blue = band(new Int16Array([-999, 75, 0, 10]), -999);
    // Clamp (0, 100): 50 · 2.55 = 127.5 → 127; 25 · 2.55 = 63.75 → 63; 75 · 2.55 = 191.25 → 191;
    // 10 · 2.55 = 25.5 → 25; 100 · fl(2.55) = 254.99999999999997 → 254 (float64), 255 in float32.
    expect(pixelsOf(toRgba([red, green, blue], [0, 100]))).toEqual([
      [0, 0, 0, 255],
      [127, 63, 191, 255],
      [254, 255, 0, 255],
      [0, 25, 25, 0],
    ]);
  });
});
