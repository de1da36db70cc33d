import { describe, expect, it } from 'vitest';
import { defaultOverviewFactors, overviewSizes, resampleOverview, resampleWithAlpha } from './overviews.js';

describe('overview factors and sizes', () => {
  it('halves until the overview fits in one tile, as GDAL COG does', () => {
    expect(defaultOverviewFactors(300, 200, 128)).toEqual([2, 4]);
    expect(defaultOverviewFactors(1000, 700, 256)).toEqual([2, 4]);
    expect(defaultOverviewFactors(3200, 3200, 512)).toEqual([2, 4, 8]);
    expect(defaultOverviewFactors(512, 512, 512)).toEqual([]);
  });

  it('rounds sizes up and skips factors that no longer shrink the image', () => {
    expect(overviewSizes(1000, 700, [2, 4, 8, 16])).toEqual([
      { factor: 2, width: 500, height: 350 },
      { factor: 4, width: 250, height: 175 },
      { factor: 8, width: 125, height: 88 },
      { factor: 16, width: 63, height: 44 },
    ]);
    expect(overviewSizes(3, 3, [2, 4, 8]).map(({ width, height }) => [width, height])).toEqual([
      [2, 2],
      [1, 1],
    ]);
    expect(() => overviewSizes(10, 10, [3, 0])).toThrow(/overview level 0/);
  });
});

describe('resampleOverview with a non-integer ratio', () => {
  // 3 pixels → 2: overview pixel 0 covers source [0, 1.5), pixel 1 covers [1.5, 3).
  const base = { width: 3, height: 1, data: new Float32Array([0, 3, 6]) };

  it('average weights each source pixel by the length it overlaps', () => {
    // (0·1 + 3·0.5) / 1.5 = 1;  (3·0.5 + 6·1) / 1.5 = 5
    expect(Array.from(resampleOverview(base, 2, 1, 'average', null))).toEqual([1, 5]);
  });

  it('nearest takes round(i · ratio), as GDAL does', () => {
    // i = 0 → 0; i = 1 → round(1.5) = 2
    expect(Array.from(resampleOverview(base, 2, 1, 'nearest', null))).toEqual([0, 6]);
  });

  it('mode counts every source pixel the window touches', () => {
    const classes = { width: 3, height: 1, data: new Uint16Array([4, 9, 9]) };
    expect(Array.from(resampleOverview(classes, 2, 1, 'mode', null))).toEqual([4, 9]);
  });

  it('float32 nodata is matched as the array stores it', () => {
    const withNodata = { width: 2, height: 1, data: new Float32Array([0.1, 8]) };
    expect(Array.from(resampleOverview(withNodata, 1, 1, 'average', 0.1))).toEqual([8]);
  });
});

describe('resampleWithAlpha (RGBA, alpha last)', () => {
  // 2 × 2 → 1 × 1: three opaque-ish pixels and one transparent one whose colour must not count.
  const rgba = (pixels: number[][]): Uint8Array => Uint8Array.from(pixels.flat());
  const grid = (width: number, height: number, data: Uint8Array) => ({ width, height, samplesPerPixel: 4, data });

  it('average skips transparent pixels for colours and alpha alike', () => {
    const data = rgba([
      [10, 20, 30, 255],
      [250, 250, 250, 0],
      [20, 40, 61, 100],
      [30, 60, 90, 200],
    ]);
    // colours (10+20+30)/3 = 20, (20+40+60)/3 = 40, (30+61+90)/3 = 60.33 → 60; alpha (255+100+200)/3 = 185
    expect(Array.from(resampleWithAlpha(grid(2, 2, data), 1, 1, 'average'))).toEqual([20, 40, 60, 185]);
  });

  it('average gives transparent black where every pixel is transparent', () => {
    const data = rgba([
      [10, 20, 30, 0],
      [250, 250, 250, 0],
      [1, 2, 3, 0],
      [9, 9, 9, 0],
    ]);
    expect(Array.from(resampleWithAlpha(grid(2, 2, data), 1, 1, 'average'))).toEqual([0, 0, 0, 0]);
  });

  it('average with binary alpha keeps alpha 255 wherever any pixel is opaque', () => {
    const data = rgba([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [8, 16, 24, 255],
    ]);
    expect(Array.from(resampleWithAlpha(grid(2, 2, data), 1, 1, 'average'))).toEqual([8, 16, 24, 255]);
  });

  it('average weights by overlap with a non-integer ratio (3 → 2)', () => {
    const data = rgba([
      [0, 0, 0, 255],
      [30, 60, 90, 255],
      [60, 120, 180, 255],
    ]);
    // (0·1 + 30·0.5) / 1.5 = 10; (30·0.5 + 60·1) / 1.5 = 50
    expect(Array.from(resampleWithAlpha(grid(3, 1, data), 2, 1, 'average'))).toEqual([10, 20, 30, 255, 50, 100, 150, 255]);
  });

  it('nearest copies whole pixels, alpha included', () => {
    const data = rgba([
      [1, 2, 3, 0],
      [4, 5, 6, 255],
      [7, 8, 9, 255],
    ]);
    expect(Array.from(resampleWithAlpha(grid(3, 1, data), 2, 1, 'nearest'))).toEqual([1, 2, 3, 0, 7, 8, 9, 255]);
  });
});
