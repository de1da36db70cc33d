import { z } from 'zod';
import { geomedian, mads } from '../kernels/geomedian.js';
import { cloudMask, cloudMaskReach, isPerClassFilters, parseCloudFilters, type CloudMaskPart } from '../masking/cloud-filters.js';
import { bitMask, CONTIGUOUS, enumMask, qaPixelBitsOfFlagsSetting } from '../masking/flags.js';
import { filtersReach, maskCleanup, parseMaskFilters, type MaskFilter } from '../masking/morphology.js';
import { dnFromReflectance, GEOMEDIAN_SCALING, reflectanceFromDn, USGS_C2_SR_SCALING } from '../masking/scaling.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, OutputBand, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, eitherKey, missingPluginKey, parsePluginConfig, refusedKey } from './plugin-config.js';
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
  /** For `enum` masks: the cloud classes, each part cleaned with its own filters, OR-ed. */
  cloudParts: CloudMaskPart[];
  /** For `qa-pixel` masks: bits whose set value marks a pixel missing / cloudy. */
  nodataBits: number[];
  cloudBits: number[];
  contiguityBand?: string;
  /** For `qa-pixel` masks: the filters of the cloud bits' mask. */
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
  emadDtype: 'float32' | 'uint16' | 'int16';
  resampling: Resampling;
  rgbBands?: [string, string, string];
  eps: number;
  maxIters: number;
}

