import { z } from 'zod';
import { ODC_ALGO_MIN_VALID, percentileBandName, percentilesOverTime } from '../kernels/percentile.js';
import { WO_FLAGS } from '../masking/flags.js';
import { filtersReach, maskCleanup, parseMaskFilters, type MaskFilter } from '../masking/morphology.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, OutputBand, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, parsePluginConfig, refusedKey } from './plugin-config.js';

/**
 * odc-stats `fc-percentiles` (odc/stats/plugins/fc_percentiles.py, StatsFCP): the 10th, 50th
 * and 90th percentiles of fractional cover (ga_ls_fc_3 `pv`, `bs`, `npv`, uint8, nodata 255)
 * over the clear, dry observations that water observations (ga_ls_wo_3 `water`, bit flags)
 * allow, a `qa` band telling why a pixel has no percentiles, and optionally `count_valid`.
 */
const NAME = 'fc-percentiles';
const FC_BANDS = ['pv', 'bs', 'npv'] as const;
const QUANTILES = [0.1, 0.5, 0.9];
const NODATA = 255;

/** The flags `cloud_filters` may clean and mask, by odc-stats' key (StatsFCP.BAD_BITS_MASK), in its order. */
const BAD_BITS = { cloud: WO_FLAGS.cloud, cloud_shadow: WO_FLAGS.cloud_shadow, terrain_shadow: WO_FLAGS.terrain_shadow };
type BadBit = keyof typeof BAD_BITS;

interface FcSettings {
  cloudFilters: Array<{ flag: number; filters: MaskFilter[] }>;
  ueThreshold: number | null;
  maxSumLimit: number | null;
  clipRange: readonly [number, number] | null;
  countValid: boolean;
  resampling: 'nearest' | 'bilinear' | 'average';
  rgbBands: [string, string, string];
}

const schema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    max_sum_limit: z.number().nullable(),
    clip_range: z.tuple([z.number(), z.number()]).nullable(),
    ue_threshold: z.number().nullable(),
    count_valid: z.boolean().nullable(),
    cloud_filters: z.record(z.string(), z.unknown()).nullable(),
    resampling: z.enum(['nearest', 'bilinear', 'average']),
    rgb_bands: z.tuple([z.string(), z.string(), z.string()]),
  })
  .partial();

export function fcPercentilesPlugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(NAME, schema, config);
  checkBasePluginKeys(NAME, c);
  const cloudFilters: FcSettings['cloudFilters'] = [];
  for (const key of Object.keys(c.cloud_filters ?? {})) {
    if (!(key in BAD_BITS)) {
      throw refusedKey(NAME, 'cloud_filters', `has '${key}', which odc-stats would ignore: the water bits it cleans are ${Object.keys(BAD_BITS).join(', ')}`);
    }
  }
  for (const [key, flag] of Object.entries(BAD_BITS) as Array<[BadBit, number]>) {
    const steps = c.cloud_filters?.[key];
    if (steps !== undefined && steps !== null) cloudFilters.push({ flag, filters: parseMaskFilters(steps, `plugin_config.cloud_filters.${key}`) });
  }
  return makeFcPercentilesPlugin({
    cloudFilters,
    ueThreshold: c.ue_threshold ?? null,
    maxSumLimit: c.max_sum_limit ?? null,
    clipRange: c.clip_range ?? null,
    countValid: c.count_valid ?? false,
    resampling: c.resampling ?? 'bilinear',
    // DEA's preview: bare soil, green and non-green vegetation medians as red, green, blue.
    rgbBands: c.rgb_bands ?? ['bs_pc_50', 'pv_pc_50', 'npv_pc_50'],
  });
}

