import { stacItemPath } from '../../shared/output-layout.js';
import type { AwsConnection } from '../../shared/aws-connection.js';
import type { RunConfig } from '../../shared/run-config.js';
import { formatTaskId, parseTaskSelector, selectTasks } from '../../shared/task-id.js';
import { sinkFor } from '../../worker/output/sink.js';
import { parseS3Uri } from '../../io/s3-uri.js';
import { listS3Keys } from '../io/s3.js';
import { prepareRun } from '../run/task-builder.js';
import type { TaskRow } from '../taskcache/task-cache.js';
import { openTaskCache } from '../run/open-task-cache.js';

export interface CacheStatusRequest {
  /** The task cache: a path or an s3:// URI. */
  cache: string;
  /** The run config whose output location (and product naming) the tasks are looked for in. */
  config: RunConfig;
  /** Task selectors as `run` takes them; none = every task. */
  selectors?: string[];
  /** The app's AWS settings, for a cache or location on S3. */
  connection?: AwsConnection;
}

export interface CacheStatus {
  cache: string;
  location: string;
  planned: number;
  finished: number;
  /** The planned tasks without a STAC item on the output location: not run yet, running, or failed. */
  unfinished: string[];
}

const LOCAL_CHECKS_AT_ONCE = 64;

/**
 * Which tasks of a cache are finished on the output location — those whose STAC item exists,
 * the item being written last. On S3 the location is listed (a page holds 1000 keys) rather
 * than each item asked for.
 */
export async function cacheStatus(request: CacheStatusRequest, control: { signal?: AbortSignal } = {}): Promise<CacheStatus> {
  const { location, tasks } = await finishedTasks(request, control);
  const unfinished = tasks.filter((t) => !t.finished).map((t) => formatTaskId(t));
  return { cache: request.cache, location, planned: tasks.length, finished: tasks.length - unfinished.length, unfinished };
}

/** Each selected task of the cache, in its order, and whether its STAC item is on the output location. */
export async function finishedTasks(
  request: CacheStatusRequest,
  control: { signal?: AbortSignal } = {},
): Promise<{ location: string; tasks: Array<TaskRow & { finished: boolean }> }> {
  const { config } = request;
  const { product, location } = await prepareRun(config);
  const unsigned = config.aws_unsigned ?? false;
  const s3 = { unsigned, ...(request.connection && { connection: request.connection }) };
  const cache = await openTaskCache(request.cache, s3);
  let rows: TaskRow[];
  try {
    rows = selectTasks(cache.tasks(), (request.selectors ?? []).map(parseTaskSelector));
  } finally {
    cache.close();
  }
  const items = rows.map((row) => stacItemPath(location, product, row));
  let present: boolean[];
  if (location.startsWith('s3://')) {
    const { bucket, key } = parseS3Uri(location);
    const found = new Set<string>();
    const prefix = key === '' ? '' : `${key}/`;
    for await (const k of listS3Keys(bucket, prefix, { ...s3, ...(control.signal && { signal: control.signal }) })) {
      if (k.endsWith('.stac-item.json')) found.add(`s3://${bucket}/${k}`);
    }
    present = items.map((item) => found.has(item));
  } else {
    const sink = await sinkFor(location);
    present = new Array<boolean>(items.length);
    let next = 0;
    const lane = async () => {
      while (next < items.length) {
        control.signal?.throwIfAborted();
        const i = next++;
        present[i] = await sink.exists(items[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOCAL_CHECKS_AT_ONCE, items.length) }, lane));
  }
  return { location, tasks: rows.map((row, i) => ({ ...row, finished: present[i]! })) };
}
