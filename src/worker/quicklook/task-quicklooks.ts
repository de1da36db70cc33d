/**
 * The quicklooks of a task's outputs, as its plugin asks for them: a full-resolution RGBA COG
 * (odc-stats' `_rgba.tif`) for true-colour plugins, rendered row by row from the full-resolution
 * bands as odc-algo's `to_rgba` draws it with the plugin's `rgb_clamp`, and a small preview image
 * (a PNG, or odc-stats' JPEG thumbnail), measured and drawn from a low-resolution copy of the
 * bands (an overview level of their COGs, kept as the COGs are streamed) with its own stretch.
 */
import type { StatsPlugin } from '../plugins/plugin.js';
import type { Raster } from '../raster.js';
import { downsample, renderRamp, renderRgb } from './render.js';
import { toRgba, type RgbClamp } from './to-rgba.js';

const PREVIEW_SIZE = 256;

/** How large (long side, pixels) the low-resolution copy of a quicklook band should be at least. */
export const QUICKLOOK_SOURCE_SIZE = PREVIEW_SIZE * 4;

/** The bands the plugin's quicklooks are drawn from. */
export function quicklookBands(plugin: StatsPlugin): string[] {
  const spec = plugin.quicklook;
  if (!spec) return [];
  return spec.kind === 'rgb' ? [...spec.bands] : [spec.band];
}

/** RGBA pixels of some rows of an RGB plugin's bands (`rows`, by band name), as odc-algo's `to_rgba` draws them with `clamp`. */
export function renderRgbaRows(plugin: StatsPlugin, rows: Record<string, Raster>, clamp: RgbClamp): Uint8Array {
  const spec = plugin.quicklook;
  if (spec?.kind !== 'rgb') throw new Error(`plugin ${plugin.name} has no true-colour quicklook`);
  return toRgba(spec.bands.map((name) => rows[name]!) as [Raster, Raster, Raster], clamp);
}

/** A small RGBA image: `rgba` row-major, 4 bytes a pixel. */
export interface PreviewImage {
  rgba: Uint8Array;
  width: number;
  height: number;
}

/** The preview, from the bands' low-resolution copies: the plugin's true colour or its one band through a colour ramp. */
export function renderPreview(plugin: StatsPlugin, lowRes: Record<string, Raster>): PreviewImage | undefined {
  const spec = plugin.quicklook;
  if (!spec) return undefined;
  const raster = (name: string): Raster => downsample(lowRes[name]!, PREVIEW_SIZE);
  if (spec.kind === 'rgb') {
    const [r, g, b] = spec.bands.map(raster) as [Raster, Raster, Raster];
    return { rgba: renderRgb([r, g, b], 'auto'), width: r.geobox.width, height: r.geobox.height };
  }
  const band = raster(spec.band);
  return { rgba: renderRamp(band, 'auto', spec.ramp), width: band.geobox.width, height: band.geobox.height };
}
