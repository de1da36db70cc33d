/**
 * What a task reads, as both the run (run-task.ts) and a pixel's story (pixel-story.ts) read it:
 * the plugin settled for its inputs' types, the tile at the run's resolution, and a window's
 * observations — datasets grouped by solar day, loaded onto the window's pixels and fused.
 */
import { coordinateOperation, KNOWN_OPERATIONS } from '../shared/coordinate-operations.js';
import { subGeobox, type GeoBox } from '../shared/geobox.js';
import { parseGrid, type GridSpec } from '../shared/grid.js';
import { UserError } from '../shared/errors.js';
import type { TaskDatasetRef, WorkerTask } from '../shared/task-messages.js';
import { closeCachedCogs, loadBand } from './load/load-band.js';
import { openCachedCog } from './load/cog-cache.js';
import { fuseSameDay } from './load/fuse.js';
import type { InputType, ObservationChunk, StatsPlugin } from './plugins/plugin.js';
import { loadPlugin } from './plugins/registry.js';
import { sampleTypeOf, type Raster, type SampleArray } from './raster.js';
import { newSampleArrayIn, type SampleArena } from './sample-arena.js';

const LOADS_AT_ONCE = 8;

/** The task's plugin, settled for its inputs' types where its outputs keep them. */
export async function taskPlugin(task: WorkerTask): Promise<StatsPlugin> {
  return withInputTypes(await loadPlugin(task.plugin, task.pluginConfig), task);
}

/** The task's grid, at the run's resolution where it has one. */
export function taskGrid(task: WorkerTask): GridSpec {
  return atResolution(parseGrid(task.grid), task.resolution);
}

/**
 * The plugin settled for the types of its inputs, read from the headers of the first dataset
 * that has each band, when its outputs keep them (gm-generic); any other plugin as it is.
 */
async function withInputTypes(plugin: StatsPlugin, task: WorkerTask): Promise<StatsPlugin> {
  if (!plugin.withInputTypes) return plugin;
  const types: Record<string, InputType> = {};
  try {
    for (const input of plugin.inputs) {
      const href = task.datasets.find((d) => d.assets[input.name])?.assets[input.name];
      if (href === undefined) continue;
      const cog = await openCachedCog(href, { unsigned: task.unsigned });
      types[input.name] = { dtype: cog.sampleType, nodata: cog.nodata };
    }
    return plugin.withInputTypes(types);
  } catch (e) {
    await closeCachedCogs();
    throw e;
  }
}


/** The grid with its tiles cut into pixels of another size; the tiles themselves stay. */
function atResolution(grid: GridSpec, resolution: number | undefined): GridSpec {
  if (resolution === undefined || resolution === grid.resolution) return grid;
  const tileShape = grid.tileSize / resolution;
  if (!Number.isInteger(tileShape)) {
    throw new UserError(`resolution ${resolution} does not divide the ${grid.tileSize} m tiles of ${grid.name} into whole pixels`);
  }
  return { ...grid, resolution, tileShape };
}


/**
 * How a window is read: 'chunks' when it is one of a task's chunks, read row after row (decoded
 * blocks the next chunks will not read are not kept); 'once' for a window read on its own.
 * `arena`: where the arrays go (a task's chunks); arrays of their own without.
 */
export interface ObservationReading {
  reading: 'chunks' | 'once';
  arena?: SampleArena;
}

/**
 * The chunk's observations, one per day. Datasets whose footprint does not reach the chunk
 * (`reaches`) are not read: a day none of whose datasets reaches it is all nodata, of the type
 * and nodata the other days' bands have (read after all where a band has no nodata).
 */
