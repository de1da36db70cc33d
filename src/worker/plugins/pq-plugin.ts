import { z } from 'zod';
import { describeIssue } from '../../shared/schema-issue.js';
import { bitMask, enumMask, qaPixelBitsOfFlagsSetting, sclClasses } from '../masking/flags.js';
import { filtersReach, maskCleanup, parseMaskFilters, type MaskFilter } from '../masking/morphology.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, OutputBand, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, eitherKey, parsePluginConfig, refusedKey } from './plugin-config.js';

/**
 * Pixel-quality summaries (odc-stats `pq`, `pq-ls-bitmask`): per pixel, `total` observations
 * with data, `clear` ones without cloud, and one `clear_*` per named set of cloud-mask filters.
 */
interface PqSettings {
  name: string;
  maskBand: string;
  /** Missing and cloud pixels of one observation's mask band. */
  missing(mask: SampleArray): Uint8Array;
  cloud(mask: SampleArray): Uint8Array;
  filters: Record<string, MaskFilter[]>;
  /**
   * pq-ls-bitmask's aerosol counts: `clear_aerosol` (clear and not high aerosol) and one count
   * per `filters` set, whose steps clean the cloud mask, as odc-stats has them.
   */
  aerosol?: { band: string; high(values: SampleArray, nodata: number | null): Uint8Array; filters: Record<string, MaskFilter[]> };
}

function makePqPlugin(s: PqSettings): StatsPlugin {
  const filterNames = Object.keys(s.filters);
  const aerosolNames = Object.keys(s.aerosol?.filters ?? {});
  const halo = Math.max(0, ...[...Object.values(s.filters), ...Object.values(s.aerosol?.filters ?? {})].map(filtersReach));
  const names = ['total', 'clear', ...filterNames, ...(s.aerosol ? ['clear_aerosol', ...aerosolNames] : [])];
  const measurements: OutputBand[] = names.map((name) => ({ name, dtype: 'uint16', nodata: 0, overviewResampling: 'nearest' }));
  return {
    name: s.name,
    halo,
    inputs: [{ name: s.maskBand, resampling: 'nearest' }, ...(s.aerosol ? [{ name: s.aerosol.band, resampling: 'nearest' as const }] : [])],
    measurements,
    quicklook: { kind: 'ramp', band: 'clear', ramp: 'viridis' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const { width, height } = chunk.geobox;
      const pixels = width * height;
      const counts = names.map(() => new Uint16Array(pixels));
      const [total, clear] = counts as [Uint16Array, Uint16Array];
      const filtered = counts.slice(2, 2 + filterNames.length);
      const [clearAerosol, ...aerosolFiltered] = counts.slice(2 + filterNames.length);
      chunk.bands[s.maskBand]!.forEach((mask, t) => {
        const missing = s.missing(mask);
        const cloud = s.cloud(mask);
        const cleaned = filterNames.map((n) => maskCleanup(cloud, width, height, s.filters[n]!));
        for (let p = 0; p < pixels; p++) {
          if (missing[p]) continue;
          total[p]!++;
          if (!cloud[p]) clear[p]!++;
          for (let f = 0; f < cleaned.length; f++) if (!cleaned[f]![p]) filtered[f]![p]!++;
        }
        if (!s.aerosol) return;
        const high = s.aerosol.high(chunk.bands[s.aerosol.band]![t]!, chunk.nodata[s.aerosol.band] ?? null);
        const aerosolCleaned = aerosolNames.map((n) => maskCleanup(cloud, width, height, s.aerosol!.filters[n]!));
        for (let p = 0; p < pixels; p++) {
          if (missing[p] || high[p]) continue;
          if (!cloud[p]) clearAerosol![p]!++;
          for (let f = 0; f < aerosolCleaned.length; f++) if (!aerosolCleaned[f]![p]) aerosolFiltered[f]![p]!++;
        }
      });
      return Object.fromEntries(names.map((n, i) => [n, counts[i]!]));
    },
  };
}

function parseFilterSets(value: Record<string, unknown> | Array<[number, number]>, key: string): Record<string, MaskFilter[]> {
  // The older pq's form: [r1, r2] pairs, each an opening of r1 then a dilation of r2, named clear_r1_r2.
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map(([opening, dilation]): [string, MaskFilter[]] => [
        `clear_${opening}_${dilation}`,
        [
          ['opening', opening],
          ['dilation', dilation],
        ],
      ]),
    );
  }
  return Object.fromEntries(Object.entries(value).map(([name, filters]) => [name, parseMaskFilters(filters, `${key}.${name}`)]));
}

const radius = z.number().int().min(0);
const namedFilterSets = z.record(z.string().regex(/^clear_\w+$/, 'must start with clear_'), z.unknown(), {
  error: 'must be a mapping of clear_… names to lists of [operation, radius] steps, or a list of [opening, dilation] radius pairs',
});
const radiusPairs = z.array(z.tuple([radius, radius]));
/** `filters`: a mapping of named step lists, or (older pq) a list of radius pairs; a list is checked as pairs, anything else as the mapping. */
const filterSets = z.unknown().transform((value, ctx): z.infer<typeof namedFilterSets> | z.infer<typeof radiusPairs> => {
  const parsed = Array.isArray(value) ? radiusPairs.safeParse(value) : namedFilterSets.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: describeIssue(issue), input: value });
  return z.NEVER;
});

/**
 * The pq plugins mask on the output grid after a nearest-neighbour resampling of the mask band;
 * odc-stats resamples the 0/1 masks with `resampling`, so only `nearest` gives the same counts.
 */
