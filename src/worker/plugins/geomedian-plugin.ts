import { z } from 'zod';
import { geomedian, mads } from '../kernels/geomedian.js';
import { bitMask, CONTIGUOUS, enumMask, qaPixelBitsOfFlagsSetting } from '../masking/flags.js';
import { filtersReach, maskCleanup, parseMaskFilters, type MaskFilter } from '../masking/morphology.js';
import { dnFromReflectance, GEOMEDIAN_SCALING, reflectanceFromDn, USGS_C2_SR_SCALING } from '../masking/scaling.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, OutputBand, StatsPlugin } from './plugin.js';
import { missingPluginKey, parsePluginConfig } from './plugin-config.js';
import type { Resampling } from '../load/load-band.js';

/**
 * How a geomedian plugin masks and scales its inputs. The plugin names of odc-stats
 * (`gm-generic`, `gm-s2`, `gm-ls`, `gm-ls-bitmask`) are presets of this; see docs/plugins.md.
 */
interface GeomedianSettings {
  name: string;
  bands: string[];
  maskBand: string;
  /** Reads the mask band: which pixels are missing (no data) and which are cloud, before cleaning. */
  maskKind: 'enum' | 'qa-pixel';
  nodataClasses: number[];
  cloudClasses: number[];
  /** For `qa-pixel` masks: bits whose set value marks a pixel missing / cloudy. */
  nodataBits: number[];
  cloudBits: number[];
  contiguityBand?: string;
  cloudFilters: MaskFilter[];
  /** DN → reflectance: DN × scale + offset; the output bands go back the same way. */
  scale: number;
  offset: number;
  /** A DN at or below this is missing (USGS C2 reflectance ≤ 0), besides the band's nodata. */
  minValidDn?: number;
  outputDtype: 'uint16' | 'int16';
  outputNodata: number;
  /** Output DN = reflectance / outputScale − outputOffset / outputScale; by default the input's. */
  outputScale?: number;
  outputOffset?: number;
  auxNames: { smad: string; emad: string; bcmad: string; count: string };
  /** EMAD in output DN rather than reflectance, as odc-stats reports it. */
  emadDtype: 'float32' | 'uint16';
  resampling: Resampling;
  rgbBands?: [string, string, string];
  eps: number;
  maxIters: number;
}

function makeGeomedianPlugin(s: GeomedianSettings): StatsPlugin {
  const halo = filtersReach(s.cloudFilters);
  const outScale = s.outputScale ?? s.scale;
  const outOffset = s.outputOffset ?? s.offset;
  const measurements: OutputBand[] = [
    ...s.bands.map((name) => ({ name, dtype: s.outputDtype, nodata: s.outputNodata, overviewResampling: 'average' as const })),
    { name: s.auxNames.smad, dtype: 'float32', nodata: Number.NaN, overviewResampling: 'average' },
    { name: s.auxNames.emad, dtype: s.emadDtype, nodata: s.emadDtype === 'float32' ? Number.NaN : 0, overviewResampling: 'average' },
    { name: s.auxNames.bcmad, dtype: 'float32', nodata: Number.NaN, overviewResampling: 'average' },
    { name: s.auxNames.count, dtype: 'uint16', nodata: 0, overviewResampling: 'nearest' },
  ];
  return {
    name: s.name,
    halo,
    inputs: [
      ...s.bands.map((name) => ({ name, resampling: s.resampling })),
      { name: s.maskBand, resampling: 'nearest' as const },
      ...(s.contiguityBand ? [{ name: s.contiguityBand, resampling: 'nearest' as const }] : []),
    ],
    measurements,
    ...(s.rgbBands && { quicklook: { kind: 'rgb' as const, bands: s.rgbBands } }),
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const shape = { bands: s.bands.length, times: chunk.days.length, pixels };
      const stack = reflectanceStack(chunk, s);
      const { median, count } = geomedian(stack, shape, { eps: s.eps, maxIters: s.maxIters });
      const { smad, emad, bcmad } = mads(stack, shape, median);
      const out: Record<string, SampleArray> = {};
      s.bands.forEach((name, b) => {
        out[name] = dnFromReflectance(median.subarray(b * pixels, (b + 1) * pixels), s.outputNodata, outScale, outOffset, s.outputDtype);
      });
      const emadDn = new Float32Array(pixels);
      for (let p = 0; p < pixels; p++) emadDn[p] = emad[p]! / outScale;
      out[s.auxNames.smad] = smad;
      out[s.auxNames.emad] = s.emadDtype === 'float32' ? emadDn : dnFromReflectance(emadDn, 0, 1, 0, 'uint16');
      out[s.auxNames.bcmad] = bcmad;
      out[s.auxNames.count] = count;
      return out;
    },
  };
}

