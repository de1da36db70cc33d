import { describe, expect, it } from 'vitest';
import type { GeoBox } from '../../shared/geobox.js';
import type { Raster } from '../../worker/raster.js';
import { histogramOf } from './band-histogram.js';

const grid = (width: number): GeoBox => ({ crs: 'EPSG:3857', affine: [1, 0, 0, 0, -1, 0], width, height: 1 });
const raster = (data: Raster['data'], nodata: number | null): Raster => ({ geobox: grid(data.length), data, nodata });

describe('histogramOf', () => {
  it('leaves nodata out and closes the last bin on the highest value', () => {
    // Valid: 1, 2, 2, 3, 4, 4 over bins [1, 2), [2, 3), [3, 4].
    const h = histogramOf(raster(Uint16Array.of(0, 1, 2, 2, 0, 3, 4, 4), 0), 3);
    expect(h).toEqual({ counts: [1, 2, 3], from: 1, to: 4, min: 1, max: 4, p2: 1.1, p98: 4 });
  });

  it('interpolates percentiles between ranks', () => {
    // 0 … 100: rank 2 is the value 2, rank 98 the value 98; 0 … 10: ranks 0.2 and 9.8.
    const hundred = Float64Array.from({ length: 101 }, (_, i) => i);
    expect(histogramOf(raster(hundred, null), 1)).toMatchObject({ counts: [101], p2: 2, p98: 98 });
    const ten = Float64Array.from({ length: 11 }, (_, i) => i * 10);
    const h = histogramOf(raster(ten, null), 2)!;
    expect(h.p2).toBeCloseTo(2, 9);
    expect(h.p98).toBeCloseTo(98, 9);
    expect(h.counts).toEqual([5, 6]);
  });

  it('leaves out NaN and a float32 nodata as the band stores it', () => {
    const h = histogramOf(raster(Float32Array.of(Number.NaN, -9999.9, 0.5, 0.25), -9999.9), 4);
    expect(h).toMatchObject({ counts: [1, 0, 0, 1], min: 0.25, max: 0.5 });
  });

  it('gives whole numbers of fewer values than bins a bin each', () => {
    // 0, 1, 2, 3 in four bins of width 1 centred on them.
    expect(histogramOf(raster(Uint8Array.of(3, 1, 0, 1), null), 8)).toMatchObject({ counts: [1, 2, 0, 1], from: -0.5, to: 3.5 });
    // 0.5 is no whole number: eight bins of 0.3125 over 0.5 … 3, 1 in the second ((1 − 0.5) / 0.3125 = 1.6).
    expect(histogramOf(raster(Float32Array.of(3, 1, 0.5, 1), null), 8)).toMatchObject({ counts: [1, 2, 0, 0, 0, 0, 0, 1], from: 0.5, to: 3 });
  });

  it('puts a band of one value in one bin, and has nothing for a band of nodata', () => {
    expect(histogramOf(raster(Int16Array.of(7, 7, 7), null), 2)).toEqual({ counts: [3], from: 6.5, to: 7.5, min: 7, max: 7, p2: 7, p98: 7 });
    expect(histogramOf(raster(Float32Array.of(0.5, 0.5), null), 2)).toMatchObject({ counts: [2, 0], from: 0.5, to: 0.5 });
    expect(histogramOf(raster(Int16Array.of(-1, -1), -1), 2)).toBeNull();
  });
});
