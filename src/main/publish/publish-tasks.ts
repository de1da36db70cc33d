import { parseS3Uri } from '../../io/s3-uri.js';
import { UserError } from '../../shared/errors.js';
import { polygonalFromGeoJSON, type Polygonal } from '../../shared/geometry.js';
import { parseGrid } from '../../shared/grid.js';
import { formatTaskId, parseTaskSelector, selectTasks } from '../../shared/task-id.js';
import { readRegionFile } from '../io/region-file.js';
import { openTaskCache } from '../run/open-task-cache.js';
import { resolveQueueUrl } from '../sqs/queue-url.js';
import { createSqsClient } from '../sqs/sqs-client.js';
import { renderTaskMessage } from '../sqs/task-message.js';
import type { TaskRow } from '../taskcache/task-cache.js';
import { tasksInRegion } from './region-filter.js';
import { sendMessages, type OutgoingMessage } from './send-messages.js';
import { uploadFile } from './upload-file.js';

export interface PublishRequest {
  /** The task cache: a local path (uploaded to `cacheUri` first) or an s3:// URI. */
  cache: string;
  /** The queue: a name, URL or ARN. */
  queue: string;
  /** Task selectors as `run` takes them; none = every task. */
  selectors?: string[];
  /** A GeoJSON file: only tasks whose tiles intersect its polygons are published. */
  geojsonFilter?: string;
  /** The same as a GeoJSON object (lon/lat), as drawn in the app; used when `geojsonFilter` is not given. */
  region?: unknown;
  /** Where a local cache goes on S3, which the messages name: s3://BUCKET/PATH/NAME.db. */
  cacheUri?: string;
  /** Only say what would be sent. */
  dryrun?: boolean;
}

export type PublishProgress = { stage: 'uploading'; bytesDone: number; bytesTotal: number } | { stage: 'sending'; sent: number; total: number };

export interface PublishResult {
  /** The queue URL; absent for a dry run, which does not ask SQS. */
  queueUrl?: string;
  /** The task cache the messages name. */
  cacheUri: string;
  /** Tasks in the cache, and those selected (after the selectors and the region). */
  found: number;
  tasks: number;
  /** Bytes of the cache uploaded; absent when it was on S3 already (or for a dry run). */
  uploadedBytes?: number;
  sent: number;
  failed: Array<{ task: string; error: string }>;
  /** The bodies a dry run would send, one per task. */
  messages?: string[];
}

export interface PublishControl {
  signal?: AbortSignal;
  onProgress?(progress: PublishProgress): void;
}

/**
 * `odc-stats publish-tasks`: one SQS message per selected task of a task cache, naming the
 * cache on S3 and the task — `{"filedb": "s3://…/NAME.db", "tile_idx": "PERIOD/X/Y"}` — for
 * workers to compute. A local cache is uploaded to `cacheUri` first.
 */
export async function publishTasks(request: PublishRequest, control: PublishControl = {}): Promise<PublishResult> {
  const local = !request.cache.startsWith('s3://');
  const cacheUri = local ? requireCacheUri(request.cacheUri) : request.cache;
  if (!local && request.cacheUri !== undefined && request.cacheUri !== request.cache) {
    throw new UserError(`the task cache is on S3 already (${request.cache}): --cache-uri is for a local cache`);
  }
  const region: Polygonal | undefined = request.geojsonFilter
    ? await readRegionFile(request.geojsonFilter, 'GeoJSON filter')
    : request.region !== undefined
      ? polygonalFromGeoJSON(request.region)
      : undefined;

  const cache = await openTaskCache(request.cache);
  let rows: TaskRow[];
  let found: number;
  try {
    const all = cache.tasks();
    found = all.length;
    rows = selectTasks(all, (request.selectors ?? []).map(parseTaskSelector));
    if (region) rows = tasksInRegion(rows, parseGrid(cache.meta().grid), region);
  } finally {
    cache.close();
  }
  const messages: OutgoingMessage[] = rows.map((row) => ({ key: formatTaskId(row), body: renderTaskMessage(cacheUri, row) }));
  if (request.dryrun) return { cacheUri, found, tasks: rows.length, sent: 0, failed: [], messages: messages.map((m) => m.body) };

  const client = createSqsClient();
  try {
    // The queue first: a misspelt name should not cost an upload of gigabytes.
    const queueUrl = await resolveQueueUrl(client, request.queue, control.signal);
    let uploadedBytes: number | undefined;
    if (local) {
      const upload = await uploadFile(request.cache, cacheUri, {
        contentType: 'application/vnd.sqlite3',
        ...(control.signal && { signal: control.signal }),
        onProgress: (bytesDone, bytesTotal) => control.onProgress?.({ stage: 'uploading', bytesDone, bytesTotal }),
      });
      uploadedBytes = upload.bytes;
    }
    const total = messages.length;
    const { sent, failed } = await sendMessages(client, queueUrl, messages, {
      ...(control.signal && { signal: control.signal }),
      onSent: (count) => control.onProgress?.({ stage: 'sending', sent: count, total }),
    });
    return {
      queueUrl,
      cacheUri,
      found,
      tasks: rows.length,
      ...(uploadedBytes !== undefined && { uploadedBytes }),
      sent,
      failed: failed.map((f) => ({ task: f.key, error: f.error })),
    };
  } finally {
    client.destroy();
  }
}

function requireCacheUri(cacheUri: string | undefined): string {
  if (cacheUri === undefined) {
    throw new UserError('workers read the task cache from S3: give --cache-uri s3://BUCKET/PATH/NAME.db to upload this local cache to');
  }
  if (!cacheUri.startsWith('s3://') || !parseS3Uri(cacheUri).key || cacheUri.endsWith('/')) {
    throw new UserError(`invalid --cache-uri '${cacheUri}': expected s3://BUCKET/PATH/NAME.db`);
  }
  return cacheUri;
}
