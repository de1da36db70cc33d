import { describe, expect, it } from 'vitest';
import { uniformSource } from '../../shared/test-support/uniform-source.js';
import type { SampleArray } from '../raster.js';
import { ODC_ALGO_MIN_VALID, percentileBandName, percentilesOverTime } from './percentile.js';

const Q = [0.1, 0.5, 0.9];

/** One Float64Array per date from per-pixel value lists (all of one length). */
function seriesOf(pixels: readonly (readonly number[])[]): Float64Array[] {
  const times = pixels[0]!.length;
  return Array.from({ length: times }, (_, t) => Float64Array.from(pixels, (values) => values[t]!));
}

/** out[k][p] as per-pixel rows: rows[p][k]. */
function rows(out: readonly SampleArray[]): number[][] {
  return Array.from({ length: out[0]!.length }, (_, p) => out.map((o) => o[p]!));
}

function run(pixels: readonly (readonly number[])[], nodata: number, minValid: number, quantiles = Q): number[][] {
  const out = quantiles.map(() => new Float64Array(pixels.length));
  percentilesOverTime(seriesOf(pixels), { nodata }, quantiles, out, { nodata: -1, minValid });
  return rows(out);
}

describe('percentilesOverTime', () => {
  it('picks the element at round(q(n − 1)), halves to even, from the sorted valid values', () => {
    const X = 255;
    expect(
      run(
        [
          // n = 5, sorted 10 20 30 40 50: ranks 0.4→0, 2, 3.6→4.
          [50, 10, 40, 20, 30, X],
          // n = 4, sorted 1 3 7 9: ranks 0.3→0, 1.5→2 (upper middle), 2.7→3.
          [7, X, 3, 9, 1, X],
          // n = 6, sorted 10…60: ranks 0.5→0, 2.5→2, 4.5→4 (each half to even).
          [60, 10, 50, 20, 40, 30],
          // n = 5 with ties, sorted 2 5 5 5 9: ranks 0, 2, 4.
          [5, 5, X, 5, 2, 9],
          // n = 3, sorted 1 4 4: ranks 0.2→0, 1, 1.8→2.
          [4, X, 4, X, 1, X],
        ],
        X,
        ODC_ALGO_MIN_VALID,
      ),
    ).toEqual([
      [10, 30, 50],
      [1, 7, 9],
      [10, 30, 50],
      [2, 5, 9],
      [1, 4, 4],
    ]);
  });

  it('gives nodata below minValid valid observations (odc-algo: 3) and to an all-masked pixel', () => {
    const X = 255;
    const pixels = [
      [X, X, X, X],
      [X, 42, X, X],
      [8, X, 2, X],
    ];
    expect(run(pixels, X, ODC_ALGO_MIN_VALID)).toEqual([
      [-1, -1, -1],
      [-1, -1, -1],
      [-1, -1, -1],
    ]);
    // With one valid value every quantile is that value; with two (sorted 2 8): ranks 0.1→0, 0.5→0, 0.9→1.
    expect(run(pixels, X, 1)).toEqual([
      [-1, -1, -1],
      [42, 42, 42],
      [2, 2, 8],
    ]);
  });

  it('leaves out masked dates and NaN, and answers quantiles in the order asked', () => {
    const series = [Float32Array.of(4, 1), Float32Array.of(NaN, 2), Float32Array.of(100, 3), Float32Array.of(2, 4), Float32Array.of(6, 5)];
    const masks = [Uint8Array.of(1, 1), Uint8Array.of(1, 1), Uint8Array.of(0, 1), Uint8Array.of(0, 0), Uint8Array.of(1, 1)];
    const out = [new Uint8Array(2), new Uint8Array(2)];
    percentilesOverTime(series, { masks }, [0.9, 0.1], out, { nodata: 255, minValid: 3 });
    // Pixel 0: 4, 6 (NaN, and the masked 100 and 2, left out) → too few.
    // Pixel 1: 1 2 3 5 (date 3 masked): 0.9 → rank 2.7→3 → 5; 0.1 → rank 0.3→0 → 1.
    expect(rows(out)).toEqual([
      [255, 255],
      [5, 1],
    ]);
  });

  it('takes every valid value, even one below a nodata in the middle of the range', () => {
    const series = [Int16Array.of(-12000), Int16Array.of(500), Int16Array.of(-999), Int16Array.of(300), Int16Array.of(-5000)];
    const out = Q.map(() => new Int16Array(1));
    percentilesOverTime(series, { nodata: -999 }, Q, out, { nodata: -9999, minValid: 3 });
    // Valid, sorted: −12000 −5000 300 500: ranks 0.3→0, 1.5→2, 2.7→3.
    expect(rows(out)).toEqual([[-12000, 300, 500]]);
  });

  it('finds ranks in long series with duplicates (the quickselect path)', () => {
    // 41 dates: (17t mod 41) is a permutation of 0…40, halved: sorted index i holds ⌊i/2⌋.
    const values = Array.from({ length: 41 }, (_, t) => Math.floor(((17 * t) % 41) / 2));
    const reversed = [...values].reverse();
    // Ranks 0.1·40 = 4, 0.5·40 = 20, 0.9·40 = 36 → ⌊4/2⌋ = 2, 10, 18.
    expect(run([values, reversed], -1, ODC_ALGO_MIN_VALID)).toEqual([
      [2, 10, 18],
      [2, 10, 18],
    ]);
    const ranksOfAll = Array.from({ length: 41 }, (_, i) => i / 40);
    expect(run([values], -1, 1, ranksOfAll)).toEqual([Array.from({ length: 41 }, (_, i) => Math.floor(i / 2))]);
  });

  it('agrees with sorting every pixel on random series with many ties', () => {
    const uniform = uniformSource(12);
    const times = 70;
    const pixels = Array.from({ length: 300 }, () => Array.from({ length: times }, () => (uniform() < 0.3 ? 255 : Math.floor(uniform() * 20))));
    const quantiles = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1];
    const expected = pixels.map((values) => {
      const sorted = values.filter((v) => v !== 255).sort((a, b) => a - b);
      // A half goes to the even neighbour (numpy's round); Math.round would take the upper one.
      return quantiles.map((q) => {
        const x = q * (sorted.length - 1);
        const rank = x - Math.floor(x) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x);
        return sorted.length < 3 ? -1 : sorted[rank]!;
      });
    });
    expect(run(pixels, 255, 3, quantiles)).toEqual(expected);
  });

  it('refuses mismatched shapes and quantiles outside [0, 1]', () => {
    const series = [new Uint8Array(2)];
    expect(() => percentilesOverTime(series, {}, [0.5], [new Uint8Array(3)], { nodata: 0, minValid: 1 })).toThrow(/samples/);
    expect(() => percentilesOverTime(series, {}, [50], [new Uint8Array(2)], { nodata: 0, minValid: 1 })).toThrow(/outside/);
    expect(() => percentilesOverTime(series, {}, [0.1, 0.9], [new Uint8Array(2)], { nodata: 0, minValid: 1 })).toThrow(/output arrays/);
  });
});

describe('percentileBandName', () => {
  it('truncates 100 q as Python int() does', () => {
    expect([0.1, 0.5, 0.9, 0.29].map((q) => percentileBandName('pv', q))).toEqual(['pv_pc_10', 'pv_pc_50', 'pv_pc_90', 'pv_pc_28']);
  });
});