function makeGeomedianPlugin(s: GeomedianSettings): StatsPlugin {
  const halo = s.maskKind === 'enum' ? cloudMaskReach(s.cloudParts) : filtersReach(s.cloudFilters);
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
      out[s.auxNames.emad] = s.emadDtype === 'float32' ? emadDn : dnFromReflectance(emadDn, 0, 1, 0, s.emadDtype);
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
  let cloud: Uint8Array;
  if (s.maskKind === 'enum') cloud = cloudMask(mask, width, height, s.cloudParts);
  else {
    cloud = bitMask(mask, s.cloudBits);
    if (s.cloudFilters.length > 0) cloud = maskCleanup(cloud, width, height, s.cloudFilters);
  }
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
  ...BASE_PLUGIN_KEYS,
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

const enumConfigSchema = z
  .object({
    ...common,
    contiguity_band: z.string(),
    /** The older odc-stats name of `cloud_filters` (a list of steps for the union of `cloud_classes`). */
    filters: filtersValue,
    /** The first band, as odc-stats' default; another one is refused. */
    basis_band: z.string().nullable(),
    /** odc-stats gm-ls: nodata of its MAD bands; NaN, as here, is accepted. */
    nodata_defs: z.record(z.string(), z.union([z.number(), z.nan()], { error: 'must be a number or .nan' })).nullable(),
  })
  .partial();
const bitmaskConfigSchema = z
  .object({
    ...common,
    nodata_flags: z.unknown(),
    cloud_flags: z.unknown(),
    /** odc-stats' name of `cloud_flags`. */
    flags: z.unknown(),
    /** odc-stats' name of `cloud_filters`. */
    filters: filtersValue,
    /** Output DN = reflectance × output_scale. */
    output_scale: z.number().positive(),
    output_dtype: z.enum(['uint16', 'int16'], { error: 'must be uint16 or int16 (the output types of this program)' }),
  })
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

/**
 * The cloud mask's parts of an enum geomedian's config: `cloud_filters` (or its older name
 * `filters`) as a list for the union of the cloud classes or as a mapping of class to filters
 * (then the mapping names the cloud classes, and `cloud_classes` is refused); without either,
 * the preset's classes and filters.
 */
function enumCloudParts(preset: EnumPreset, c: z.infer<typeof enumConfigSchema>): CloudMaskPart[] {
  const filters = eitherKey(preset.name, c, 'cloud_filters', 'filters');
  if (filters && isPerClassFilters(filters.value) && c.cloud_classes !== undefined) {
    throw refusedKey(preset.name, 'cloud_classes', `cannot be given with ${filters.key} as a mapping: the mapping's keys are the cloud classes`);
  }
  const cloudClasses = c.cloud_classes ?? preset.cloudClasses;
  if (!filters) return [{ classes: preset.classNames(cloudClasses), filters: preset.cloudFilters }];
  return parseCloudFilters(filters.value, `plugin_config.${filters.key}`, preset.classNames, cloudClasses);
}

/** Refuses an enum geomedian's odc-stats keys this program cannot honour. */
function checkEnumKeys(preset: EnumPreset, c: z.infer<typeof enumConfigSchema>, bands: readonly string[]): void {
  checkBasePluginKeys(preset.name, c);
  if (c.basis_band !== undefined && c.basis_band !== null && c.basis_band !== bands[0]) {
    throw refusedKey(preset.name, 'basis_band', `must be the first band (${bands[0]}), the default: another basis grid is not supported yet`);
  }
  for (const [band, nodata] of Object.entries(c.nodata_defs ?? {})) {
    if (!Number.isNaN(nodata)) throw refusedKey(preset.name, 'nodata_defs', `sets ${band} to ${nodata}: only NaN, the nodata of the MAD bands here, is supported`);
  }
}

/** A geomedian plugin whose mask band is a classification (SCL, fmask). */
export function enumGeomedianPlugin(preset: EnumPreset, config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(preset.name, enumConfigSchema, config);
  const bands = c.bands ?? preset.bands;
  if (!bands) throw missingPluginKey(preset.name, 'bands', 'the reflectance bands to combine');
  checkEnumKeys(preset, c, bands);
  const contiguityBand = c.contiguity_band ?? preset.contiguityBand;
  return makeGeomedianPlugin({
    name: preset.name,
    bands,
    maskBand: c.mask_band ?? preset.maskBand,
    maskKind: 'enum',
    nodataClasses: preset.classNames(c.nodata_classes ?? preset.nodataClasses),
    cloudParts: enumCloudParts(preset, c),
    nodataBits: [],
    cloudBits: [],
    ...(contiguityBand && { contiguityBand }),
    cloudFilters: [],
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
  checkBasePluginKeys(name, c);
  const nodataBits = c.nodata_flags === undefined ? [0] : qaPixelBitsOfFlagsSetting(c.nodata_flags, 'plugin_config.nodata_flags');
  const flags = eitherKey(name, c, 'cloud_flags', 'flags');
  const cloudBits = flags === undefined ? [3, 2] : qaPixelBitsOfFlagsSetting(flags.value, `plugin_config.${flags.key}`);
  const filters = eitherKey(name, c, 'cloud_filters', 'filters');
  const outputDtype = c.output_dtype ?? 'uint16';
  const scale = c.scale ?? USGS_C2_SR_SCALING.scale;
  const offset = c.offset ?? USGS_C2_SR_SCALING.offset;
  return makeGeomedianPlugin({
    name,
    bands: c.bands,
    maskBand: c.mask_band ?? 'QA_PIXEL',
    maskKind: 'qa-pixel',
    nodataClasses: [],
    cloudParts: [],
    nodataBits,
    cloudBits,
    cloudFilters: filters === undefined ? [] : parseMaskFilters(filters.value, `plugin_config.${filters.key}`),
    // Outputs as reflectance × 10 000.
    scale,
    offset,
    // odc-stats keeps a pixel where every band's DN > −offset / scale (reflectance > 0): 7272.7.
    minValidDn: Math.floor(-offset / scale),
    outputDtype,
    outputNodata: 0,
    // odc-stats: DN × scale × output_scale + offset × output_scale = reflectance × output_scale.
    outputScale: 1 / (c.output_scale ?? 10_000),
    outputOffset: 0,
    auxNames: { smad: 'smad', emad: 'emad', bcmad: 'bcmad', count: 'count', ...c.aux_names },
    emadDtype: outputDtype,
    resampling: c.resampling ?? 'bilinear',
    ...(c.rgb_bands && { rgbBands: c.rgb_bands }),
    eps: c.eps ?? 1e-6,
    maxIters: c.maxiters ?? 1000,
  });
}

export type { EnumPreset };
