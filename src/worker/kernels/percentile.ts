/** Per-pixel percentiles over time. */

/**
 * Percentiles per pixel of a `[time][pixel]` stack (sample (t, p) at `t * pixels + p`), NaN
 * samples left out. `qs` are fractions in [0, 1] (0.5 is the median), as in `np.quantile` and
 * odc-algo's `xr_quantile`; the result has one Float32Array of `pixels` per q, NaN where a pixel
 * has no sample.
 *
 * Interpolation is numpy's default ('linear'): with the n valid samples sorted as v[0..n−1] and
 * h = q·(n − 1), the value is v[⌊h⌋] + (h − ⌊h⌋)·(v[⌊h⌋ + 1] − v[⌊h⌋]), in float64, written
 * as numpy writes it (from the upper neighbour when h − ⌊h⌋ ≥ 0.5, which keeps it monotonic in
 * q and exact at both ends). odc-algo's own `np_percentile` instead takes the nearest rank and
 * needs ≥ 3 samples.
 */
export function percentiles(stack: Float32Array, times: number, pixels: number, qs: number[]): Float32Array[] {
  if (!Number.isSafeInteger(times) || times < 0 || !Number.isSafeInteger(pixels) || pixels < 0) {
    throw new RangeError(`times (${times}) and pixels (${pixels}) must be integers ≥ 0`);
  }
  if (stack.length !== times * pixels) {
    throw new RangeError(`stack has ${stack.length} samples; ${times} times × ${pixels} pixels needs ${times * pixels}`);
  }
  for (const q of qs) {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile ${q} is not a fraction in [0, 1] (0.5 is the median)`);
  }
  const results = qs.map(() => new Float32Array(pixels));
  const values = new Float32Array(times);
  for (let p = 0; p < pixels; p++) {
    let count = 0;
    for (let t = 0, at = p; t < times; t++, at += pixels) {
      const value = stack[at];
      if (value === value) values[count++] = value;
    }
    const sorted = values.subarray(0, count).sort();
    qs.forEach((q, i) => {
      results[i][p] = count === 0 ? NaN : interpolate(sorted, q);
    });
  }
  return results;
}

function interpolate(sorted: Float32Array, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const fraction = position - below;
  const lower = sorted[below];
  if (fraction === 0) return lower;
  const upper = sorted[below + 1];
  const difference = upper - lower;
  return fraction >= 0.5 ? upper - difference * (1 - fraction) : lower + difference * fraction;
}
