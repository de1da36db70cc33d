/**
 * Land cover module A0 (odc-stats `lc_fc_wo_a0.py`, StatsVegCount, registered `veg_count`):
 * from a year of fractional cover fused with water observations, month by month, the longest
 * run of vegetated months, the longest run of wet months scaled to 12, and the share of months
 * observed wet.
 */
import { z } from 'zod';
import { WO_FLAGS } from '../masking/flags.js';
import { filtersReach, maskCleanup, parseMaskFilters, type MaskFilter } from '../masking/morphology.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, parsePluginConfig, refusedKey } from './plugin-config.js';

const NAME = 'veg_count';
const NODATA = 255;
/** The outputs in odc-stats' order; `measurements` names them (its first names, as odc-stats zips them). */
const OUTPUTS = ['veg_frequency', 'water_frequency', 'wet_percentage'];

/** The flags `cloud_filters` may clean and mask, by odc-stats' key (StatsVegCount.BAD_BITS_MASK). */
const BAD_BITS = { cloud: WO_FLAGS.cloud, cloud_shadow: WO_FLAGS.cloud_shadow };
/** Flags that still leave an observation valid: high slope, terrain shadow, low solar angle. */
const VALID_IGNORED = WO_FLAGS.high_slope | WO_FLAGS.terrain_shadow | WO_FLAGS.low_solar_angle;

const schema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    ue_threshold: z.number().nullable(),
    veg_threshold: z.number().nullable(),
    cloud_filters: z.record(z.string(), z.unknown()).nullable(),
    measurements: z.array(z.string()).min(1).max(OUTPUTS.length).nullable(),
    resampling: z.enum(['nearest', 'bilinear', 'average']),
  })
  .partial();

export function vegCountPlugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(NAME, schema, config);
  checkBasePluginKeys(NAME, c);
  for (const key of Object.keys(c.cloud_filters ?? {})) {
    if (!(key in BAD_BITS)) {
      throw refusedKey(NAME, 'cloud_filters', `has '${key}', which odc-stats would ignore: the water bits it cleans are ${Object.keys(BAD_BITS).join(', ')}`);
    }
  }
  const cloudFilters: Array<{ flag: number; filters: MaskFilter[] }> = [];
  for (const [key, flag] of Object.entries(BAD_BITS)) {
    const steps = c.cloud_filters?.[key];
    if (steps !== undefined && steps !== null) cloudFilters.push({ flag, filters: parseMaskFilters(steps, `plugin_config.cloud_filters.${key}`) });
  }
  const ueThreshold = c.ue_threshold ?? 30;
  const vegThreshold = c.veg_threshold ?? 2;
  const names = c.measurements ?? OUTPUTS;
  const resampling = c.resampling ?? 'bilinear';
  return {
    name: NAME,
    halo: Math.max(0, ...cloudFilters.map((f) => filtersReach(f.filters))),
    inputs: [
      { name: 'water', resampling: 'nearest' },
      { name: 'pv', resampling },
      { name: 'bs', resampling },
      { name: 'npv', resampling },
      { name: 'ue', resampling },
    ],
    measurements: names.map((name) => ({ name, dtype: 'uint8', nodata: NODATA, overviewResampling: 'nearest' })),
    quicklook: { kind: 'ramp', band: names[0]!, ramp: 'viridis' },
    productDefaults: { name: 'ga_ls_lccs_fc_wo_a0', version: '0.0.1' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const { width, height } = chunk.geobox;
      const pixels = width * height;
      const veg = new MonthRuns(pixels);
      const nonVeg = new MonthRuns(pixels);
      const water = new MonthRuns(pixels);
      const wet = new MonthRuns(pixels);
      const byMonth = new Map<number, number[]>();
      chunk.days.forEach((day, t) => {
        const month = Number(day.slice(5, 7));
        byMonth.set(month, [...(byMonth.get(month) ?? []), t]);
      });
      for (const month of [...byMonth.keys()].sort((a, b) => a - b)) {
        const days = byMonth.get(month)!.map((t) => observation(chunk, t, ueThreshold, cloudFilters));
        const pv = monthlyMedian(days.map((d) => d.pv), pixels);
        const bs = monthlyMedian(days.map((d) => d.bs), pixels);
        const npv = monthlyMedian(days.map((d) => d.npv), pixels);
        const wetClear = monthlyMedian(days.map((d) => d.wetClear), pixels);
        const wetValid = monthlyMedian(days.map((d) => d.wetValid), pixels);
        const vegMonth = new Uint8Array(pixels);
        const nonVegMonth = new Uint8Array(pixels);
        const waterMonth = new Uint8Array(pixels);
        const wetMonth = new Uint8Array(pixels);
        for (let p = 0; p < pixels; p++) {
          const isVeg = Number.isNaN(pv[p]!) ? NODATA : pv[p]! > bs[p]! || npv[p]! > bs[p]! ? 1 : 0;
          vegMonth[p] = isVeg;
          nonVegMonth[p] = isVeg === NODATA ? NODATA : 1 - isVeg;
          waterMonth[p] = Number.isNaN(wetClear[p]!) ? NODATA : wetClear[p]! > 0.5 ? 1 : 0;
          wetMonth[p] = Number.isNaN(wetValid[p]!) ? NODATA : wetValid[p]! > 0 ? 1 : 0;
        }
        veg.add(vegMonth);
        nonVeg.add(nonVegMonth);
        water.add(waterMonth);
        wet.add(wetMonth);
      }
      const vegFrequency = veg.longestRun();
      const nonVegFrequency = nonVeg.longestRun();
      // Neither vegetated nor bare long enough (wet months are neither): counted as vegetated.
      for (let p = 0; p < pixels; p++) {
        if (nonVegFrequency[p]! < vegThreshold && vegFrequency[p]! < vegThreshold) vegFrequency[p] = vegThreshold;
      }
      const outputs = [vegFrequency, water.scaled((m) => m.longest, 12), wet.scaled((m) => m.sum, 100)];
      return Object.fromEntries(names.map((name, k) => [name, outputs[k]!]));
    },
  };
}

