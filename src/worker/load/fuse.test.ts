import { describe, expect, it } from 'vitest';
import type { GeoBox } from '../../shared/geobox.js';
import { fuseSameDay } from './fuse.js';

const geobox: GeoBox = { crs: 'EPSG:32737', affine: [10, 0, 0, 0, -10, 0], width: 3, height: 2 };

describe('fuseSameDay', () => {
  it('takes each pixel from the first raster in which it is valid', () => {
    const fused = fuseSameDay([
      { geobox, data: new Uint16Array([0, 5, 0, 0, 0, 0]), nodata: 0 },
      { geobox, data: new Uint16Array([1, 6, 0, 7, 0, 0]), nodata: 0 },
      { geobox, data: new Uint16Array([2, 8, 3, 9, 0, 0]), nodata: 0 },
    ]);
    expect(Array.from(fused.data)).toEqual([1, 5, 3, 7, 0, 0]);
    expect(fused.nodata).toBe(0);
    expect(fused.geobox).toBe(geobox);
  });

  it('treats NaN as missing in float rasters, whatever their nodata', () => {
    const fused = fuseSameDay([
      { geobox, data: new Float32Array([NaN, -999, 1, NaN, NaN, 2]), nodata: -999 },
      { geobox, data: new Float32Array([3, 4, 5, NaN, -999, 6]), nodata: NaN },
      { geobox, data: new Float32Array([7, 8, 9, 10, 11, 12]), nodata: null },
    ]);
    expect(Array.from(fused.data)).toEqual([3, 4, 1, 10, -999, 2]);
  });

  it('leaves its inputs unchanged and refuses mismatched rasters', () => {
    const first = { geobox, data: new Uint8Array([0, 1, 0, 1, 0, 1]), nodata: 0 };
    fuseSameDay([first, { geobox, data: new Uint8Array([2, 2, 2, 2, 2, 2]), nodata: 0 }]);
    expect(Array.from(first.data)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(() => fuseSameDay([])).toThrow('at least one raster');
    expect(() => fuseSameDay([first, { geobox, data: new Uint16Array(6), nodata: 0 }])).toThrow('one size and sample type');
  });
});