function makeFcPercentilesPlugin(s: FcSettings): StatsPlugin {
  const percentileNames = FC_BANDS.flatMap((band) => QUANTILES.map((q) => percentileBandName(band, q)));
  const measurements: OutputBand[] = [
    ...percentileNames.map((name) => ({ name, dtype: 'uint8' as const, nodata: NODATA, overviewResampling: 'average' as const })),
    // odc-stats gives qa and count_valid no nodata.
    { name: 'qa', dtype: 'uint8', nodata: null, overviewResampling: 'nearest' },
    ...(s.countValid ? [{ name: 'count_valid', dtype: 'int16' as const, nodata: null, overviewResampling: 'nearest' as const }] : []),
  ];
  checkRgbBands(s.rgbBands, measurements);
  return {
    name: NAME,
    productDefaults: { name: 'ga_fc_percentiles', version: '0.0.3' },
    halo: Math.max(0, ...s.cloudFilters.map((f) => filtersReach(f.filters))),
    inputs: [
      { name: 'water', resampling: 'nearest' },
      ...FC_BANDS.map((name) => ({ name, resampling: s.resampling })),
      // odc-stats loads ue always; it is read only to compare with ue_threshold.
      ...(s.ueThreshold === null ? [] : [{ name: 'ue', resampling: s.resampling }]),
    ],
    measurements,
    quicklook: { kind: 'rgb', bands: s.rgbBands },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const valid: Uint8Array[] = [];
      const everWet = new Uint8Array(pixels);
      const countValid = new Int16Array(pixels);
      const series: Record<string, SampleArray[]> = Object.fromEntries(FC_BANDS.map((b) => [b, []]));
      chunk.days.forEach((_, t) => {
        const { dry, wet } = clearObservations(chunk, t, s);
        const fc = FC_BANDS.map((band) => chunk.bands[band]![t]!);
        const ue = s.ueThreshold === null ? undefined : chunk.bands['ue']![t]!;
        const ueThreshold = s.ueThreshold ?? 0;
        for (let p = 0; p < pixels; p++) {
          if (ue !== undefined && !(ue[p]! < ueThreshold)) dry[p] = 0;
          // odc-stats adds the bands (nodata as 0) as uint8, so the sum wraps at 256.
          if (s.maxSumLimit !== null && !((fcOrZero(fc[0]![p]!) + fcOrZero(fc[1]![p]!) + fcOrZero(fc[2]![p]!)) % 256 < s.maxSumLimit)) dry[p] = 0;
          if (wet[p] && !dry[p]) everWet[p] = 1;
          if (dry[p]) countValid[p]!++;
        }
        valid.push(dry);
        FC_BANDS.forEach((band, b) => series[band]!.push(s.clipRange ? clipped(fc[b]!, s.clipRange) : fc[b]!));
      });
      const out: Record<string, SampleArray> = {};
      for (const band of FC_BANDS) {
        const bandOut = QUANTILES.map(() => new Uint8Array(pixels));
        percentilesOverTime(series[band]!, { nodata: NODATA, masks: valid }, QUANTILES, bandOut, { nodata: NODATA, minValid: ODC_ALGO_MIN_VALID });
        QUANTILES.forEach((q, k) => (out[percentileBandName(band, q)] = bandOut[k]!));
      }
      const qa = new Uint8Array(pixels);
      const percentiles = percentileNames.map((name) => out[name]!);
      for (let p = 0; p < pixels; p++) {
        const allValid = percentiles.every((pc) => pc[p] !== NODATA);
        // 2: every percentile; 1: some missing, never wet; 0: some missing, wet at least once.
        qa[p] = allValid ? 2 : everWet[p] ? 0 : 1;
      }
      out['qa'] = qa;
      if (s.countValid) out['count_valid'] = countValid;
      return out;
    },
  };
}

function fcOrZero(v: number): number {
  return v === NODATA ? 0 : v;
}

/** np.clip of a band, nodata left as it is. */
function clipped(band: SampleArray, [lo, hi]: readonly [number, number]): Uint8Array {
  const out = new Uint8Array(band.length);
  for (let p = 0; p < band.length; p++) {
    const v = band[p]!;
    out[p] = v === NODATA ? NODATA : Math.min(Math.max(v, lo), hi);
  }
  return out;
}

/**
 * Observation t's clear dry pixels (no flag but high slope, which odc-stats ignores) and clear
 * wet ones (`water_observed` alone, high slope aside), both without the pixels of the flags that
 * `cloud_filters` cleans and masks.
 */
function clearObservations(chunk: ObservationChunk, t: number, s: FcSettings): { dry: Uint8Array; wet: Uint8Array } {
  const { width, height } = chunk.geobox;
  const water = chunk.bands['water']![t]!;
  const dry = new Uint8Array(water.length);
  const wet = new Uint8Array(water.length);
  for (let p = 0; p < water.length; p++) {
    const flags = water[p]! & ~WO_FLAGS.high_slope;
    dry[p] = flags === 0 ? 1 : 0;
    wet[p] = flags === WO_FLAGS.water_observed ? 1 : 0;
  }
  for (const { flag, filters } of s.cloudFilters) {
    const raw = new Uint8Array(water.length);
    for (let p = 0; p < water.length; p++) raw[p] = water[p]! & flag ? 1 : 0;
    const bad = maskCleanup(raw, width, height, filters);
    for (let p = 0; p < bad.length; p++) {
      if (bad[p]) dry[p] = wet[p] = 0;
    }
  }
  return { dry, wet };
}

/** rgb_bands (odc-stats: the bands of its rgba preview; here the quicklook's) must be outputs. */
function checkRgbBands(rgbBands: readonly string[], measurements: readonly OutputBand[]): void {
  const missing = rgbBands.find((band) => !measurements.some((m) => m.name === band));
  if (missing !== undefined) throw refusedKey(NAME, 'rgb_bands', `names '${missing}', which is not an output band`);
}
