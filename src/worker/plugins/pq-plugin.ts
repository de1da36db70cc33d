import { z } from 'zod';
import { bitMask, enumMask, qaPixelBitsOfFlagsSetting, sclClasses } from '../masking/flags.js';
import { filtersReach, maskCleanup, parseMaskFilters, type MaskFilter } from '../masking/morphology.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, OutputBand, StatsPlugin } from './plugin.js';
import { parsePluginConfig } from './plugin-config.js';

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
}

function makePqPlugin(s: PqSettings): StatsPlugin {
  const filterNames = Object.keys(s.filters);
  const halo = Math.max(0, ...Object.values(s.filters).map(filtersReach));
  const measurements: OutputBand[] = ['total', 'clear', ...filterNames].map((name) => ({ name, dtype: 'uint16', nodata: 0, overviewResampling: 'nearest' }));
  return {
    name: s.name,
    halo,
    inputs: [{ name: s.maskBand, resampling: 'nearest' }],
    measurements,
    quicklook: { kind: 'ramp', band: 'clear', ramp: 'viridis' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const { width, height } = chunk.geobox;
      const pixels = width * height;
      const total = new Uint16Array(pixels);
      const clear = new Uint16Array(pixels);
      const filtered = filterNames.map(() => new Uint16Array(pixels));
      for (const mask of chunk.bands[s.maskBand]!) {
        const missing = s.missing(mask);
        const cloud = s.cloud(mask);
        const cleaned = filterNames.map((n) => maskCleanup(cloud, width, height, s.filters[n]!));
        for (let p = 0; p < pixels; p++) {
          if (missing[p]) continue;
          total[p]!++;
          if (!cloud[p]) clear[p]!++;
          for (let f = 0; f < cleaned.length; f++) if (!cleaned[f]![p]) filtered[f]![p]!++;
        }
      }
      const out: Record<string, SampleArray> = { total, clear };
      filterNames.forEach((n, f) => (out[n] = filtered[f]!));
      return out;
    },
  };
}

function parseFilterSets(value: unknown, key: string): Record<string, MaskFilter[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('unreachable: checked by the schema');
  }
  return Object.fromEntries(Object.entries(value).map(([name, filters]) => [name, parseMaskFilters(filters, `${key}.${name}`)]));
}

const filterSets = z.record(z.string().regex(/^clear_\w+$/, 'must start with clear_'), z.unknown());

const pqSchema = z
  .object({
    mask_band: z.string(),
    nodata_classes: z.array(z.union([z.string(), z.number().int()])),
    cloud_classes: z.array(z.union([z.string(), z.number().int()])),
    filters: filterSets,
  })
  .partial();

/** Sentinel-2 SCL: odc-stats' `pq` defaults. */
export function pqPlugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig('pq', pqSchema, config);
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
  .object({ mask_band: z.string(), nodata_flags: z.unknown(), cloud_flags: z.unknown(), filters: filterSets })
  .partial();

/** USGS Collection 2 QA_PIXEL: odc-stats' `pq-ls-bitmask`. */
export function pqBitmaskPlugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig('pq-ls-bitmask', pqBitmaskSchema, config);
  const nodataBits = c.nodata_flags === undefined ? [0] : qaPixelBitsOfFlagsSetting(c.nodata_flags, 'plugin_config.nodata_flags');
  const cloudBits = c.cloud_flags === undefined ? [3, 2] : qaPixelBitsOfFlagsSetting(c.cloud_flags, 'plugin_config.cloud_flags');
  return makePqPlugin({
    name: 'pq-ls-bitmask',
    maskBand: c.mask_band ?? 'QA_PIXEL',
    missing: (mask) => bitMask(mask, nodataBits),
    cloud: (mask) => bitMask(mask, cloudBits),
    filters: c.filters ? parseFilterSets(c.filters, 'plugin_config.filters') : {},
  });
}
