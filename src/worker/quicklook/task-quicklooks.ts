/**
 * The quicklooks of a task's outputs, as its plugin asks for them: a full-resolution RGBA COG
 * (odc-stats' `_rgba.tif`) for true-colour plugins, and a small preview image (a PNG, or
 * odc-stats' JPEG thumbnail). Both are measured and drawn from a low-resolution copy of the bands
 * (an overview level of their COGs, kept as the COGs are streamed); the RGBA COG is then rendered
 * row by row from the full-resolution bands with the stretch measured there.
 */
import type { StatsPlugin } from '../plugins/plugin.js';
import type { Raster } from '../raster.js';
import { downsample, percentile, renderRamp, renderRgb, type ValueRange } from './render.js';

const PREVIEW_SIZE = 256;

/** How large (long side, pixels) the low-resolution copy of a quicklook band should be at least. */
export const QUICKLOOK_SOURCE_SIZE = PREVIEW_SIZE * 4;

/** The bands the plugin's quicklooks are drawn from. */
export function quicklookBands(plugin: StatsPlugin): string[] {
  const spec = plugin.quicklook;
  if (!spec) return [];
  return spec.kind === 'rgb' ? [...spec.bands] : [spec.band];
}

/**
 * The stretch of an RGB plugin's RGBA COG: the 2nd to 98th percentiles of the three bands,
 * measured on their low-resolution copies (`lowRes`, by band name). Undefined for other
 * plugins, and where the bands hold no valid sample.
 */
export function rgbaStretch(plugin: StatsPlugin, lowRes: Record<string, Raster>): ValueRange | undefined {
  const spec = plugin.quicklook;
  if (spec?.kind !== 'rgb') return undefined;
  const reduced = spec.bands.map((name) => downsample(lowRes[name]!, QUICKLOOK_SOURCE_SIZE));
  const lows = reduced.map((b) => percentile(b, 2)).filter((v): v is number => v !== null);
  const highs = reduced.map((b) => percentile(b, 98)).filter((v): v is number => v !== null);
  if (lows.length === 0) return undefined;
  return { min: Math.min(...lows), max: Math.max(...highs) };
}

/** RGBA pixels of some rows of an RGB plugin's bands (`rows`, by band name), stretched by `rgbaStretch`. */
export function renderRgbaRows(plugin: StatsPlugin, rows: Record<string, Raster>, stretch: ValueRange): Uint8Array {
  const spec = plugin.quicklook;
  if (spec?.kind !== 'rgb') throw new Error(`plugin ${plugin.name} has no true-colour quicklook`);
  return renderRgb(spec.bands.map((name) => rows[name]!) as [Raster, Raster, Raster], stretch);
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
