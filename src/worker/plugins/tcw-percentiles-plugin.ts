import { z } from 'zod';
import { ODC_ALGO_MIN_VALID, percentileBandName, percentilesOverTime } from '../kernels/percentile.js';
import { cloudMask, cloudMaskReach, parseCloudFilters, type CloudMaskPart } from '../masking/cloud-filters.js';
import { enumMask, fmaskClasses } from '../masking/flags.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, OutputBand, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, parsePluginConfig, refusedKey } from './plugin-config.js';

/**
 * odc-stats `tcw-percentiles` (odc/stats/plugins/tcw_percentiles.py, StatsTCWPC): tasselled-cap
 * indices of DEA Collection 3 Landsat surface reflectance (int16 DN), each Σ coefficient × DN
 * truncated to int16, per clear observation; then their 10th, 50th and 90th percentiles
 * (int16, nodata −9999).
 */
const NAME = 'tcw-percentiles';
const QUANTILES = [0.1, 0.5, 0.9];
const NODATA = -9999;
/** The DN odc-stats takes as missing in every input band (DEA ARD's nodata). */
const INPUT_NODATA = -999;

/** odc-stats' default coefficients (StatsTCWPC.__init__), by index and band (DEA alias). */
const DEFAULT_COEFFICIENTS: Record<string, Record<string, number>> = {
  wet: { blue: 0.0315, green: 0.2021, red: 0.3102, nir: 0.1594, swir1: -0.6806, swir2: -0.6109 },
  bright: { blue: 0.2043, green: 0.4158, red: 0.5524, nir: 0.5741, swir1: 0.3124, swir2: 0.2303 },
  green: { blue: -0.1603, green: -0.2819, red: -0.4934, nir: 0.794, swir1: -0.0002, swir2: -0.1446 },
};
const DEFAULT_INPUT_BANDS = ['blue', 'green', 'red', 'nir', 'swir1', 'swir2', 'fmask', 'nbart_contiguity'];
const DEFAULT_OUTPUT_BANDS = ['wet', 'bright', 'green'];

/**
 * odc-stats names bands by the aliases of DEA's ga_ls*_ard_3 product definitions; the STAC
 * asset keys here are the measurements' names.
 */
const DEA_ARD_ALIASES: ReadonlyMap<string, string> = new Map([
  ['nbart_band01', 'nbart_coastal_aerosol'],
  ['coastal_aerosol', 'nbart_coastal_aerosol'],
  ['nbart_band02', 'nbart_blue'],
  ['blue', 'nbart_blue'],
  ['nbart_band03', 'nbart_green'],
  ['green', 'nbart_green'],
  ['nbart_band04', 'nbart_red'],
  ['red', 'nbart_red'],
  ['nbart_band05', 'nbart_nir'],
  ['nir', 'nbart_nir'],
  ['nbart_band06', 'nbart_swir_1'],
  ['swir_1', 'nbart_swir_1'],
  ['swir1', 'nbart_swir_1'],
  ['nbart_band07', 'nbart_swir_2'],
  ['swir_2', 'nbart_swir_2'],
  ['swir2', 'nbart_swir_2'],
  ['fmask', 'oa_fmask'],
  ['nbart_contiguity', 'oa_nbart_contiguity'],
]);
const FMASK = 'oa_fmask';
const CONTIGUITY = 'oa_nbart_contiguity';

function assetKey(band: string): string {
  return DEA_ARD_ALIASES.get(band) ?? band;
}

interface TcwSettings {
  /** Per output index, its terms in odc-stats' order of summation, by asset key. */
  indices: Array<{ name: string; terms: Array<{ band: string; coefficient: number }> }>;
  /** Asset keys of the loaded bands, masks included. */
  inputs: string[];
  /** The fmask classes masked as cloud, each cleaned with its steps. */
  cloudParts: CloudMaskPart[];
  resampling: 'nearest' | 'bilinear' | 'average';
  rgbBands?: [string, string, string];
}

const schema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    coefficients: z.record(z.string(), z.record(z.string(), z.number())).nullable(),
    input_bands: z.array(z.string()).min(1).nullable(),
    output_bands: z.array(z.string()).min(1).nullable(),
    cloud_filters: z.record(z.string(), z.unknown()).nullable(),
    resampling: z.enum(['nearest', 'bilinear', 'average']),
    rgb_bands: z.tuple([z.string(), z.string(), z.string()]),
  })
  .partial();

export function tcwPercentilesPlugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(NAME, schema, config);
  checkBasePluginKeys(NAME, c);
  const coefficients = c.coefficients ?? DEFAULT_COEFFICIENTS;
  const inputs = [...new Set((c.input_bands ?? DEFAULT_INPUT_BANDS).map(assetKey))];
  for (const mask of [FMASK, CONTIGUITY]) {
    if (!inputs.includes(mask)) throw refusedKey(NAME, 'input_bands', `must include ${mask} (or its alias ${mask.replace(/^oa_/, '')}): odc-stats masks with it`);
  }
  const indices = (c.output_bands ?? DEFAULT_OUTPUT_BANDS).map((name) => {
    const terms = coefficients[name];
    if (terms === undefined) throw refusedKey(NAME, 'output_bands', `names '${name}', which coefficients has no entry for (it has ${Object.keys(coefficients).join(', ')})`);
    return { name, terms: Object.entries(terms).map(([band, coefficient]) => ({ band: assetKey(band), coefficient })) };
  });
  for (const { band } of indices.flatMap((i) => i.terms)) {
    if (!inputs.includes(band)) throw refusedKey(NAME, 'coefficients', `uses band ${band}, which input_bands leaves out`);
  }
  // Without cloud_filters odc-stats masks fmask cloud and shadow as they are; with it, only the classes it names.
  const cloudParts =
    c.cloud_filters === undefined || c.cloud_filters === null
      ? [{ classes: fmaskClasses(['cloud', 'shadow']), filters: [] }]
      : parseCloudFilters(withDefaultSteps(c.cloud_filters), 'plugin_config.cloud_filters', fmaskClasses, []);
  return makeTcwPlugin({ indices, inputs, cloudParts, resampling: c.resampling ?? 'bilinear', ...(c.rgb_bands && { rgbBands: c.rgb_bands }) });
}

