import { z } from 'zod';
import { geomedian, mads } from '../kernels/geomedian.js';
import { qaPixelBitsOfFlagsSetting } from '../masking/flags.js';
import { parseMaskFilters, type MaskFilter } from '../masking/morphology.js';
import { dnFromReflectance, GEOMEDIAN_SCALING, reflectanceFromDn, USGS_C2_SR_SCALING } from '../masking/scaling.js';
import { isFloatType, isRepresentable } from '../load/sample-cast.js';
import { newSampleArray, sampleTypeOf, type SampleArray, type SampleType } from '../raster.js';
import { UserError } from '../../shared/errors.js';
import type { InputType, ObservationChunk, OutputBand, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, eitherKey, missingPluginKey, parsePluginConfig, refusedKey } from './plugin-config.js';
import type { Resampling } from '../load/load-band.js';
import { enumCloudParts, explainObservation, observationMaskReach, usableObservations, type ObservationMask } from './observation-mask.js';
import type { ObservationVerdict } from '../../shared/pixel-story.js';

/**
 * How a geomedian plugin masks and scales its inputs. The plugin names of odc-stats
 * (`gm-generic`, `gm-s2`, `gm-ls`, `gm-ls-bitmask`) are presets of this; see docs/plugins.md.
 */
interface GeomedianSettings extends ObservationMask {
  name: string;
  bands: string[];
  /** DN → reflectance: DN × scale + offset; the output bands go back the same way. */
  scale: number;
  offset: number;
  /** A DN at or below this is missing (USGS C2 reflectance ≤ 0), besides the band's nodata. */
  minValidDn?: number;
  outputDtype: SampleType;
  outputNodata: number;
  /** Whether the outputs take the type and nodata of the input bands instead (gm-generic, as odc-algo's geomedian). */
  keepInputType?: boolean;
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

/** Pixels whose reflectance stack is made and reduced at once: 31 MiB for 10 bands × 24 dates. */
const PIXELS_PER_BATCH = 32_768;

function makeGeomedianPlugin(s: GeomedianSettings): StatsPlugin {
  const halo = observationMaskReach(s);
  const outScale = s.outputScale ?? s.scale;
  const outOffset = s.outputOffset ?? s.offset;
  const measurements: OutputBand[] = [
    ...s.bands.map((name) => ({ name, dtype: s.outputDtype, nodata: s.outputNodata, overviewResampling: 'average' as const })),
    { name: s.auxNames.smad, dtype: 'float32', nodata: Number.NaN, overviewResampling: 'average' },
    { name: s.auxNames.emad, dtype: s.emadDtype, nodata: s.emadDtype === 'float32' ? Number.NaN : 0, overviewResampling: 'average' },
    { name: s.auxNames.bcmad, dtype: 'float32', nodata: Number.NaN, overviewResampling: 'average' },
    { name: s.auxNames.count, dtype: 'uint16', nodata: 0, overviewResampling: 'nearest' },
  ];
  const plugin: StatsPlugin = {
    name: s.name,
    halo,
    inputs: [
      ...s.bands.map((name) => ({ name, resampling: s.resampling, halo: false })),
      { name: s.maskBand, resampling: 'nearest' as const },
      ...(s.contiguityBand ? [{ name: s.contiguityBand, resampling: 'nearest' as const }] : []),
    ],
    measurements,
    ...(s.rgbBands && { quicklook: { kind: 'rgb' as const, bands: s.rgbBands } }),
    scaling: { scale: s.scale, offset: s.offset },
    observationMask: s,
    explain(chunk: ObservationChunk, pixel: number): ObservationVerdict[] {
      const usable = chunk.days.map((_, t) => usableObservations(chunk, t, s));
      const stack = reflectanceStack(chunk, s, usable, pixel, pixel + 1);
      const times = chunk.days.length;
      return chunk.days.map((_, t) => {
        const verdict = explainObservation(chunk, t, s, pixel);
        if (verdict.outcome !== 'clear') return verdict;
        // The observation is left out where any band's reflectance is, as the stack says.
        const b = s.bands.findIndex((_name, band) => Number.isNaN(stack[band * times + t]!));
        if (b < 0) return verdict;
        const name = s.bands[b]!;
        const dn = chunk.bands[name]![t]![pixel]!;
        if (Number.isNaN(dn) || dn === chunk.nodata[name]) return { outcome: 'nodata', detail: `${name} has no data` };
        return { outcome: 'invalid', detail: `${name} ${dn} is at most ${s.minValidDn}: a reflectance at or below 0` };
      });
    },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      // A reduce thread's plugin is not settled: it finds the type in the chunk, as the task did in the files.
      const { outputDtype, outputNodata } = s.keepInputType ? outputTypeOf(s, chunkInputTypes(chunk, s.bands)) : s;
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const usable = chunk.days.map((_, t) => usableObservations(chunk, t, s));
      const out: Record<string, SampleArray> = {};
      for (const name of s.bands) out[name] = newSampleArray(outputDtype, pixels);
      const smadOut = new Float32Array(pixels);
      const emadOut = s.emadDtype === 'float32' ? new Float32Array(pixels) : newSampleArray(s.emadDtype, pixels);
      const bcmadOut = new Float32Array(pixels);
      const countOut = new Uint16Array(pixels);
      // Pixels are independent: the reflectance stack is made and reduced a batch of pixels at a time, bounding its memory.
      for (let from = 0; from < pixels; from += PIXELS_PER_BATCH) {
        const to = Math.min(pixels, from + PIXELS_PER_BATCH);
        const n = to - from;
        const shape = { bands: s.bands.length, times: chunk.days.length, pixels: n };
        const stack = reflectanceStack(chunk, s, usable, from, to);
        const { median, count } = geomedian(stack, shape, { eps: s.eps, maxIters: s.maxIters });
        const { smad, emad, bcmad } = mads(stack, shape, median);
        s.bands.forEach((name, b) => {
          out[name]!.set(dnFromReflectance(median.subarray(b * n, (b + 1) * n), outputNodata, outScale, outOffset, outputDtype), from);
        });
        const emadDn = new Float32Array(n);
        for (let p = 0; p < n; p++) emadDn[p] = emad[p]! / outScale;
        emadOut.set(s.emadDtype === 'float32' ? emadDn : dnFromReflectance(emadDn, 0, 1, 0, s.emadDtype), from);
        smadOut.set(smad, from);
        bcmadOut.set(bcmad, from);
        countOut.set(count, from);
      }
      out[s.auxNames.smad] = smadOut;
      out[s.auxNames.emad] = emadOut;
      out[s.auxNames.bcmad] = bcmadOut;
      out[s.auxNames.count] = countOut;
      return out;
    },
  };
  if (s.keepInputType) return { ...plugin, withInputTypes: (types) => makeGeomedianPlugin({ ...s, ...outputTypeOf(s, types) }) };
  return plugin;
}

