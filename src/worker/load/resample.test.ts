import { describe, expect, it } from 'vitest';
import { ControlGrid } from './reproject.js';
import { resample, type Resampling } from './resample.js';

const SIDE = 8;
const NODATA = -1;

/**
 * The value resampled at source position (u, v) (in source pixels, pixel (i, j) centred at
 * (i + 0.5, j + 0.5)) from an 8 × 8 level read whole, sample (i, j) = value(i, j).
 */
function sampleAt(method: Resampling, u: number, v: number, value: (i: number, j: number) => number): number {
  const data = new Float32Array(SIDE * SIDE);
  for (let j = 0; j < SIDE; j++) for (let i = 0; i < SIDE; i++) data[j * SIDE + i] = value(i, j);
  // One destination pixel whose centre lands on (u, v): world and source pixels coincide.
  const grid = ControlGrid.forDestination({ crs: 'EPSG:32755', affine: [1, 0, u - 0.5, 0, 1, v - 0.5], width: 1, height: 1 }, 'EPSG:32755');
  const source = { data, col0: 0, row0: 0, width: SIDE, height: SIDE, levelWidth: SIDE, levelHeight: SIDE, nodata: NODATA };
  let out = Number.NaN;
  resample(method, grid, source, (_, values) => (out = values[0]!));
  return out;
}

/** 0 left of column 4, 100 from it on. */
const step = (i: number) => (i >= 4 ? 100 : 0);

describe('cubic resampling', () => {
  it('weighs the four columns around the point by Keys’ kernel (a = −0.5)', () => {
    // u − 0.5 = 3.25: t = 0.25 past column 3; weights of columns 2..5 are −0.0703125,
    // 0.8671875, 0.2265625, −0.0234375, so 100 × (0.2265625 − 0.0234375) = 20.3125.
    expect(sampleAt('cubic', 3.75, 4, step)).toBeCloseTo(20.3125, 10);
    // Bilinear gives the straight quarter.
    expect(sampleAt('bilinear', 3.75, 4, step)).toBeCloseTo(25, 10);
  });

  it('reproduces a quadratic across and a line down exactly', () => {
    // At centre coordinates (3.25, 2.5): 3.25² + 2.5.
    expect(sampleAt('cubic', 3.75, 3, (i, j) => i * i + j)).toBeCloseTo(13.0625, 10);
  });

  it('takes the bilinear value where one of the sixteen pixels is nodata', () => {
    // Column 2 is one of the sixteen; the four bilinear neighbours (columns 3, 4) are valid.
    const withHole = (i: number, j: number) => (i === 2 && j === 3 ? NODATA : step(i));
    expect(sampleAt('cubic', 3.75, 4, withHole)).toBeCloseTo(25, 10);
    // A nodata containing pixel gives nodata, as bilinear does.
    expect(sampleAt('cubic', 3.75, 4, (i, j) => (i === 3 && j === 4 ? NODATA : step(i)))).toBeNaN();
  });

  it('takes the bilinear value where the sixteen pixels reach past the image edge', () => {
    // t = 0.75 past column 0: column −1 would be needed, so 0.25 × 0 + 0.75 × 100.
    expect(sampleAt('cubic', 1.25, 4, (i) => (i >= 1 ? 100 : 0))).toBeCloseTo(75, 10);
    // The last column: t = 0.5 past column 6, column 8 lies beyond the edge.
    expect(sampleAt('cubic', 7, 4, (i) => (i === 7 ? 100 : 0))).toBeCloseTo(50, 10);
  });
});
