/**
 * Mangrove canopy cover classes (odc-stats `mangroves.py`) from one year's fractional cover and
 * tasselled cap wetness percentiles, inside a mangrove extent.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { isCopiedBeforeRuns } from '../../shared/copied-files.js';
import { UserError } from '../../shared/errors.js';
import type { SampleArray } from '../raster.js';
import { ExtentRasterizer, readExtent } from './mangroves-extent.js';
import type { ObservationChunk, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, missingPluginKey, parsePluginConfig, refusedKey } from './plugin-config.js';

const NODATA = 255;
/** fc-percentiles' `qa`: insufficient observations, dry; a mangrove pixel so is class 0, not observed. */
const QA_NOT_SURE = 1;
/** fc-percentiles' `qa`: enough clear observations. */
const QA_SUFFICIENT = 2;

const mangrovesSchema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    mangroves_extent: z.string(),
    pv_thresholds: z.array(z.number()).min(1).nullable(),
    tcw_threshold: z.number(),
    resampling: z.enum(['nearest', 'bilinear', 'average']),
  })
  .partial();

/** odc-stats `mangroves` (`Mangroves`): `canopy_cover_class` 0–3, 255 outside the extent or where not mangrove. */
export function mangrovesPlugin(config: Record<string, unknown>): StatsPlugin {
  const name = 'mangroves';
  const c = parsePluginConfig(name, mangrovesSchema, config);
  checkBasePluginKeys(name, c);
  const extentFile = c.mangroves_extent;
  if (extentFile === undefined) throw missingPluginKey(name, 'mangroves_extent', 'the mangrove extent, a shapefile or GeoJSON file in the output CRS');
  if (!isCopiedBeforeRuns(extentFile) && !existsSync(extentFile)) throw refusedKey(name, 'mangroves_extent', `names ${extentFile}, which is not found`);
  const thresholds = c.pv_thresholds ?? [14, 38, 60];
  const firstThreshold = thresholds[0]!;
  const tcwThreshold = c.tcw_threshold ?? -1850;
  const resampling = c.resampling ?? 'bilinear';
  // Read on the first chunk: a host makes the plugin too, and has no use for the polygons.
  let extent: ExtentRasterizer | undefined;
  return {
    name,
    inputs: [
      { name: 'pv_pc_10', resampling },
      { name: 'qa', resampling: 'nearest' },
      { name: 'wet_pc_10', resampling },
    ],
    measurements: [{ name: 'canopy_cover_class', dtype: 'uint8', nodata: NODATA, overviewResampling: 'mode' }],
    quicklook: { kind: 'ramp', band: 'canopy_cover_class', ramp: 'viridis' },
    productDefaults: { name: 'mangroves', version: '0.0.2' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const cover = new Uint8Array(pixels).fill(NODATA);
      if (chunk.days.length === 0) return { canopy_cover_class: cover };
      if (chunk.days.length > 1) {
        throw new UserError(`mangroves classifies one year's percentiles, and this task has ${chunk.days.length} days (${chunk.days.join(', ')}): plan it with one dataset a tile and period`);
      }
      extent ??= new ExtentRasterizer(readExtent(extentFile));
      const inside = extent.rasterize(chunk.geobox);
      const pv = chunk.bands['pv_pc_10']![0]!;
      const qa = chunk.bands['qa']![0]!;
      const wet = chunk.bands['wet_pc_10']![0]!;
      for (let p = 0; p < pixels; p++) {
        if (!inside[p] || !(wet[p]! > tcwThreshold)) continue;
        const q = qa[p];
        if (q === QA_NOT_SURE) {
          cover[p] = 0;
        } else if (q === QA_SUFFICIENT && pv[p]! > firstThreshold) {
          let cls = 0;
          for (const t of thresholds) if (pv[p]! > t) cls++;
          cover[p] = cls;
        }
      }
      return { canopy_cover_class: cover };
    },
  };
}
