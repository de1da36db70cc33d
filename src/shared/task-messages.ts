/**
 * The contract between a host (the app's main process, the CLI, a fleet worker's queue loop) and
 * a task process, which computes one task at a time with src/worker: the task, what the host may
 * ask, and what the process answers. Plain data only: every message crosses a process boundary.
 */
import type { Period } from './daterange.js';
import type { ObservationView, PixelStory } from './pixel-story.js';
import type { LonLatFootprint } from './geometry.js';
import type { CogOptions, OutputProduct } from './run-config.js';
import type { TaskId } from './task-id.js';

/** One dataset of a task as a task process needs it: where its bands are, and its solar day. */
export interface TaskDatasetRef {
  id: string;
  collection: string;
  solarDay: string;
  /** Asset key → href (absolute). */
  assets: Record<string, string>;
  /** The dataset's own STAC item, when it has a URL, for lineage links. */
  itemHref?: string;
  /**
   * Where the dataset has data: its STAC item's geometry (longitude/latitude). Chunks of the tile
   * it does not reach are not read from it. Absent: everywhere.
   */
  footprint?: LonLatFootprint;
  /** The satellite and instruments of its STAC item (`platform`/`eo:platform`, `instruments`/`eo:instrument`), for EO3 metadata. */
  platform?: string;
  instruments?: string[];
  /** Its STAC item's properties, sent only where the product writes EO3 documents, which inherit some. */
  properties?: Record<string, unknown>;
  /** For a dataset fused from several products' (`a+b`): the datasets it was fused from, for EO3 lineage. */
  sources?: Array<{ id: string; collection: string }>;
}

/** Everything src/worker needs to compute one task; the same whichever host sends it. */
export interface WorkerTask {
  id: TaskId;
  period: Period;
  /** Grid name as `parseGrid` reads it. */
  grid: string;
  datasets: TaskDatasetRef[];
  plugin: string;
  pluginConfig: Record<string, unknown>;
  product: OutputProduct;
  /** Product location with its placeholders filled: a path, file:// or s3:// URI. */
  location: string;
  cogOptions: CogOptions;
  overwrite: boolean;
  unsigned: boolean;
  s3Acl?: string;
  /** Output pixel size in the grid's units, instead of the grid's own (odc-stats `--resolution`). */
  resolution?: number;
  /** The datum transformation inputs are reprojected through (`transform_code`, e.g. EPSG:9688); PROJ's default without. */
  coordinateOperation?: string;
  /** Side of the square blocks a tile is computed in; bounds memory. */
  chunkSize?: number;
  /** Bytes of decoded input blocks the task keeps for reads to come (its share of memory_limit); a default without. */
  blockCacheBytes?: number;
  /** Threads the task's chunks are reduced on at once; one (the default) reduces on the task's own thread. */
  reduceThreads?: number;
}

export interface TaskProgress {
  /** What the task process is doing: 'loading', 'reducing', 'writing'. */
  stage: string;
  done: number;
  total: number;
}

export interface TaskOutcome {
  status: 'finished' | 'skipped';
  /** Where the STAC item of the task is (file path or s3:// URI). */
  stacItem: string;
  /** Every file written. */
  outputs: string[];
  seconds: number;
}

/**
 * What a host asks of a task process, by message type: the payload, and the types of the answers
 * it brings (about the task with the same key).
 * - `run`: compute the task; `progress` now and then, then `finished` or `failed`.
 * - `cancel`: give the task up, remove what it wrote, and answer `failed`. The host kills a
 *   process that does not answer soon (it may be busy in a long computation) and cleans up after it.
 * - `story`: tell the story of the task's pixel under a point (longitude, latitude); `story` or
 *   `failed`. It writes nothing.
 * - `view`: draw the task's observation of a day (or, without one, its latest clear view) for the
 *   map; `view` or `failed`. It writes nothing.
 */
export interface HostRequests<Task = WorkerTask> {
  run: { payload: { key: string; task: Task }; answers: 'progress' | 'finished' | 'failed' };
  cancel: { payload: { key: string }; answers: 'failed' };
  story: { payload: { key: string; task: Task; lon: number; lat: number }; answers: 'story' | 'failed' };
  view: { payload: { key: string; task: Task; day?: string }; answers: 'view' | 'failed' };
}

/** What a task process says, by message type: `ready` once, when it can take its first `run`, then answers. */
export interface TaskProcessReports {
  ready: Record<never, never>;
  progress: { key: string; progress: TaskProgress };
  finished: { key: string; outcome: TaskOutcome };
  failed: { key: string; error: string };
  story: { key: string; story: PixelStory };
  view: { key: string; view: ObservationView };
}

/** A message from a host to a task process. */
export type HostMessage<Task = WorkerTask> = {
  [Type in keyof HostRequests]: { type: Type } & HostRequests<Task>[Type]['payload'];
}[keyof HostRequests];

/** A message from a task process to its host. */
export type TaskProcessMessage = { [Type in keyof TaskProcessReports]: { type: Type } & TaskProcessReports[Type] }[keyof TaskProcessReports];

/** The messages that may answer a request of type `Type`. */
export type AnswerTo<Type extends keyof HostRequests> = Extract<TaskProcessMessage, { type: HostRequests[Type]['answers'] }>;