/** A class without steps (`cloud:` with no value) gets odc-algo mask_cleanup's default steps. */
function withDefaultSteps(filters: Record<string, unknown>): Record<string, unknown> {
  const opening2dilation5 = [
    ['opening', 2],
    ['dilation', 5],
  ];
  return Object.fromEntries(Object.entries(filters).map(([name, steps]) => [name, steps ?? opening2dilation5]));
}

function makeTcwPlugin(s: TcwSettings): StatsPlugin {
  const measurements: OutputBand[] = s.indices.flatMap(({ name }) =>
    QUANTILES.map((q) => ({ name: percentileBandName(name, q), dtype: 'int16' as const, nodata: NODATA, overviewResampling: 'average' as const })),
  );
  const names = s.indices.map((i) => i.name);
  // DEA's preview: brightness, greenness and wetness medians as red, green, blue.
  const rgbBands = s.rgbBands ?? (['bright', 'green', 'wet'].every((n) => names.includes(n)) ? (['bright_pc_50', 'green_pc_50', 'wet_pc_50'] as [string, string, string]) : undefined);
  if (rgbBands) checkRgbBands(rgbBands, measurements);
  const reflectanceBands = s.inputs.filter((band) => band !== FMASK && band !== CONTIGUITY);
  return {
    name: NAME,
    productDefaults: { name: 'ga_tc_percentiles', version: '1.0.1' },
    halo: cloudMaskReach(s.cloudParts),
    inputs: s.inputs.map((name) => ({ name, resampling: name === FMASK || name === CONTIGUITY ? 'nearest' : s.resampling })),
    measurements,
    quicklook: rgbBands ? { kind: 'rgb', bands: rgbBands } : { kind: 'ramp', band: percentileBandName(names[0]!, 0.5), ramp: 'viridis' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const series = s.indices.map(() => [] as Int16Array[]);
      chunk.days.forEach((_, t) => {
        const bad = badObservations(chunk, t, s, reflectanceBands);
        s.indices.forEach(({ terms }, i) => {
          const bands = terms.map((term) => chunk.bands[term.band]![t]!);
          const index = new Int16Array(pixels);
          for (let p = 0; p < pixels; p++) {
            if (bad[p]) {
              index[p] = NODATA;
              continue;
            }
            let sum = 0;
            for (let k = 0; k < terms.length; k++) sum += terms[k]!.coefficient * bands[k]![p]!;
            // numpy's astype(int16): toward zero, wrapping as Int16Array stores.
            index[p] = Math.trunc(sum);
          }
          series[i]!.push(index);
        });
      });
      const out: Record<string, SampleArray> = {};
      s.indices.forEach(({ name }, i) => {
        const indexOut = QUANTILES.map(() => new Int16Array(pixels));
        percentilesOverTime(series[i]!, { nodata: NODATA }, QUANTILES, indexOut, { nodata: NODATA, minValid: ODC_ALGO_MIN_VALID });
        QUANTILES.forEach((q, k) => (out[percentileBandName(name, q)] = indexOut[k]!));
      });
      return out;
    },
  };
}

/**
 * 1 where observation t is not used: fmask nodata, contiguity 0, a cloud part, or any
 * reflectance band at −999 (odc-stats' test) or at its own nodata (the same in DEA's ARD).
 */
function badObservations(chunk: ObservationChunk, t: number, s: TcwSettings, reflectanceBands: readonly string[]): Uint8Array {
  const { width, height } = chunk.geobox;
  const fmask = chunk.bands[FMASK]![t]!;
  const contiguity = chunk.bands[CONTIGUITY]![t]!;
  const bad = cloudMask(fmask, width, height, s.cloudParts);
  const nodata = enumMask(fmask, fmaskClasses(['nodata']));
  for (let p = 0; p < bad.length; p++) if (nodata[p] || contiguity[p] === 0) bad[p] = 1;
  for (const band of reflectanceBands) {
    const dn = chunk.bands[band]![t]!;
    const own = chunk.nodata[band] ?? INPUT_NODATA;
    for (let p = 0; p < bad.length; p++) {
      const v = dn[p]!;
      if (v === INPUT_NODATA || v === own || v !== v) bad[p] = 1;
    }
  }
  return bad;
}

/** rgb_bands (odc-stats: the bands of its rgba preview; here the quicklook's) must be outputs. */
function checkRgbBands(rgbBands: readonly string[], measurements: readonly OutputBand[]): void {
  const missing = rgbBands.find((band) => !measurements.some((m) => m.name === band));
  if (missing !== undefined) throw refusedKey(NAME, 'rgb_bands', `names '${missing}', which is not an output band`);
}
