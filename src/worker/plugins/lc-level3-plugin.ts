/**
 * Land cover level 3 (odc-stats `lc_level3.py`, StatsLccsLevel3, registered `lccs_level3`):
 * A1's classes with the cultivated classes laid over them, and the urban classes over bare
 * surface.
 */
import { z } from 'zod';
import { UserError } from '../../shared/errors.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, parsePluginConfig, refusedKey } from './plugin-config.js';

const NAME = 'lccs_level3';
const NODATA = 255;
/** A1's bare surface class, which odc-stats replaces by the urban classes. */
const BARE_SURFACE = 210;
const BANDS = ['classes_l3_l4', 'cultivated_class', 'urban_classes'];

const schema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    input_bands: z.array(z.string()).nullable(),
    resampling: z.enum(['nearest', 'bilinear', 'average']),
  })
  .partial();

export function lccsLevel3Plugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(NAME, schema, config);
  checkBasePluginKeys(NAME, c);
  const missing = c.input_bands ? BANDS.find((b) => !c.input_bands!.includes(b)) : undefined;
  if (missing !== undefined) throw refusedKey(NAME, 'input_bands', `must include ${missing}: the rules read it`);
  // odc-stats' default, though classes resampled bilinearly are no classes: configs set nearest.
  const resampling = c.resampling ?? 'bilinear';
  return {
    name: NAME,
    inputs: BANDS.map((band) => ({ name: band, resampling })),
    measurements: [{ name: 'level3_class', dtype: 'uint8', nodata: NODATA, overviewResampling: 'mode' }],
    quicklook: { kind: 'ramp', band: 'level3_class', ramp: 'viridis' },
    productDefaults: { name: 'ga_ls_lccs_level3', version: '0.0.1' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const level3 = new Uint8Array(pixels).fill(NODATA);
      if (chunk.days.length === 0) return { level3_class: level3 };
      if (chunk.days.length > 1) {
        throw new UserError(`${NAME} classes one year's products, and this task has ${chunk.days.length} days (${chunk.days.join(', ')}): plan it with one dataset a tile and period`);
      }
      const [l3, cultivated, urban] = BANDS.map((b) => chunk.bands[b]![0]!) as [SampleArray, SampleArray, SampleArray];
      for (let p = 0; p < pixels; p++) {
        const cls = cultivated[p]! < NODATA ? cultivated[p]! : l3[p]!;
        level3[p] = cls === BARE_SURFACE ? urban[p]! : cls;
      }
      return { level3_class: level3 };
    },
  };
}