function chunkInputTypes(chunk: ObservationChunk, bands: readonly string[]): Record<string, InputType> {
  const types: Record<string, InputType> = {};
  for (const band of bands) {
    const first = chunk.bands[band]?.[0];
    if (first) types[band] = { dtype: sampleTypeOf(first), nodata: chunk.nodata[band] ?? null };
  }
  return types;
}

/**
 * The output type of a plugin that keeps its inputs': the bands' type and nodata, which they
 * must share (0, or NaN for floats, where they have no nodata); the preset's while unknown.
 */
function outputTypeOf(s: GeomedianSettings, types: Readonly<Record<string, InputType>>): Pick<GeomedianSettings, 'outputDtype' | 'outputNodata'> {
  const first = types[s.bands[0]!];
  if (!first) return s;
  const describe = (t: InputType) => `${t.dtype} with nodata ${t.nodata ?? 'none'}`;
  for (const band of s.bands) {
    const type = types[band];
    if (type && (type.dtype !== first.dtype || !Object.is(type.nodata, first.nodata))) {
      throw new UserError(`${s.name} writes its bands in their own type, which they must share: ${s.bands[0]} is ${describe(first)}, ${band} ${describe(type)}`);
    }
  }
  const nodata = first.nodata !== null && isRepresentable(first.dtype, first.nodata) ? first.nodata : isFloatType(first.dtype) ? Number.NaN : 0;
  return { outputDtype: first.dtype, outputNodata: nodata };
}

/**
 * The reflectance of the chunk's pixels [from, to), `[band][time][pixel]`: NaN where an
 * observation is not usable (`usable`, per time over the whole chunk), its DN is nodata or NaN,
 * or at most `minValidDn`.
 */