/**
 * The chunk's reflectance, `[band][time][pixel]`: NaN where an observation is not usable, its
 * DN is nodata or NaN, or at most `minValidDn`.
 */
function reflectanceStack(chunk: ObservationChunk, s: GeomedianSettings): Float32Array {
  const pixels = chunk.geobox.width * chunk.geobox.height;
  const times = chunk.days.length;
  const stack = new Float32Array(s.bands.length * times * pixels);
  for (let t = 0; t < times; t++) {
    const usable = usableObservations(chunk, t, s);
    s.bands.forEach((name, b) => {
      const dn = chunk.bands[name]![t]!;
      const base = (b * times + t) * pixels;
      const reflectance = reflectanceFromDn(dn, chunk.nodata[name] ?? null, s.scale, s.offset, stack.subarray(base, base + pixels));
      for (let p = 0; p < pixels; p++) {
        if (!usable[p] || (s.minValidDn !== undefined && dn[p]! <= s.minValidDn)) reflectance[p] = Number.NaN;
      }
    });
  }
  return stack;
}

/** 1 where observation t of the chunk may be used: not missing, not cloud (after cleaning). */
function usableObservations(chunk: ObservationChunk, t: number, s: GeomedianSettings): Uint8Array {
  const { width, height } = chunk.geobox;
  const mask = chunk.bands[s.maskBand]![t]!;
  const missing = s.maskKind === 'enum' ? enumMask(mask, s.nodataClasses) : bitMask(mask, s.nodataBits);
  let cloud = s.maskKind === 'enum' ? enumMask(mask, s.cloudClasses) : bitMask(mask, s.cloudBits);
  if (s.cloudFilters.length > 0) cloud = maskCleanup(cloud, width, height, s.cloudFilters);
  const contiguity = s.contiguityBand ? chunk.bands[s.contiguityBand]![t]! : undefined;
  const usable = new Uint8Array(width * height);
  for (let p = 0; p < usable.length; p++) {
    usable[p] = missing[p] || cloud[p] || (contiguity !== undefined && contiguity[p] !== CONTIGUOUS) ? 0 : 1;
  }
  return usable;
}

const classList = z.array(z.union([z.string(), z.number().int()]));
const filtersValue = z.unknown();
const auxNames = z.object({ smad: z.string(), emad: z.string(), bcmad: z.string(), count: z.string() }).partial();

const common = {
  bands: z.array(z.string()).min(1),
  mask_band: z.string(),
  nodata_classes: classList,
  cloud_classes: classList,
  cloud_filters: filtersValue,
  aux_names: auxNames,
  resampling: z.enum(['nearest', 'bilinear', 'average']),
  rgb_bands: z.tuple([z.string(), z.string(), z.string()]),
  eps: z.number().positive(),
  maxiters: z.number().int().positive(),
  scale: z.number(),
  offset: z.number(),
};

const enumConfigSchema = z.object({ ...common, contiguity_band: z.string() }).partial();
const bitmaskConfigSchema = z
  .object({ ...common, nodata_flags: z.unknown(), cloud_flags: z.unknown() })
  .omit({ nodata_classes: true, cloud_classes: true })
  .partial();

type ClassNames = (names: ReadonlyArray<string | number>) => number[];

interface EnumPreset {
  name: string;
  bands?: string[];
  maskBand: string;
  classNames: ClassNames;
  nodataClasses: Array<string | number>;
  cloudClasses: Array<string | number>;
  contiguityBand?: string;
  cloudFilters: MaskFilter[];
  outputDtype: 'uint16' | 'int16';
  outputNodata: number;
  auxNames: GeomedianSettings['auxNames'];
  rgbBands?: [string, string, string];
}

