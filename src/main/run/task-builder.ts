import os from 'node:os';
import { chunkSizeFor } from '../../shared/chunk-size.js';
import { passesDatasetFilters, type DatasetFilter } from '../../shared/dataset-filters.js';
import { resolveOutputLocation, resolveOutputProduct, runDatasetFilters, type OutputProduct, type RunConfig } from '../../shared/run-config.js';
import { UserError } from '../../shared/errors.js';
import type { LonLatFootprint } from '../../shared/geometry.js';
import type { StacItem } from '../../shared/stac.js';
import type { TaskDatasetRef, WorkerTask } from '../../shared/task-messages.js';
import { loadPlugin } from '../../worker/plugins/registry.js';
import { fusedSources } from '../planner/fuse-items.js';
import { withLocalPluginFiles } from './plugin-files.js';
import type { StatsPlugin } from '../../worker/plugins/plugin.js';
import type { TaskCacheMeta, TaskRow } from '../taskcache/task-cache.js';
import type { TaskCacheReader } from './open-task-cache.js';

/** What every task of a run shares, resolved once from the run config (and checked there). */
export interface RunSetup {
  config: RunConfig;
  plugin: StatsPlugin;
  product: OutputProduct;
  location: string;
  /** `dataset_filters`: a task keeps the datasets one of them passes; all without. */
  datasetFilters: DatasetFilter[] | undefined;
}

export async function prepareRun(given: RunConfig): Promise<RunSetup> {
  if (!given.plugin) throw new UserError('no plugin: set plugin in the run config or give --plugin (e.g. gm-s2, pq)');
  const config = await withLocalPluginFiles(given, { unsigned: given.aws_unsigned ?? false });
  const plugin = await loadPlugin(given.plugin, config.plugin_config);
  const product = resolveOutputProduct(config, plugin.productDefaults ?? {});
  return { config, plugin, product, location: resolveOutputLocation(config, product), datasetFilters: runDatasetFilters(config.dataset_filters) };
}

/** The message a task process gets for one task of a cache. */
export function workerTaskFor(cache: TaskCacheReader, meta: TaskCacheMeta, row: TaskRow, setup: RunSetup): WorkerTask {
  const { config } = setup;
  const reduceThreads = reduceThreadCount(config.threads_per_task, config.threads);
  // A task holds the chunk it loads and, with reduce threads, the one they reduce.
  const chunksAlive = reduceThreads > 1 ? 2 : 1;
  const taskMemory = config.memory_limit ? config.memory_limit / Math.max(1, taskProcessCount(config.threads)) : undefined;
  return {
    id: { period: row.period, x: row.x, y: row.y },
    period: { label: row.period, start: Date.parse(row.periodStart), end: Date.parse(row.periodEnd) },
    grid: meta.grid,
    datasets: datasetRefs(cache, row, setup.datasetFilters, setup.product.eo3 !== undefined),
    plugin: config.plugin!,
    pluginConfig: config.plugin_config,
    product: setup.product,
    location: setup.location,
    cogOptions: config.cog_opts ?? { common: {}, overrides: {} },
    overwrite: config.overwrite,
    unsigned: config.aws_unsigned ?? false,
    ...(config.s3_acl && { s3Acl: config.s3_acl }),
    ...(config.s3_public && !config.s3_acl && { s3Acl: 'public-read' }),
    ...(config.resolution !== undefined && { resolution: config.resolution }),
    ...(typeof config.plugin_config['transform_code'] === 'string' && { coordinateOperation: config.plugin_config['transform_code'] }),
    reduceThreads,
    ...(taskMemory !== undefined && {
      // An eighth for decoded blocks (see read-window.ts: more barely pays); of the rest, a share for each chunk alive.
      blockCacheBytes: Math.floor(taskMemory / 8),
      chunkSize: chunkSizeFor((taskMemory * 7) / 8 / chunksAlive, setup.plugin.inputs.length, row.days),
    }),
  };
}

/** How many task processes a run uses, by odc-stats' rule: absent, zero or negative threads means one per CPU. */
export function taskProcessCount(threads: number | undefined, tasks = Infinity, cpus = os.availableParallelism()): number {
  const wanted = threads === undefined || threads <= 0 ? cpus : threads;
  return Math.max(1, Math.min(wanted, tasks));
}

/**
 * Threads each task reduces on (1: its own thread, between loading its chunks): `threadsPerTask`
 * where given (positive), else the CPUs shared out among the task processes `threads` makes, less
 * the one the task's own thread keeps busy loading chunks and writing outputs (with zlib on
 * libuv's pool), at least one. On 2 CPUs a second reduce thread bought 0–8 % of speed for
 * 0.3 GiB more memory (docs/benchmarks.md).
 */
export function reduceThreadCount(threadsPerTask: number | undefined, threads: number | undefined, cpus = os.availableParallelism()): number {
  if (threadsPerTask !== undefined && threadsPerTask > 0) return threadsPerTask;
  return Math.max(1, Math.floor(cpus / taskProcessCount(threads, Infinity, cpus)) - 1);
}

function datasetRefs(cache: TaskCacheReader, row: TaskRow, filters: DatasetFilter[] | undefined, withProperties: boolean): TaskDatasetRef[] {
  const datasets = cache.datasetsOf(row.taskId);
  const kept = filters ? datasets.filter(({ item }) => passesDatasetFilters(filters, item.properties)) : datasets;
  return kept.map(({ item, solarDay }) => {
    const assets: Record<string, string> = {};
    for (const [key, asset] of Object.entries(item.assets ?? {})) assets[key] = asset.href;
    const self = item.links?.find((l) => l.rel === 'self')?.href;
    const footprint = polygonFootprint(item.geometry);
    const { platform, instruments } = sensorOf(item.properties);
    const sources = fusedSources(item);
    return {
      id: item.id,
      collection: item.collection ?? '',
      solarDay,
      assets,
      ...(self && { itemHref: self }),
      ...(footprint && { footprint }),
      ...(platform && { platform }),
      ...(instruments.length > 0 && { instruments }),
      ...(withProperties && { properties: item.properties }),
      ...(sources && { sources }),
    };
  });
}

/** The item's geometry when it is a polygon or multipolygon, as the planner placed it on tiles; otherwise none. */
function polygonFootprint(geometry: StacItem['geometry']): LonLatFootprint | undefined {
  if (geometry?.type !== 'Polygon' && geometry?.type !== 'MultiPolygon') return undefined;
  return Array.isArray(geometry.coordinates) ? (geometry as LonLatFootprint) : undefined;
}

/** A STAC item's satellite and instruments, in STAC's spelling or eo3's (a string instrument as one). */
function sensorOf(properties: Record<string, unknown>): { platform: string | undefined; instruments: string[] } {
  const platform = properties['platform'] ?? properties['eo:platform'];
  const instruments = properties['instruments'] ?? properties['eo:instrument'];
  return {
    platform: typeof platform === 'string' ? platform : undefined,
    instruments: (Array.isArray(instruments) ? instruments : [instruments]).filter((i): i is string => typeof i === 'string'),
  };
}
