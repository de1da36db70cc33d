import { describe, expect, it } from 'vitest';
import { percentiles } from './percentile.js';

/** A `[time][pixel]` stack from per-pixel series. */
function stackOf(series: readonly (readonly number[])[]): { stack: Float32Array; times: number; pixels: number } {
  const pixels = series.length;
  const times = series[0].length;
  const stack = new Float32Array(times * pixels);
  series.forEach((values, p) => values.forEach((value, t) => (stack[t * pixels + p] = value)));
  return { stack, times, pixels };
}

describe('percentiles', () => {
  it('interpolates linearly between order statistics, as numpy does by default', () => {
    // Pixel 0 sorted: 1 2 3 4 (n = 4, h = 3q); pixel 1 sorted: 10 20 30 40 50 (h = 4q).
    const { stack, times, pixels } = stackOf([
      [4, 1, 3, 2, NaN],
      [50, 10, 40, 20, 30],
    ]);
    const [p0, p10, p25, p50, p90, p100] = percentiles(stack, times, pixels, [0, 0.1, 0.25, 0.5, 0.9, 1]);
    expect(Array.from(p0)).toEqual([1, 10]);
    // h = 0.3 → 1 + 0.3·1; h = 0.4 → 10 + 0.4·10.
    expect(p10[0]).toBeCloseTo(1.3, 6);
    expect(p10[1]).toBeCloseTo(14, 5);
    // h = 0.75 → 1.75; h = 1 → 20.
    expect(p25[0]).toBeCloseTo(1.75, 6);
    expect(p25[1]).toBe(20);
    // Median: h = 1.5 → 2.5; h = 2 → 30.
    expect(Array.from(p50)).toEqual([2.5, 30]);
    // h = 2.7 → 3.7; h = 3.6 → 46.
    expect(p90[0]).toBeCloseTo(3.7, 6);
    expect(p90[1]).toBeCloseTo(46, 5);
    expect(Array.from(p100)).toEqual([4, 50]);
  });

  it('gives NaN for a pixel without samples and the sample itself for one sample', () => {
    const { stack, times, pixels } = stackOf([
      [NaN, NaN, NaN],
      [NaN, 0.25, NaN],
    ]);
    const [low, high] = percentiles(stack, times, pixels, [0.1, 0.9]);
    expect(Array.from(low)).toEqual([NaN, 0.25]);
    expect(Array.from(high)).toEqual([NaN, 0.25]);
  });

  it('keeps equal values and negative numbers in order', () => {
    const { stack, times, pixels } = stackOf([[-1, 5, 5, -3, 5]]);
    // Sorted −3 −1 5 5 5: h = 4q.
    const [p20, p25, p40, p50] = percentiles(stack, times, pixels, [0.2, 0.25, 0.4, 0.5]);
    expect(p20[0]).toBeCloseTo(-3 + 0.8 * 2, 6);
    expect(p25[0]).toBe(-1);
    expect(p40[0]).toBeCloseTo(-1 + 0.6 * 6, 5);
    expect(p50[0]).toBe(5);
  });

  it('rejects percentiles outside [0, 1] and a stack that does not match its shape', () => {
    expect(() => percentiles(new Float32Array(4), 2, 2, [50])).toThrow(RangeError);
    expect(() => percentiles(new Float32Array(4), 2, 2, [NaN])).toThrow(RangeError);
    expect(() => percentiles(new Float32Array(5), 2, 2, [0.5])).toThrow(RangeError);
  });
});
