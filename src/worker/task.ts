import type { Period } from '../shared/daterange.js';
import type { CogOptions, OutputProduct } from '../shared/run-config.js';
import type { TaskId } from '../shared/task-id.js';

/** One dataset of a task as a worker needs it: where its bands are, and its solar day. */
export interface TaskDatasetRef {
  id: string;
  collection: string;
  solarDay: string;
  /** Asset key → href (absolute). */
  assets: Record<string, string>;
  /** The dataset's own STAC item, when it has a URL, for lineage links. */
  itemHref?: string;
}

/**
 * Everything a worker needs to compute one task; the same message whichever host sends it
 * (the app, the CLI, a queue consumer). Plain data: it crosses process boundaries.
 */
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
  /** Side of the square blocks a tile is computed in; bounds memory. */
  chunkSize?: number;
}
