/**
 * A pixel's story (src/shared/pixel-story.ts), told by the run's own code: the observations of
 * the pixel are loaded as a chunk of the run loads them (a window of one pixel and the halo the
 * plugin's filters reach over), the plugin explains its masking of each and reduces the window,
 * so what the story shows is what the run computes.
 */
import { UserError } from '../shared/errors.js';
import { transformer } from '../shared/crs.js';
import { pixelAtLonLat, pixelToWorld, subGeobox } from '../shared/geobox.js';
import { tileGeobox } from '../shared/grid.js';
import type { PixelObservation, PixelStory } from '../shared/pixel-story.js';
import { formatTaskId } from '../shared/task-id.js';
import type { TaskDatasetRef, WorkerTask } from '../shared/task-messages.js';
import { footprintInCrs, footprintTouches } from './chunk-coverage.js';
import { closeCachedCogs } from './load/load-band.js';
import { groupByDay, loadObservations, taskGrid, taskPlugin } from './task-observations.js';
import { reduceChunk } from './plugins/plugin.js';

/** The story of the task's pixel under a point (longitude, latitude). */
export async function tellPixelStory(task: WorkerTask, lon: number, lat: number, signal?: AbortSignal): Promise<PixelStory> {
  try {
    const plugin = await taskPlugin(task);
    const tile = tileGeobox(taskGrid(task), task.id);
    const at = pixelAtLonLat(tile, lon, lat);
    if (!at) throw new UserError(`${lon.toFixed(5)}, ${lat.toFixed(5)} is outside tile ${task.id.x},${task.id.y}`);
    const { col, row } = at;
    const halo = plugin.halo ?? 0;
    const window = { col: col - halo, row: row - halo, width: 1 + 2 * halo, height: 1 + 2 * halo };
    const reaches = (d: TaskDatasetRef) => footprintTouches(tile, footprintInCrs(d.footprint, tile.crs), window);
    const days = groupByDay(task.datasets);
    const geobox = subGeobox(tile, window.col, window.row, window.width, window.height);
    const chunk = await loadObservations(task, plugin, days, geobox, halo, reaches, signal, { reading: 'once' });
    const pixel = halo * window.width + halo;
    const verdicts = plugin.explain?.(chunk, pixel);
    const observations = chunk.days.map((day, t): PixelObservation => {
      const values: PixelObservation['values'] = {};
      for (const input of plugin.inputs) values[input.name] = valueOrNull(chunk.bands[input.name]![t]![pixel]!, chunk.nodata[input.name] ?? null);
      const verdict = verdicts?.[t];
      return { day, datasets: days[t]![1].filter(reaches).map((d) => d.id), values, ...(verdict && { verdict }) };
    });
    const reduced = await reduceChunk(plugin, chunk);
    const outputs: PixelStory['outputs'] = {};
    for (const band of plugin.measurements) outputs[band.name] = valueOrNull(reduced[band.name]![pixel]!, band.nodata);
    const [centreLon, centreLat] = transformer(tile.crs, 'EPSG:4326')(...pixelToWorld(tile.affine, col + 0.5, row + 0.5));
    return {
      task: formatTaskId(task.id),
      plugin: plugin.name,
      col,
      row,
      lon: centreLon,
      lat: centreLat,
      observations,
      outputs,
      ...(plugin.scaling && { scaling: plugin.scaling }),
    };
  } finally {
    await closeCachedCogs();
  }
}

function valueOrNull(value: number, nodata: number | null): number | null {
  return Number.isNaN(value) || value === nodata ? null : value;
}
