import { describe, expect, it } from 'vitest';
import type { Raster, SampleArray } from '../raster.js';
import { downsample, percentile, rampColour, renderRamp, renderRgb } from './render.js';

function band<T extends SampleArray>(data: T, width: number, height: number, nodata: number | null = null): Raster<T> {
  return { geobox: { crs: 'EPSG:3577', affine: [25, 0, 1000, 0, -25, 2000], width, height }, data, nodata };
}

function pixelsOf(rgba: Uint8Array): number[][] {
  const pixels: number[][] = [];
  for (let i = 0; i < rgba.length; i += 4) pixels.push(Array.from(rgba.subarray(i, i + 4)));
  return pixels;
}

describe('renderRgb', () => {
  it('stretches each band linearly over a fixed range, clamping outside it', () => {
    const red = band(new Float32Array([0, 150, 25]), 3, 1);
    const green = band(new Float32Array([50, -5, 100]), 3, 1);
    const blue = band(new Float32Array([100, 0, 75]), 3, 1);
    // 50/100·255 = 127.5 → 128; 25 → 63.75 → 64; 75 → 191.25 → 191
    expect(pixelsOf(renderRgb([red, green, blue], { min: 0, max: 100 }))).toEqual([
      [0, 128, 255, 255],
      [255, 0, 0, 255],
      [64, 255, 191, 255],
    ]);
  });

  it('is transparent where any band is NaN or nodata', () => {
    const red = band(new Int16Array([10, -1, 10]), 3, 1, -1);
    const green = band(new Float32Array([10, 10, Number.NaN]), 3, 1);
    const blue = band(new Uint8Array([10, 10, 10]), 3, 1, 0);
    expect(pixelsOf(renderRgb([red, green, blue], { min: 0, max: 20 }))).toEqual([
      [128, 128, 128, 255],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it("'auto' stretches each band over its own 2nd–98th percentile of valid samples", () => {
    // Values 0..100 (101 samples) plus one nodata: 2nd percentile 2, 98th 98.
    const values = Array.from({ length: 101 }, (_, i) => i);
    const red = band(new Uint8Array([...values, 255]), 102, 1, 255);
    // Same ranks scaled by 10: range 20..980.
    const green = band(new Float64Array([...values.map((v) => v * 10), Number.NaN]), 102, 1);
    const blue = band(new Uint8Array([...values, 7]), 102, 1);
    const pixels = pixelsOf(renderRgb([red, green, blue], 'auto'));
    // Sample 50: (50-2)/96·255 = 127.5 → 128 for red and green.
    expect(pixels[50]!.slice(0, 2)).toEqual([128, 128]);
    expect(pixels[1]!.slice(0, 2)).toEqual([0, 0]);
    expect(pixels[99]!.slice(0, 2)).toEqual([255, 255]);
    expect(pixels[101]).toEqual([0, 0, 0, 0]);
  });

  it('refuses bands of different sizes', () => {
    const small = band(new Uint8Array(4), 2, 2);
    const wide = band(new Uint8Array(6), 3, 2);
    expect(() => renderRgb([small, wide, small], 'auto')).toThrow(/differ in size/);
  });
});

describe('percentile', () => {
  it('interpolates between ranks like numpy and skips missing samples', () => {
    const values = band(new Float32Array([4, 1, Number.NaN, 3, 2, -9]), 6, 1, -9);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 50)).toBe(2.5);
    expect(percentile(values, 100)).toBe(4);
    expect(percentile(values, 25)).toBeCloseTo(1.75);
    expect(percentile(band(new Float32Array([Number.NaN]), 1, 1), 50)).toBeNull();
  });
});

describe('renderRamp', () => {
  it('greys: black at min, white at max, grey halfway', () => {
    const values = band(new Float32Array([0, 10, 5, 20, -3]), 5, 1);
    expect(pixelsOf(renderRamp(values, { min: 0, max: 10 }, 'greys'))).toEqual([
      [0, 0, 0, 255],
      [255, 255, 255, 255],
      [128, 128, 128, 255],
      [255, 255, 255, 255],
      [0, 0, 0, 255],
    ]);
  });

  it('viridis and magma hit their stops and interpolate between them', () => {
    const values = band(new Float32Array([0, 1, 0.5, 1 / 16, Number.NaN]), 5, 1);
    expect(pixelsOf(renderRamp(values, { min: 0, max: 1 }, 'viridis'))).toEqual([
      [0x44, 0x01, 0x54, 255],
      [0xfd, 0xe7, 0x25, 255],
      [0x21, 0x91, 0x8c, 255],
      // halfway between #440154 and #472d7b: (68+71)/2 = 69.5 → 70, (1+45)/2 = 23, (84+123)/2 = 103.5 → 104
      [70, 23, 104, 255],
      [0, 0, 0, 0],
    ]);
    expect(rampColour('magma', 0)).toEqual([0, 0, 4]);
    expect(rampColour('magma', 1)).toEqual([0xfc, 0xfd, 0xbf]);
  });

  it("'auto' uses the 2nd–98th percentile and skips nodata", () => {
    const values = Array.from({ length: 101 }, (_, i) => i);
    const pixels = pixelsOf(renderRamp(band(new Int32Array([...values, -1]), 102, 1, -1), 'auto', 'greys'));
    expect(pixels[50]).toEqual([128, 128, 128, 255]);
    expect(pixels[101]).toEqual([0, 0, 0, 0]);
  });
});

describe('downsample', () => {
  it('averages 2 × 2 blocks ignoring nodata and scales the geobox', () => {
    // 1 3 | 5 7
    // 1 3 | 5 7     → 2 6
    // 9 0 | 0 0       9 0   (nodata 0: 9 alone; all nodata stays nodata)
    // 0 0 | 0 0
    const source = band(new Uint16Array([1, 3, 5, 7, 1, 3, 5, 7, 9, 0, 0, 0, 0, 0, 0, 0]), 4, 4, 0);
    const small = downsample(source, 2);
    expect(Array.from(small.data)).toEqual([2, 6, 9, 0]);
    expect(small.geobox).toEqual({ crs: 'EPSG:3577', affine: [50, 0, 1000, 0, -50, 2000], width: 2, height: 2 });
    expect(small.nodata).toBe(0);
  });

  it('keeps the aspect ratio with the long side at maxSize; nearest keeps values', () => {
    const source = band(new Uint8Array([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]), 6, 2);
    const small = downsample(source, 3, 'nearest');
    expect([small.geobox.width, small.geobox.height]).toEqual([3, 1]);
    expect(Array.from(small.data)).toEqual([1, 2, 3]);
    expect(small.geobox.affine).toEqual([50, 0, 1000, 0, -50, 2000]);
  });

  it('returns a band that already fits unchanged', () => {
    const source = band(new Uint8Array(6), 3, 2);
    expect(downsample(source, 256)).toBe(source);
  });
});
