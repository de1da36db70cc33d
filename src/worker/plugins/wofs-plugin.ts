/**
 * Water Observations summaries (odc-stats `wofs.py`): per pixel, `count_clear` observations
 * not obscured, `count_wet` of them wet, and `frequency` = wet / clear. `wofs-summary` counts
 * the individual observations of DEA's `water` band; `wofs-summary-fh` adds up summaries
 * (annual ones into a summary of all time).
 */
import { z } from 'zod';
import { ConfigError, unknownKeyIssues } from '../../shared/config-issue.js';
import { WO_FLAGS } from '../masking/flags.js';
import { filtersReach, maskCleanup, parseMaskFilters, type MaskFilter } from '../masking/morphology.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, OutputBand, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, parsePluginConfig } from './plugin-config.js';

const COUNT_NODATA = -999;

const MEASUREMENTS: readonly OutputBand[] = [
  { name: 'count_wet', dtype: 'int16', nodata: COUNT_NODATA, overviewResampling: 'nearest' },
  { name: 'count_clear', dtype: 'int16', nodata: COUNT_NODATA, overviewResampling: 'nearest' },
  { name: 'frequency', dtype: 'float32', nodata: Number.NaN, overviewResampling: 'average' },
];

/** The flags whose masks `cloud_filters` may clean (odc-stats `StatsWofs.BAD_BITS_MASK`). */
const FILTERABLE_FLAGS = {
  cloud: WO_FLAGS.cloud,
  cloud_shadow: WO_FLAGS.cloud_shadow,
  terrain_shadow: WO_FLAGS.terrain_shadow,
} as const;

/** Any flag but the nodata bit and the water bit makes an observation not clear. */
const NOT_CLEAR_BITS = 0xff & ~WO_FLAGS.nodata & ~WO_FLAGS.water_observed;
const DRY = 0;
const WET = WO_FLAGS.water_observed;

/**
 * Only `nearest` is taken: the masks are evaluated on the output grid after a nearest-neighbour
 * resampling of `water`; odc-stats resamples its boolean masks with `resampling` instead.
 */
const resampling = z.literal('nearest', { error: 'must be nearest: resampling the water masks otherwise is not supported yet' });

const wofsSchema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    cloud_filters: z.record(z.string(), z.unknown()).nullable(),
    resampling,
  })
  .partial();

interface FlagFilter {
  bit: number;
  filters: MaskFilter[];
}

function parseWofsCloudFilters(value: Record<string, unknown>): FlagFilter[] {
  const known = Object.keys(FILTERABLE_FLAGS);
  const unknown = unknownKeyIssues(value, new Set(known), `flags: ${known.join(', ')}`, ['cloud_filters']);
  if (unknown.length > 0) throw new ConfigError(unknown, 'plugin_config of wofs-summary');
  const parsed: FlagFilter[] = [];
  for (const [flag, bit] of Object.entries(FILTERABLE_FLAGS)) {
    const steps = value[flag];
    // A flag left out or null is not cleaned on its own: it is only part of the not-clear bits.
    if (steps === undefined || steps === null) continue;
    parsed.push({ bit, filters: parseMaskFilters(steps, `plugin_config.cloud_filters.${flag}`) });
  }
  return parsed;
}

