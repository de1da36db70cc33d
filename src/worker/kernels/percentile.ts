/**
 * Percentiles of each pixel's valid observations over time, by odc-algo's rule
 * (`np_percentile` in odc/algo/_percentile.py, which `xr_quantile_bands` applies per band for
 * odc-stats' fc-percentiles and tcw-percentiles):
 *
 * - the pixel's n valid observations are sorted ascending, and quantile q picks the element at
 *   0-based index `round(q × (n − 1))`, `round` being numpy's round half to even: an element of
 *   the data, never an interpolation (numpy's `method='nearest'` rule, ties to even). With
 *   n = 4 the median is index round(1.5) = 2, the upper middle; with n = 2 it is round(0.5) = 0,
 *   the lower one; with n = 6, q = 0.1 and 0.9 pick indices round(0.5) = 0 and round(4.5) = 4;
 * - a pixel with fewer than `minValid` valid observations gets `nodata` (odc-algo: 3, so one or
 *   two clear observations give no percentile).
 *
 * odc-algo finds the valid values by sorting the whole series with nodata in it and assumes
 * that nodata sorts above or below every valid value; where a valid value lies beyond a nodata
 * in the middle of the range (a tasselled-cap index below −9999), its index is off. Here the
 * valid values are gathered first, so the rule above holds for any nodata.
 *
 * Each pixel's values are gathered into one scratch buffer and the wanted ranks are found by
 * quickselect, in increasing order so that each search starts where the last one ended.
 */
import type { SampleArray } from '../raster.js';

/** Which samples of a series count. */
export interface Validity {
  /** A sample equal to this is missing (NaN is always missing). */
  nodata?: number | null;
  /** Per date (as the series), 1 where the observation may be used; left out: every one may. */
  masks?: readonly Uint8Array[];
}

export interface PercentileOptions {
  /** Written where a pixel has fewer than `minValid` valid observations. */
  nodata: number;
  /** Fewest valid observations a pixel needs (odc-algo: ODC_ALGO_MIN_VALID). */
  minValid: number;
}

/** odc-algo's np_percentile keeps a percentile only where a pixel has at least this many valid observations. */
export const ODC_ALGO_MIN_VALID = 3;

/** The 0-based rank odc-algo picks for quantile q of n sorted values: round(q(n − 1)), halves to even. */
function odcAlgoRank(q: number, n: number): number {
  const x = q * (n - 1);
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * odc-algo's name of a quantile's band, `{band}_pc_{int(100 q)}`: 100 q truncated, as Python's
 * int() does (so 0.1 → `_pc_10`, 0.9 → `_pc_90`).
 */
export function percentileBandName(band: string, q: number): string {
  return `${band}_pc_${Math.trunc(100 * q)}`;
}

/**
 * For each pixel, the quantiles `quantiles` (fractions in [0, 1]) of its valid observations in
 * `series` (one array per date, all of one length), written to `out` (one array per quantile,
 * of the caller's type: values are stored as the typed array stores them).
 */
export function percentilesOverTime(
  series: readonly SampleArray[],
  valid: Validity,
  quantiles: readonly number[],
  out: readonly SampleArray[],
  options: PercentileOptions,
): void {
  const times = series.length;
  const pixels = out[0]?.length ?? 0;
  checkArguments(series, valid, quantiles, out, options, pixels);
  const nodata = valid.nodata ?? Number.NaN;
  const masks = valid.masks;
  // Ranks are searched in increasing order; `order` maps each search back to its output.
  const order = quantiles.map((_, k) => k).sort((a, b) => quantiles[a]! - quantiles[b]!);
  const scratch = new Float64Array(times);
  for (let p = 0; p < pixels; p++) {
    let n = 0;
    for (let t = 0; t < times; t++) {
      const v = series[t]![p]!;
      if (v !== v || v === nodata || (masks !== undefined && masks[t]![p] === 0)) continue;
      scratch[n++] = v;
    }
    if (n < options.minValid || n === 0) {
      for (let k = 0; k < out.length; k++) out[k]![p] = options.nodata;
      continue;
    }
    let from = 0;
    for (const k of order) {
      const rank = odcAlgoRank(quantiles[k]!, n);
      selectRank(scratch, from, n - 1, rank);
      out[k]![p] = scratch[rank]!;
      from = rank;
    }
  }
}

function checkArguments(
  series: readonly SampleArray[],
  valid: Validity,
  quantiles: readonly number[],
  out: readonly SampleArray[],
  options: PercentileOptions,
  pixels: number,
): void {
  if (out.length !== quantiles.length) throw new RangeError(`${quantiles.length} quantiles need as many output arrays, not ${out.length}`);
  for (const q of quantiles) if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside [0, 1]`);
  if (out.some((o) => o.length !== pixels)) throw new RangeError('the output arrays differ in length');
  if (series.some((s) => s.length !== pixels)) throw new RangeError(`every date's array must have ${pixels} samples, as the outputs`);
  if (valid.masks !== undefined) {
    if (valid.masks.length !== series.length) throw new RangeError(`${series.length} dates need as many masks, not ${valid.masks.length}`);
    if (valid.masks.some((m) => m.length !== pixels)) throw new RangeError(`every mask must have ${pixels} entries`);
  }
  if (!(Number.isInteger(options.minValid) && options.minValid >= 0)) throw new RangeError(`minValid must be a whole number ≥ 0, not ${options.minValid}`);
}

/**
 * Rearranges a[lo..hi] so that a[rank] holds the value of that rank in sorted order, with no
 * larger value before it and no smaller one after (Hoare quickselect, median-of-three pivots,
 * insertion sort for short ranges; runs of equal values split evenly).
 */
function selectRank(a: Float64Array, lo: number, hi: number, rank: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < a[lo]!) swap(a, lo, mid);
    if (a[hi]! < a[lo]!) swap(a, lo, hi);
    if (a[hi]! < a[mid]!) swap(a, mid, hi);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // a[lo..j] ≤ pivot ≤ a[i..hi], and anything between j and i equals the pivot.
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else return;
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
