/**
 * odc-stats `ndvi-median` (odc/stats/plugins/ls_ndvi_median.py, StatsNDVI): the median over a
 * task's clear days of NDVI = (nbart_nir − nbart_red) ÷ (nbart_nir + nbart_red), in float32.
 */
import { z } from 'zod';
import { enumMask, fmaskClasses } from '../masking/flags.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, missingPluginKey, parsePluginConfig, refusedKey } from './plugin-config.js';

const NAME = 'ndvi-median';
/** StatsNDVI.reduce reads these two by name, whatever input_bands says. */
const NIR = 'nbart_nir';
const RED = 'nbart_red';

const schema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    input_bands: z.array(z.string()).min(1).nullable(),
    // odc-stats renames the median to it, so one band name, not a list.
    output_bands: z.string().nullable(),
    mask_band: z.string().nullable(),
    contiguity_band: z.string().nullable(),
    resampling: z.enum(['nearest', 'bilinear', 'average']),
  })
  .partial();

export function ndviMedianPlugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(NAME, schema, config);
  checkBasePluginKeys(NAME, c);
  // StatsNDVI's constructor has no defaults for these four.
  if (!c.input_bands) throw missingPluginKey(NAME, 'input_bands', `the reflectance bands, as [${RED}, ${NIR}]`);
  if (!c.output_bands) throw missingPluginKey(NAME, 'output_bands', 'the name of the median band, as ndvi_median');
  if (!c.mask_band) throw missingPluginKey(NAME, 'mask_band', 'the fmask band, as oa_fmask');
  if (!c.contiguity_band) throw missingPluginKey(NAME, 'contiguity_band', 'the contiguity band, as oa_nbart_contiguity');
  const missing = [RED, NIR].find((band) => !c.input_bands!.includes(band));
  if (missing !== undefined) throw refusedKey(NAME, 'input_bands', `must include ${missing}: NDVI is computed from ${RED} and ${NIR}`);
  const output = c.output_bands;
  const maskBand = c.mask_band;
  const contiguityBand = c.contiguity_band;
  const resampling = c.resampling ?? 'bilinear';
  const reflectance = c.input_bands.filter((band) => band !== maskBand && band !== contiguityBand);
  return {
    name: NAME,
    inputs: [
      ...reflectance.map((name) => ({ name, resampling })),
      { name: maskBand, resampling: 'nearest' },
      { name: contiguityBand, resampling: 'nearest' },
    ],
    measurements: [{ name: output, dtype: 'float32', nodata: Number.NaN, overviewResampling: 'average' }],
    quicklook: { kind: 'ramp', band: output, ramp: 'viridis' },
    productDefaults: { name: 'ndvi_median', version: '1.0' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const daily = chunk.days.map((_, t) => dailyNdvi(chunk, t, maskBand, contiguityBand));
      const median = new Float32Array(pixels);
      const values = new Float64Array(daily.length);
      for (let p = 0; p < pixels; p++) {
        let n = 0;
        for (const ndvi of daily) if (!Number.isNaN(ndvi[p]!)) values[n++] = ndvi[p]!;
        median[p] = nanMedian(values.subarray(0, n));
      }
      return { [output]: median };
    },
  };
}

/**
 * Day t's NDVI, NaN where the day is not used: fmask nodata, cloud or shadow, contiguity 0,
 * either band at its nodata (or NaN).
 */
function dailyNdvi(chunk: ObservationChunk, t: number, maskBand: string, contiguityBand: string): Float32Array {
  const fmask = chunk.bands[maskBand]![t]!;
  const contiguity = chunk.bands[contiguityBand]![t]!;
  const bad = enumMask(fmask, fmaskClasses(['nodata', 'cloud', 'shadow']));
  const nir = chunk.bands[NIR]![t]!;
  const red = chunk.bands[RED]![t]!;
  const nirNodata = chunk.nodata[NIR] ?? Number.NaN;
  const redNodata = chunk.nodata[RED] ?? Number.NaN;
  const ndvi = new Float32Array(bad.length).fill(Number.NaN);
  for (let p = 0; p < bad.length; p++) {
    const n = nir[p]!;
    const r = red[p]!;
    if (bad[p] || contiguity[p] === 0 || n === nirNodata || r === redNodata) continue;
    // Stored as float32: a float32 quotient of the two values, which fit float32 exactly.
    ndvi[p] = (n - r) / (n + r);
  }
  return ndvi;
}

/** numpy's median of the values (NaN for none): the middle one, or the float32 mean of the middle two. */
function nanMedian(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  values.sort();
  const upper = values[n >> 1]!;
  return n % 2 === 1 ? upper : Math.fround(values[(n >> 1) - 1]! + upper) / 2;
}