interface Observation {
  pv: Float32Array;
  bs: Float32Array;
  npv: Float32Array;
  /** 1 clear and wet, 0 clear and dry (`water` 0), NaN neither: what water_frequency counts. */
  wetClear: Float32Array;
  /** 1 clear and wet, 0 valid and dry (flags but bits 2–4 clear), NaN neither: what wet_percentage counts. */
  wetValid: Float32Array;
}

/** One day's cover where valid, dry and `ue` < the threshold (NaN elsewhere), and its wetness. */
function observation(chunk: ObservationChunk, t: number, ueThreshold: number, cloudFilters: ReadonlyArray<{ flag: number; filters: MaskFilter[] }>): Observation {
  const { width, height } = chunk.geobox;
  const water = chunk.bands['water']![t]!;
  const pixels = water.length;
  const valid = new Uint8Array(pixels);
  const clear = new Uint8Array(pixels);
  const wetMask = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const v = water[p]!;
    valid[p] = (v & ~VALID_IGNORED) === 0 ? 1 : 0;
    clear[p] = v === 0 ? 1 : 0;
    wetMask[p] = (v & ~WO_FLAGS.low_solar_angle) === WO_FLAGS.water_observed ? 1 : 0;
  }
  for (const { flag, filters } of cloudFilters) {
    const raw = new Uint8Array(pixels);
    for (let p = 0; p < pixels; p++) raw[p] = water[p]! & flag ? 1 : 0;
    const bad = maskCleanup(raw, width, height, filters);
    for (let p = 0; p < pixels; p++) if (bad[p]) valid[p] = clear[p] = wetMask[p] = 0;
  }
  const ue = chunk.bands['ue']![t]!;
  const wetClear = new Float32Array(pixels);
  const wetValid = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    wetClear[p] = wetMask[p] ? 1 : clear[p] ? 0 : Number.NaN;
    wetValid[p] = wetMask[p] ? 1 : valid[p] ? 0 : Number.NaN;
    if (!(ue[p]! < ueThreshold)) valid[p] = 0;
  }
  const cover = (band: string): Float32Array => {
    const values = chunk.bands[band]![t]!;
    const out = new Float32Array(pixels);
    for (let p = 0; p < pixels; p++) out[p] = valid[p] && values[p] !== NODATA ? values[p]! : Number.NaN;
    return out;
  };
  return { pv: cover('pv'), bs: cover('bs'), npv: cover('npv'), wetClear, wetValid };
}

/** Per pixel, the median of the days' values that are not NaN (the mean of the middle two for an even count); NaN without any. */
function monthlyMedian(days: readonly Float32Array[], pixels: number): Float32Array {
  const out = new Float32Array(pixels);
  const values = new Float64Array(days.length);
  for (let p = 0; p < pixels; p++) {
    let n = 0;
    for (const day of days) {
      const v = day[p]!;
      if (!Number.isNaN(v)) values[n++] = v;
    }
    if (n === 0) {
      out[p] = Number.NaN;
      continue;
    }
    const sorted = values.subarray(0, n).sort();
    out[p] = (sorted[(n - 1) >> 1]! + sorted[n >> 1]!) / 2;
  }
  return out;
}

/**
 * Month by month (odc-stats `_max_consecutive_months`, `_wet_valid_percent`): the longest run
 * of months flagged 1, their sum, and the count of months with data. A nodata month neither
 * extends nor breaks a run.
 */
class MonthRuns {
  private readonly run: Uint8Array;
  readonly longest: Uint8Array;
  readonly sum: Uint8Array;
  private readonly total: Uint8Array;

  constructor(pixels: number) {
    this.run = new Uint8Array(pixels);
    this.longest = new Uint8Array(pixels);
    this.sum = new Uint8Array(pixels);
    this.total = new Uint8Array(pixels);
  }

  add(month: Uint8Array): void {
    for (let p = 0; p < month.length; p++) {
      const v = month[p]!;
      if (v === NODATA) continue;
      this.total[p]!++;
      this.sum[p]! += v;
      if (v === 0) {
        this.run[p] = 0;
      } else {
        this.run[p]! += v;
        if (this.run[p]! > this.longest[p]!) this.longest[p] = this.run[p]!;
      }
    }
  }

  /** The longest run; nodata without a month of data. */
  longestRun(): Uint8Array {
    const out = Uint8Array.from(this.longest);
    for (let p = 0; p < out.length; p++) if (this.total[p] === 0) out[p] = NODATA;
    return out;
  }

  /** ⌈count ÷ months with data × scale⌉, the quotient rounded to float32 first as odc-stats does; nodata without a month. */
  scaled(count: (m: MonthRuns) => Uint8Array, scale: number): Uint8Array {
    const counts = count(this);
    const out = new Uint8Array(counts.length);
    for (let p = 0; p < out.length; p++) {
      out[p] = this.total[p] === 0 ? NODATA : Math.ceil(Math.fround((counts[p]! / this.total[p]!) * scale));
    }
    return out;
  }
}