const resampling = z.literal('nearest', { error: 'must be nearest: resampling the pixel-quality masks otherwise is not supported yet' });

const pqSchema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    mask_band: z.string(),
    nodata_classes: z.array(z.union([z.string(), z.number().int()])),
    cloud_classes: z.array(z.union([z.string(), z.number().int()])),
    filters: filterSets,
    resampling,
  })
  .partial();

/** Sentinel-2 SCL: odc-stats' `pq` defaults. */
export function pqPlugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig('pq', pqSchema, config);
  checkBasePluginKeys('pq', c);
  const nodata = sclClasses(c.nodata_classes ?? ['no data']);
  const cloud = sclClasses(c.cloud_classes ?? ['cloud shadows', 'cloud medium probability', 'cloud high probability', 'thin cirrus']);
  return makePqPlugin({
    name: 'pq',
    maskBand: c.mask_band ?? 'SCL',
    missing: (mask) => enumMask(mask, nodata),
    cloud: (mask) => enumMask(mask, cloud),
    filters: c.filters
      ? parseFilterSets(c.filters, 'plugin_config.filters')
      : {
          clear_2_5: [
            ['opening', 2],
            ['dilation', 5],
          ],
          clear_0_5: [['dilation', 5]],
        },
  });
}

const pqBitmaskSchema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    mask_band: z.string(),
    /** odc-stats' name of `mask_band`. */
    pq_band: z.string(),
    nodata_flags: z.unknown(),
    cloud_flags: z.unknown(),
    /** odc-stats' name of `cloud_flags`. */
    flags: z.unknown(),
    filters: filterSets,
    aerosol_band: z.string().nullable(),
    aerosol_filters: filterSets.nullable(),
    resampling,
  })
  .partial();

/** USGS Collection 2 QA_PIXEL: odc-stats' `pq-ls-bitmask`. */
export function pqBitmaskPlugin(config: Record<string, unknown>): StatsPlugin {
  const name = 'pq-ls-bitmask';
  const c = parsePluginConfig(name, pqBitmaskSchema, config);
  checkBasePluginKeys(name, c);
  const filters = c.filters ? parseFilterSets(c.filters, 'plugin_config.filters') : {};
  // aerosol_filters are checked always, and used only with SR_QA_AEROSOL, as in odc-stats.
  const aerosolFilters = c.aerosol_filters ? parseFilterSets(c.aerosol_filters, 'plugin_config.aerosol_filters') : {};
  const aerosol = c.aerosol_band ? aerosolSettings(c.aerosol_band, filters, aerosolFilters) : undefined;
  const nodataBits = c.nodata_flags === undefined ? [0] : qaPixelBitsOfFlagsSetting(c.nodata_flags, 'plugin_config.nodata_flags');
  const flags = eitherKey(name, c, 'cloud_flags', 'flags');
  const cloudBits = flags === undefined ? [3, 2] : qaPixelBitsOfFlagsSetting(flags.value, `plugin_config.${flags.key}`);
  const maskBand = eitherKey(name, c, 'mask_band', 'pq_band');
  return makePqPlugin({
    name,
    maskBand: typeof maskBand?.value === 'string' ? maskBand.value : 'QA_PIXEL',
    missing: (mask) => bitMask(mask, nodataBits),
    cloud: (mask) => bitMask(mask, cloudBits),
    filters,
    ...(aerosol && { aerosol }),
  });
}

/** SR_QA_AEROSOL bits 6–7: the aerosol level, 3 high. */
const HIGH_AEROSOL_LEVEL = 0b1100_0000;
/** SR_ATMOS_OPACITY: opacity × 1000, int16, nodata −9999; above 0.3 is hazy. */
const OPACITY_FILL = -9999;
const HAZY_OPACITY_DN = 300;

/**
 * The aerosol counts of pq-ls-bitmask's `aerosol_band`: high aerosol is SR_QA_AEROSOL's level 3
 * or an SR_ATMOS_OPACITY above 0.3 (odc-stats reads no other band); `aerosol_filters` count only
 * with SR_QA_AEROSOL.
 */
function aerosolSettings(band: string, filters: Record<string, MaskFilter[]>, aerosolFilters: Record<string, MaskFilter[]>): NonNullable<PqSettings['aerosol']> {
  const name = 'pq-ls-bitmask';
  const used = band === 'SR_QA_AEROSOL' ? aerosolFilters : {};
  for (const output of ['clear_aerosol', ...Object.keys(used)]) {
    if (Object.hasOwn(filters, output)) throw refusedKey(name, 'filters', `names '${output}', which is an aerosol count of aerosol_band ${band}`);
  }
  if (band === 'SR_QA_AEROSOL') {
    return { band, high: (values) => matches(values, (v) => (v & HIGH_AEROSOL_LEVEL) === HIGH_AEROSOL_LEVEL), filters: used };
  }
  if (band === 'SR_ATMOS_OPACITY') {
    return { band, high: (values, nodata) => matches(values, (v) => v !== OPACITY_FILL && v !== nodata && v > HAZY_OPACITY_DN), filters: used };
  }
  throw refusedKey(name, 'aerosol_band', `must be SR_QA_AEROSOL or SR_ATMOS_OPACITY, the bands odc-stats reads aerosol from, not '${band}'`);
}

function matches(values: SampleArray, test: (v: number) => boolean): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = test(values[i]!) ? 1 : 0;
  return out;
}