/** odc-stats `wofs-summary` (`StatsWofs`): counts of clear and of wet observations of `water`. */
export function wofsSummaryPlugin(config: Record<string, unknown>): StatsPlugin {
  const name = 'wofs-summary';
  const c = parsePluginConfig(name, wofsSchema, config);
  checkBasePluginKeys(name, c);
  const flagFilters = c.cloud_filters ? parseWofsCloudFilters(c.cloud_filters) : [];
  return {
    name,
    halo: Math.max(0, ...flagFilters.map((f) => filtersReach(f.filters))),
    inputs: [{ name: 'water', resampling: 'nearest' }],
    measurements: MEASUREMENTS,
    quicklook: { kind: 'ramp', band: 'frequency', ramp: 'viridis' },
    productDefaults: { name: 'ga_ls_wo_summary', version: '1.6.1' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const { width, height } = chunk.geobox;
      const pixels = width * height;
      const wet = new Int16Array(pixels);
      const clear = new Int16Array(pixels);
      // Observed at all, clear or not: where nothing was, the counts are nodata rather than 0.
      const observed = new Uint8Array(pixels);
      for (const water of chunk.bands['water'] ?? []) {
        const cleaned = cleanedFlags(water, width, height, flagFilters);
        for (let p = 0; p < pixels; p++) {
          const v = water[p]!;
          if (((v & WO_FLAGS.nodata) === 0 && (v & NOT_CLEAR_BITS) !== 0) || (cleaned !== undefined && cleaned[p] === 1)) {
            observed[p] = 1;
          } else if (v === DRY) {
            clear[p]!++;
            observed[p] = 1;
          } else if (v === WET) {
            wet[p]!++;
            clear[p]!++;
            observed[p] = 1;
          }
        }
      }
      const frequency = new Float32Array(pixels);
      for (let p = 0; p < pixels; p++) {
        frequency[p] = clear[p] === 0 ? Number.NaN : wet[p]! / clear[p]!;
        if (!observed[p]) {
          wet[p] = COUNT_NODATA;
          clear[p] = COUNT_NODATA;
        }
      }
      return { count_wet: wet, count_clear: clear, frequency };
    },
  };
}

/**
 * The union of each filtered flag's mask after its cleaning; undefined without cloud_filters.
 * As in odc-stats the flag's bit alone makes the mask, whatever the nodata bit says.
 */
function cleanedFlags(water: SampleArray, width: number, height: number, flagFilters: readonly FlagFilter[]): Uint8Array | undefined {
  if (flagFilters.length === 0) return undefined;
  const union = new Uint8Array(width * height);
  for (const { bit, filters } of flagFilters) {
    const raw = new Uint8Array(width * height);
    for (let p = 0; p < raw.length; p++) raw[p] = (water[p]! & bit) !== 0 ? 1 : 0;
    const cleaned = maskCleanup(raw, width, height, filters);
    for (let p = 0; p < union.length; p++) union[p]! |= cleaned[p]!;
  }
  return union;
}

/**
 * odc-stats' StatsWofsFullHistory takes every keyword and drops it; the common keys are read
 * here, checked and without effect, and anything else is refused as a likely mistake.
 */
const fullHistorySchema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    resampling: z.string(),
  })
  .partial();

/** odc-stats `wofs-summary-fh` (`StatsWofsFullHistory`): summaries of WO summaries. */
export function wofsFullHistoryPlugin(config: Record<string, unknown>): StatsPlugin {
  const name = 'wofs-summary-fh';
  parsePluginConfig(name, fullHistorySchema, config);
  return {
    name,
    // odc-stats' default resampling, which this plugin cannot change.
    inputs: [
      { name: 'count_wet', resampling: 'bilinear' },
      { name: 'count_clear', resampling: 'bilinear' },
    ],
    measurements: MEASUREMENTS,
    quicklook: { kind: 'ramp', band: 'frequency', ramp: 'viridis' },
    productDefaults: { name: 'ga_ls_wo_fq_myear_3', version: '1.6.0' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      // odc-stats tests both counts against count_clear's nodata.
      const nodata = chunk.nodata['count_clear'] ?? COUNT_NODATA;
      const clearDays = chunk.bands['count_clear'] ?? [];
      const wetDays = chunk.bands['count_wet'] ?? [];
      // Int16Array sums wrap past 32767 as odc-stats' int16 sums do.
      const clear = new Int16Array(pixels);
      const wet = new Int16Array(pixels);
      const observed = new Uint8Array(pixels);
      for (let t = 0; t < clearDays.length; t++) {
        const cc = clearDays[t]!;
        const cw = wetDays[t]!;
        for (let p = 0; p < pixels; p++) {
          const c = cc[p]!;
          if (c !== nodata) {
            clear[p]! += c;
            observed[p] = 1;
          }
          const w = cw[p]!;
          if (w !== nodata) wet[p]! += w;
        }
      }
      const frequency = new Float32Array(pixels);
      for (let p = 0; p < pixels; p++) {
        frequency[p] = clear[p] === 0 ? Number.NaN : wet[p]! / clear[p]!;
        if (!observed[p]) {
          clear[p] = COUNT_NODATA;
          wet[p] = COUNT_NODATA;
        }
      }
      return { count_wet: wet, count_clear: clear, frequency };
    },
  };
}
