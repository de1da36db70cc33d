/**
 * The quicklooks of a task's outputs, as its plugin asks for them: a full-resolution RGBA COG
 * (odc-stats' `_rgba.tif`) for true-colour plugins, and a small PNG preview.
 */
import type { GeoBox } from '../../shared/geobox.js';
import { encodeRgbaCog } from '../cog/cog-writer.js';
import type { StatsPlugin } from '../plugins/plugin.js';
import type { Raster, SampleArray } from '../raster.js';
import { encodePng } from './png.js';
import { downsample, percentile, renderRamp, renderRgb } from './render.js';

const PREVIEW_SIZE = 256;

/**
 * The full-resolution RGBA COG of an RGB plugin, stretched between the 2nd and 98th
 * percentiles of the three bands, measured on a reduced copy.
 */
export function renderRgbaCog(plugin: StatsPlugin, outputs: Record<string, SampleArray>, tile: GeoBox): Uint8Array | undefined {
  const spec = plugin.quicklook;
  if (spec?.kind !== 'rgb') return undefined;
  const bands = spec.bands.map((name) => {
    const band = plugin.measurements.find((m) => m.name === name)!;
    return { geobox: tile, data: outputs[name]!, nodata: band.nodata };
  }) as [Raster, Raster, Raster];
  const reduced = bands.map((b) => downsample(b, PREVIEW_SIZE * 4));
  const lows = reduced.map((b) => percentile(b, 2)).filter((v): v is number => v !== null);
  const highs = reduced.map((b) => percentile(b, 98)).filter((v): v is number => v !== null);
  if (lows.length === 0) return undefined;
  const rgba = renderRgb(bands, { min: Math.min(...lows), max: Math.max(...highs) });
  return encodeRgbaCog(rgba, tile, { overviewResampling: 'average' });
}

/** The PNG preview: the plugin's true colour or its one band through a colour ramp. */
export function renderPreview(plugin: StatsPlugin, outputs: Record<string, SampleArray>, tile: GeoBox): Uint8Array | undefined {
  const spec = plugin.quicklook;
  if (!spec) return undefined;
  const raster = (name: string): Raster => {
    const band = plugin.measurements.find((m) => m.name === name)!;
    return downsample({ geobox: tile, data: outputs[name]!, nodata: band.nodata }, PREVIEW_SIZE);
  };
  if (spec.kind === 'rgb') {
    const [r, g, b] = spec.bands.map(raster) as [Raster, Raster, Raster];
    return encodePng(renderRgb([r, g, b], 'auto'), r.geobox.width, r.geobox.height);
  }
  const band = raster(spec.band);
  return encodePng(renderRamp(band, 'auto', spec.ramp), band.geobox.width, band.geobox.height);
}
