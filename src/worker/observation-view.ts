/**
 * One input observation of a task as the map shows it: the day's true colour, and the plugin's
 * mask of it — the mask band's classes as read, and what the filters made of them — so that
 * cloud filter settings can be judged by eye; and the task's latest clear view. Loaded and masked by the run's own code, on a Web
 * Mercator box over the tile (maplibre draws image sources in it) of about the tile's pixel
 * size: the filters then work on the map's pixels, which near the tile's size and at low
 * latitudes are the tile's within a pixel or so.
 */
import { Buffer } from 'node:buffer';
import type { GeoBox } from '../shared/geobox.js';
import { transformer } from '../shared/crs.js';
import { UserError } from '../shared/errors.js';
import { tileFootprintLonLat, polygonalBBox, polygonsOfGeoJSON } from '../shared/geometry.js';
import { tileGeobox } from '../shared/grid.js';
import type { ObservationView } from '../shared/pixel-story.js';
import { formatTaskId } from '../shared/task-id.js';
import type { WorkerTask } from '../shared/task-messages.js';
import { closeCachedCogs } from './load/load-band.js';
import { cloudOrNotContiguous, maskStages, usableObservations, type ObservationMask } from './plugins/observation-mask.js';
import type { ObservationChunk, StatsPlugin } from './plugins/plugin.js';
import { encodePng } from './quicklook/png.js';
import { renderRgb, type ValueRange } from './quicklook/render.js';
import type { Raster } from './raster.js';
import { groupByDay, loadObservations, taskGrid, taskPlugin } from './task-observations.js';

/** The longest side of a view, pixels. */
const MAX_SIDE = 1024;
/** True colour from reflectance 0 (black) to 0.3 (white), where the plugin scales its bands. */
const REFLECTANCE_STRETCH = { min: 0, max: 0.3 };

/** The observation of `day` of the task, drawn for the map. */
export async function viewObservation(task: WorkerTask, day: string): Promise<ObservationView> {
  try {
    const plugin = await taskPlugin(task);
    const days = groupByDay(task.datasets);
    const entry = days.find(([d]) => d === day);
    if (!entry) throw new UserError(`task ${formatTaskId(task.id)} has no observation on ${day}`);
    const tile = tileGeobox(taskGrid(task), task.id);
    const { geobox, coordinates } = mercatorBox(task, tile);
    const chunk = await loadObservations(task, plugin, [entry], geobox, 0, () => true, undefined, { reading: 'once' });
    const rgb = trueColour(plugin, chunk);
    const mask = plugin.observationMask;
    return {
      task: formatTaskId(task.id),
      day,
      days: days.map(([d]) => d),
      coordinates,
      ...(rgb && { rgb }),
      ...(mask && maskImages(chunk, mask)),
    };
  } finally {
    await closeCachedCogs();
  }
}

/**
 * The latest clear view of the task: each pixel in true colour from its latest observation the
 * plugin would use (where it masks with a mask band; else its latest with data), read a day at
 * a time from the last, until every pixel has one or the days run out.
 */
export async function viewLatestClear(task: WorkerTask): Promise<ObservationView> {
  try {
    const plugin = await taskPlugin(task);
    if (plugin.quicklook?.kind !== 'rgb') throw new UserError(`plugin ${plugin.name} reads no red, green and blue bands: there is no true colour to show`);
    const tile = tileGeobox(taskGrid(task), task.id);
    const { geobox, coordinates } = mercatorBox(task, tile);
    const pixels = geobox.width * geobox.height;
    const view = new Uint8Array(pixels * 4);
    let left = pixels;
    let daysRead = 0;
    const days = groupByDay(task.datasets);
    for (const entry of [...days].reverse()) {
      if (left === 0) break;
      const chunk = await loadObservations(task, plugin, [entry], geobox, 0, () => true, undefined, { reading: 'once' });
      daysRead++;
      const rgba = trueColourRgba(plugin, chunk)!;
      const usable = plugin.observationMask ? usableObservations(chunk, 0, plugin.observationMask) : undefined;
      for (let p = 0; p < pixels; p++) {
        // A pixel of the view is set once: alpha 255. The day's true colour is transparent where a band has no data.
        if (view[p * 4 + 3] === 0 && rgba[p * 4 + 3] === 255 && (usable === undefined || usable[p] === 1)) {
          view.set(rgba.subarray(p * 4, p * 4 + 4), p * 4);
          left--;
        }
      }
    }
    return {
      task: formatTaskId(task.id),
      days: days.map(([d]) => d),
      coordinates,
      rgb: pngUrl(view, geobox.width, geobox.height),
      latest: { clearShare: (pixels - left) / pixels, daysRead },
    };
  } finally {
    await closeCachedCogs();
  }
}