export const S2_BANDS = ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'];
export const DEA_LS_BANDS = ['nbart_red', 'nbart_green', 'nbart_blue', 'nbart_nir', 'nbart_swir_1', 'nbart_swir_2'];

/** A geomedian plugin whose mask band is a classification (SCL, fmask). */
export function enumGeomedianPlugin(preset: EnumPreset, config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(preset.name, enumConfigSchema, config);
  const bands = c.bands ?? preset.bands;
  if (!bands) throw missingPluginKey(preset.name, 'bands', 'the reflectance bands to combine');
  const contiguityBand = c.contiguity_band ?? preset.contiguityBand;
  return makeGeomedianPlugin({
    name: preset.name,
    bands,
    maskBand: c.mask_band ?? preset.maskBand,
    maskKind: 'enum',
    nodataClasses: preset.classNames(c.nodata_classes ?? preset.nodataClasses),
    cloudClasses: preset.classNames(c.cloud_classes ?? preset.cloudClasses),
    nodataBits: [],
    cloudBits: [],
    ...(contiguityBand && { contiguityBand }),
    cloudFilters: c.cloud_filters === undefined ? preset.cloudFilters : parseMaskFilters(c.cloud_filters, 'plugin_config.cloud_filters'),
    scale: c.scale ?? GEOMEDIAN_SCALING.scale,
    offset: c.offset ?? GEOMEDIAN_SCALING.offset,
    outputDtype: preset.outputDtype,
    outputNodata: preset.outputNodata,
    auxNames: { ...preset.auxNames, ...c.aux_names },
    emadDtype: 'float32',
    resampling: c.resampling ?? 'bilinear',
    ...((c.rgb_bands ?? preset.rgbBands) && { rgbBands: c.rgb_bands ?? preset.rgbBands }),
    eps: c.eps ?? 1e-6,
    maxIters: c.maxiters ?? 1000,
  });
}

/** gm-ls-bitmask: USGS Collection 2 Landsat with its QA_PIXEL bits. */
export function bitmaskGeomedianPlugin(config: Record<string, unknown>): StatsPlugin {
  const name = 'gm-ls-bitmask';
  const c = parsePluginConfig(name, bitmaskConfigSchema, config);
  if (!c.bands) throw missingPluginKey(name, 'bands', 'e.g. [red, green, blue, nir08, swir16, swir22]');
  const nodataBits = c.nodata_flags === undefined ? [0] : qaPixelBitsOfFlagsSetting(c.nodata_flags, 'plugin_config.nodata_flags');
  const cloudBits = c.cloud_flags === undefined ? [3, 2] : qaPixelBitsOfFlagsSetting(c.cloud_flags, 'plugin_config.cloud_flags');
  return makeGeomedianPlugin({
    name,
    bands: c.bands,
    maskBand: c.mask_band ?? 'QA_PIXEL',
    maskKind: 'qa-pixel',
    nodataClasses: [],
    cloudClasses: [],
    nodataBits,
    cloudBits,
    cloudFilters: c.cloud_filters === undefined ? [] : parseMaskFilters(c.cloud_filters, 'plugin_config.cloud_filters'),
    // Outputs as reflectance × 10 000.
    scale: c.scale ?? USGS_C2_SR_SCALING.scale,
    offset: c.offset ?? USGS_C2_SR_SCALING.offset,
    minValidDn: 7272,
    outputDtype: 'uint16',
    outputNodata: 0,
    outputScale: 1e-4,
    outputOffset: 0,
    auxNames: { smad: 'smad', emad: 'emad', bcmad: 'bcmad', count: 'count', ...c.aux_names },
    emadDtype: 'uint16',
    resampling: c.resampling ?? 'bilinear',
    ...(c.rgb_bands && { rgbBands: c.rgb_bands }),
    eps: c.eps ?? 1e-6,
    maxIters: c.maxiters ?? 1000,
  });
}

export type { EnumPreset };
