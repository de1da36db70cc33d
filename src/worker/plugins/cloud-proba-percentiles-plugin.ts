/**
 * odc-stats `s2_gm_tools.S2Cloudless_percentiles` (odc/stats/plugins/cloud_proba_percentiles.py):
 * the 5th, 10th and 25th percentiles over time of s2cloudless' cloud probability
 * (`oa_s2cloudless_prob` of DEA's Sentinel-2 ARD, float32), by odc-algo's percentile rule; where
 * the probability stays high even at the 5th percentile, s2cloudless keeps taking the ground
 * for cloud.
 *
 * The class erases the pixels of its mask band's `nodata_classes` only when the mask band is
 * among the bands it loads, and it loads `bands` alone: by default nothing is masked, as here.
 * Listing the mask band in `bands` masks with it, and it is then not a percentile band.
 */
import { z } from 'zod';
import { ODC_ALGO_MIN_VALID, percentileBandName, percentilesOverTime } from '../kernels/percentile.js';
import { enumMask } from '../masking/flags.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, OutputBand, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, parsePluginConfig, refusedKey } from './plugin-config.js';

const NAME = 's2_gm_tools.S2Cloudless_percentiles';
const QUANTILES = [0.05, 0.1, 0.25];

/** DEA's `oa_s2cloudless_mask` (uint8), as its flags_definition names its values. */
const S2CLOUDLESS_MASK_CLASSES: Readonly<Record<string, number>> = { nodata: 0, valid: 1, cloud: 2 };

const schema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    resampling: z.enum(['nearest', 'bilinear', 'cubic', 'average']),
    bands: z.array(z.string()).min(1),
    output_bands: z.array(z.string()),
    mask_band: z.string(),
    nodata_classes: z.array(z.union([z.string(), z.number().int()])),
    // The class keeps it and never casts to it: the percentiles keep the probability's type.
    output_dtype: z.string(),
  })
  .partial();

export function cloudProbaPercentilesPlugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(NAME, schema, config);
  checkBasePluginKeys(NAME, c);
  const bands = c.bands ?? ['oa_s2cloudless_prob'];
  const maskBand = c.mask_band ?? 'oa_s2cloudless_mask';
  const resampling = c.resampling ?? 'cubic';
  const masked = bands.includes(maskBand);
  const probabilities = bands.filter((band) => band !== maskBand);
  if (probabilities.length === 0) throw refusedKey(NAME, 'bands', `names only the mask band ${maskBand}: it needs a probability band to take percentiles of`);
  const computed = probabilities.flatMap((band) => QUANTILES.map((q) => percentileBandName(band, q)));
  const outputs = c.output_bands ?? computed;
  const stray = outputs.find((name) => !computed.includes(name)) ?? computed.find((name) => !outputs.includes(name));
  if (stray !== undefined) {
    throw refusedKey(NAME, 'output_bands', `must be the percentile bands computed from bands, ${computed.join(', ')}: '${stray}' is not among both`);
  }
  const badClasses = masked ? maskClassCodes(c.nodata_classes ?? ['nodata']) : [];
  const measurements: OutputBand[] = outputs.map((name) => ({ name, dtype: 'float32', nodata: Number.NaN, overviewResampling: 'average' }));
  return {
    name: NAME,
    inputs: [
      ...probabilities.map((name) => ({ name, resampling })),
      // odc-stats masks in the bands' own grid, before it resamples: nearest comes closest.
      ...(masked ? [{ name: maskBand, resampling: 'nearest' as const }] : []),
    ],
    measurements,
    quicklook: { kind: 'ramp', band: outputs[0]!, ramp: 'magma' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const masks = masked ? chunk.bands[maskBand]!.map((mask) => usable(mask, badClasses)) : undefined;
      const out: Record<string, SampleArray> = {};
      for (const band of probabilities) {
        const bandOut = QUANTILES.map(() => new Float32Array(pixels));
        percentilesOverTime(chunk.bands[band]!, { nodata: chunk.nodata[band] ?? null, ...(masks && { masks }) }, QUANTILES, bandOut, {
          nodata: Number.NaN,
          minValid: ODC_ALGO_MIN_VALID,
        });
        QUANTILES.forEach((q, k) => (out[percentileBandName(band, q)] = bandOut[k]!));
      }
      return out;
    },
  };
}

/** The mask codes of nodata_classes: names of the s2cloudless mask's classes or integer codes, as enum_to_bool takes them. */
function maskClassCodes(classes: ReadonlyArray<string | number>): number[] {
  return classes.map((name) => {
    const code = typeof name === 'number' ? name : S2CLOUDLESS_MASK_CLASSES[name];
    if (code === undefined) {
      const known = Object.entries(S2CLOUDLESS_MASK_CLASSES).map(([n, v]) => `${v} '${n}'`);
      throw refusedKey(NAME, 'nodata_classes', `has '${name}', which is no class of the s2cloudless mask: ${known.join(', ')}, or an integer code`);
    }
    return code;
  });
}

/** 1 where the mask's value is none of the classes erased. */
function usable(mask: SampleArray, badClasses: readonly number[]): Uint8Array {
  const bad = enumMask(mask, badClasses);
  for (let p = 0; p < bad.length; p++) bad[p] = bad[p] ? 0 : 1;
  return bad;
}