/** A Web Mercator box over the tile's lon/lat bounds, its pixels about the tile's (at most MAX_SIDE on a side). */
function mercatorBox(task: WorkerTask, tile: GeoBox): { geobox: GeoBox; coordinates: ObservationView['coordinates'] } {
  const { minX: west, minY: south, maxX: east, maxY: north } = polygonalBBox(polygonsOfGeoJSON(tileFootprintLonLat(taskGrid(task), task.id)));
  const toMercator = transformer('EPSG:4326', 'EPSG:3857');
  const [x0, y0] = toMercator(west, south);
  const [x1, y1] = toMercator(east, north);
  const side = Math.min(MAX_SIDE, Math.max(tile.width, tile.height));
  const scale = Math.max(x1 - x0, y1 - y0) / side;
  const width = Math.max(1, Math.round((x1 - x0) / scale));
  const height = Math.max(1, Math.round((y1 - y0) / scale));
  const toLonLat = transformer('EPSG:3857', 'EPSG:4326');
  const [l, t] = toLonLat(x0, y1);
  const [r, b] = toLonLat(x0 + width * scale, y1 - height * scale);
  return {
    geobox: { crs: 'EPSG:3857', affine: [scale, 0, x0, 0, -scale, y1], width, height },
    coordinates: [
      [l, t],
      [r, t],
      [r, b],
      [l, b],
    ],
  };
}

/** The quicklook's red, green and blue bands of the day as a PNG data URL (see trueColourRgba). */
function trueColour(plugin: StatsPlugin, chunk: ObservationChunk): string | undefined {
  const rgba = trueColourRgba(plugin, chunk);
  return rgba && pngUrl(rgba, chunk.geobox.width, chunk.geobox.height);
}

/** The quicklook's red, green and blue bands of the day, stretched over reflectance 0–0.3 where the plugin scales them, else over their 2nd–98th percentiles. */
function trueColourRgba(plugin: StatsPlugin, chunk: ObservationChunk): Uint8Array | undefined {
  if (plugin.quicklook?.kind !== 'rgb') return undefined;
  const rasters = plugin.quicklook.bands.map((band): Raster => ({ geobox: chunk.geobox, data: chunk.bands[band]![0]!, nodata: chunk.nodata[band] ?? null }));
  const scaling = plugin.scaling;
  const stretch: ValueRange | 'auto' = scaling
    ? { min: (REFLECTANCE_STRETCH.min - scaling.offset) / scaling.scale, max: (REFLECTANCE_STRETCH.max - scaling.offset) / scaling.scale }
    : 'auto';
  return renderRgb(rasters as [Raster, Raster, Raster], stretch);
}

type Rgba = readonly [number, number, number, number];
const NODATA_COLOUR: Rgba = [120, 120, 120, 150];
const SHADOW_COLOUR: Rgba = [110, 40, 160, 200];
const CIRRUS_COLOUR: Rgba = [60, 200, 230, 200];
const CLOUD_COLOUR: Rgba = [255, 80, 80, 200];
const MASKED_COLOUR: Rgba = [255, 210, 0, 140];

/**
 * The mask of the day: its classes as read (missing grey, shadow purple, cirrus cyan, other
 * cloud red) and its result after the filters (yellow where the observation is not used), with
 * the share of the box's pixels of each.
 */
function maskImages(chunk: ObservationChunk, mask: ObservationMask): Pick<ObservationView, 'classes' | 'masked' | 'shares'> {
  const { width, height } = chunk.geobox;
  const stages = maskStages(chunk, 0, mask);
  const { missing, cloud } = stages;
  const values = chunk.bands[mask.maskBand]![0]!;
  const classes = new Uint8Array(width * height * 4);
  const masked = new Uint8Array(width * height * 4);
  const paint = (image: Uint8Array, p: number, colour: Rgba) => image.set(colour, p * 4);
  let missingCount = 0;
  let cloudCount = 0;
  let maskedCount = 0;
  for (let p = 0; p < width * height; p++) {
    if (missing[p]) {
      paint(classes, p, NODATA_COLOUR);
      missingCount++;
      continue;
    }
    if (cloud.some((stage) => stage.classes[p])) {
      paint(classes, p, classColour(mask, values[p]!));
      cloudCount++;
    }
    if (cloudOrNotContiguous(stages, p)) {
      paint(masked, p, MASKED_COLOUR);
      maskedCount++;
    }
  }
  const share = (n: number) => n / (width * height);
  return {
    classes: pngUrl(classes, width, height),
    masked: pngUrl(masked, width, height),
    shares: { nodata: share(missingCount), cloudClasses: share(cloudCount), masked: share(maskedCount) },
  };
}

function classColour(mask: ObservationMask, code: number): Rgba {
  const name = mask.className?.(code) ?? '';
  if (/shadow/i.test(name)) return SHADOW_COLOUR;
  if (/cirrus/i.test(name)) return CIRRUS_COLOUR;
  return CLOUD_COLOUR;
}

function pngUrl(rgba: Uint8Array, width: number, height: number): string {
  return `data:image/png;base64,${Buffer.from(encodePng(rgba, width, height)).toString('base64')}`;
}