export async function loadObservations(
  task: WorkerTask,
  plugin: StatsPlugin,
  days: Array<[string, TaskDatasetRef[]]>,
  geobox: GeoBox,
  halo: number,
  reaches: (dataset: TaskDatasetRef) => boolean,
  signal: AbortSignal | undefined,
  { reading, arena }: ObservationReading,
): Promise<ObservationChunk> {
  const bands: Record<string, SampleArray[]> = {};
  const nodata: Record<string, number | null> = {};
  const inner = subGeobox(geobox, halo, halo, geobox.width - 2 * halo, geobox.height - 2 * halo);
  const operation = task.coordinateOperation === undefined ? undefined : coordinateOperation(task.coordinateOperation);
  if (task.coordinateOperation !== undefined && !operation) throw new UserError(`transform_code ${task.coordinateOperation} is not a coordinate operation known here: use one of ${KNOWN_OPERATIONS}`);
  const load = async (input: StatsPlugin['inputs'][number], datasets: TaskDatasetRef[]): Promise<Raster> => {
    const withoutHalo = input.halo === false && halo > 0;
    const rasters: Raster[] = [];
    for (const dataset of datasets) {
      const href = dataset.assets[input.name];
      if (!href) throw new UserError(`dataset ${dataset.id} has no asset '${input.name}' that plugin ${plugin.name} reads`);
      const chunkOverlap = reading === 'chunks' ? (withoutHalo ? 0 : 2 * halo) : undefined;
      rasters.push(
        await loadBand(href, withoutHalo ? inner : geobox, {
          resampling: input.resampling,
          unsigned: task.unsigned,
          ...(withoutHalo && { margin: halo }),
          ...(chunkOverlap !== undefined && { chunkOverlap }),
          ...(arena && { arena }),
          ...(operation && { operation }),
          ...(signal && { signal }),
        }),
      );
    }
    if (rasters.length === 1) return rasters[0]!;
    const fused = fuseSameDay(rasters);
    if (!arena) return fused;
    const data = arena.allocate(sampleTypeOf(fused.data), fused.data.length);
    data.set(fused.data);
    return { ...fused, data };
  };
  const loads: Array<() => Promise<void>> = [];
  const unread: Array<{ input: StatsPlugin['inputs'][number]; day: number }> = [];
  for (const input of plugin.inputs) {
    const perDay: SampleArray[] = new Array(days.length);
    bands[input.name] = perDay;
    days.forEach(([, datasets], d) => {
      const reaching = datasets.filter(reaches);
      if (reaching.length === 0) {
        unread.push({ input, day: d });
        return;
      }
      loads.push(async () => {
        const fused = await load(input, reaching);
        perDay[d] = fused.data;
        nodata[input.name] = fused.nodata;
      });
    });
  }
  await runLimited(loads, LOADS_AT_ONCE);
  const rest: Array<() => Promise<void>> = [];
  for (const { input, day } of unread) {
    const perDay = bands[input.name]!;
    const like = perDay.find((a) => a !== undefined);
    const missing = nodata[input.name];
    if (like !== undefined && missing !== null && missing !== undefined) {
      perDay[day] = newSampleArrayIn(arena, sampleTypeOf(like), like.length).fill(missing);
    } else {
      rest.push(async () => {
        const fused = await load(input, days[day]![1]);
        perDay[day] = fused.data;
        nodata[input.name] = fused.nodata;
      });
    }
  }
  await runLimited(rest, LOADS_AT_ONCE);
  return { geobox, days: days.map(([day]) => day), bands, nodata };
}


/**
 * Runs the jobs, `limit` at a time. After a failure no job starts, and the first error is
 * thrown once the running ones have ended: nothing of the task goes on reading after it.
 */
async function runLimited(jobs: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < jobs.length) {
      try {
        await jobs[next++]!();
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const ends = await Promise.allSettled(Array.from({ length: Math.min(limit, jobs.length) }, lane));
  const failure = ends.find((end) => end.status === 'rejected');
  if (failure) throw failure.reason;
}

export function groupByDay(datasets: TaskDatasetRef[]): Array<[string, TaskDatasetRef[]]> {
  const days = new Map<string, TaskDatasetRef[]>();
  for (const d of datasets) {
    const list = days.get(d.solarDay);
    if (list) list.push(d);
    else days.set(d.solarDay, [d]);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b));
}