function reflectanceStack(chunk: ObservationChunk, s: GeomedianSettings, usable: Uint8Array[], from: number, to: number): Float32Array {
  const n = to - from;
  const times = chunk.days.length;
  const stack = new Float32Array(s.bands.length * times * n);
  for (let t = 0; t < times; t++) {
    const usableAt = usable[t]!;
    s.bands.forEach((name, b) => {
      const dn = chunk.bands[name]![t]!.subarray(from, to);
      const base = (b * times + t) * n;
      const reflectance = reflectanceFromDn(dn, chunk.nodata[name] ?? null, s.scale, s.offset, stack.subarray(base, base + n));
      for (let p = 0; p < n; p++) {
        if (!usableAt[from + p] || (s.minValidDn !== undefined && dn[p]! <= s.minValidDn)) reflectance[p] = Number.NaN;
      }
    });
  }
  return stack;
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
  resampling: z.enum(['nearest', 'bilinear', 'cubic', 'average']),
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
  className: (code: number) => string | undefined;
  nodataClasses: Array<string | number>;
  cloudClasses: Array<string | number>;
  contiguityBand?: string;
  cloudFilters: MaskFilter[];
  /** The output type; with `keepInputType`, only until the inputs' type is known. */
  outputDtype: 'uint16' | 'int16';
  outputNodata: number;
  keepInputType?: boolean;
  auxNames: GeomedianSettings['auxNames'];
  rgbBands?: [string, string, string];
}

export const S2_BANDS = ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'];

/** gm-ls's masking of the fmask band (odc-stats `StatsGMLS`), which other plugins reading fmask default to. */
export const DEA_LS_FMASK_MASKING = {
  nodataClasses: ['nodata'],
  cloudClasses: ['cloud', 'shadow'],
  cloudFilters: [] as MaskFilter[],
};

/** gm-s2's masking of the SCL band (odc-stats `StatsGMS2`), which other plugins reading SCL default to. */
export const S2_SCL_MASKING = {
  nodataClasses: ['no data'],
  cloudClasses: ['cloud shadows', 'cloud medium probability', 'cloud high probability', 'thin cirrus'],
  cloudFilters: [
    ['opening', 2],
    ['dilation', 5],
  ] as MaskFilter[],
};
export const DEA_LS_BANDS = ['nbart_red', 'nbart_green', 'nbart_blue', 'nbart_nir', 'nbart_swir_1', 'nbart_swir_2'];

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
    className: preset.className,
    cloudParts: enumCloudParts(preset.name, withRadiusPairSteps(c), preset.classNames, preset),
    nodataBits: [],
    cloudBits: [],
    ...(contiguityBand && { contiguityBand }),
    cloudFilters: [],
    scale: c.scale ?? GEOMEDIAN_SCALING.scale,
    offset: c.offset ?? GEOMEDIAN_SCALING.offset,
    outputDtype: preset.outputDtype,
    outputNodata: preset.outputNodata,
    ...(preset.keepInputType && { keepInputType: true }),
    auxNames: { ...preset.auxNames, ...c.aux_names },
    emadDtype: 'float32',
    resampling: c.resampling ?? 'bilinear',
    ...quicklookBands(preset.name, c.rgb_bands, preset.rgbBands, bands),
    eps: c.eps ?? 1e-6,
    maxIters: c.maxiters ?? 1000,
  });
}

/**
 * odc-stats' first form of the geomedian's `filters` (2021, still in its README's sample): a pair
 * of radii `[r1, r2]`, odc-algo's `mask_cleanup(mask, (r1, r2))` of the time, an opening of r1
 * then a dilation of r2 of the cloud mask, a radius of 0 skipping its step. Read as those steps.
 */
function withRadiusPairSteps<C extends { filters?: unknown }>(c: C): C {
  const pair = c.filters;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((radius) => typeof radius === 'number')) return c;
  return { ...c, filters: [['opening', pair[0]], ['dilation', pair[1]]] };
}

/**
 * The quicklook's bands: `rgb_bands` as given, which must be among the bands; else the preset's
 * where the bands include them (a config choosing fewer bands gets no quicklook).
 */
function quicklookBands(
  plugin: string,
  given: [string, string, string] | undefined,
  preset: [string, string, string] | undefined,
  bands: readonly string[],
): { rgbBands?: [string, string, string] } {
  const missing = given?.find((b) => !bands.includes(b));
  if (missing !== undefined) throw refusedKey(plugin, 'rgb_bands', `names ${missing}, which is not one of the bands (${bands.join(', ')})`);
  const rgb = given ?? preset;
  return rgb && rgb.every((b) => bands.includes(b)) ? { rgbBands: rgb } : {};
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
    ...quicklookBands(name, c.rgb_bands, undefined, c.bands),
    eps: c.eps ?? 1e-6,
    maxIters: c.maxiters ?? 1000,
  });
}

export type { EnumPreset };
