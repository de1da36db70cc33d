import { parseS3Uri } from '../../io/s3-uri.js';
import { formatConfigIssue } from '../../shared/config-issue.js';
import type { PublishedRun } from '../../shared/api.js';
import type { AwsConnection } from '../../shared/aws-connection.js';
import { UserError } from '../../shared/errors.js';
import { polygonalFromGeoJSON, type Polygonal } from '../../shared/geometry.js';
import { parseGrid, type GridSpec } from '../../shared/grid.js';
import { readRunConfig, type RunConfig } from '../../shared/run-config.js';
import { formatTaskId, parseTaskSelector, selectTasks } from '../../shared/task-id.js';
import { readRegionFile } from '../io/region-file.js';
import { openTaskCache } from '../run/open-task-cache.js';
import { prepareRun } from '../run/task-builder.js';
import { resolveQueueUrl } from '../sqs/queue-url.js';
import { createSqsClient, sqsClientConfig } from '../sqs/sqs-client.js';
import { configAttributes, renderTaskMessage } from '../sqs/task-message.js';
import type { TaskRow } from '../taskcache/task-cache.js';
import { estimateFleetWork, type FleetEstimate } from './fleet-estimate.js';
import { fleetJobManifest } from './job-manifest.js';
import { tasksInRegion } from './region-filter.js';
import { sendMessages, type OutgoingMessage } from './send-messages.js';
import { uploadFile, uploadText } from './upload-file.js';

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
  /**
   * The run config the workers are to compute the tasks with (the YAML tried locally): uploaded
   * to `configUri`, which every message names. Without it the workers use their own `--config`.
   */
  configYaml?: string;
  /** Where `configYaml` came from, for its error messages (a file name); default "(published)". */
  configSource?: string;
  /** Where the run config goes: default beside the task cache, NAME.db → NAME.run.yaml. */
  configUri?: string;
  /** Only say what would be sent. */
  dryrun?: boolean;
  /** The app's AWS settings, over the environment's, for S3 and SQS alike. */
  connection?: AwsConnection;
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
  /** The run the messages name; absent when published without a run config. */
  run?: PublishedRun;
  /** What the selected tasks will cost the fleet. */
  estimate: FleetEstimate;
  sent: number;
  failed: Array<{ task: string; error: string }>;
  /** The bodies a dry run would send, one per task. */
  messages?: string[];
  /** The Kubernetes Job that computes the published run (deploy/k8s/job.yaml naming its queue and run config); absent for a dry run or without a run config. */
  jobManifest?: string;
}

export interface PublishControl {
  signal?: AbortSignal;
  onProgress?(progress: PublishProgress): void;
}

/**
 * `odc-stats publish-tasks`: one SQS message per selected task of a task cache, naming the
 * cache on S3 and the task — `{"filedb": "s3://…/NAME.db", "tile_idx": "PERIOD/X/Y"}` — for
 * workers to compute. A local cache is uploaded to `cacheUri` first, and a run config to
 * `configUri`, which each message names in its `odc_stats_config` attribute.
 */
export async function publishTasks(request: PublishRequest, control: PublishControl = {}): Promise<PublishResult> {
  const local = !request.cache.startsWith('s3://');
  const cacheUri = local ? requireCacheUri(request.cacheUri) : request.cache;
  if (!local && request.cacheUri !== undefined && request.cacheUri !== request.cache) {
    throw new UserError(`the task cache is on S3 already (${request.cache}): --cache-uri is for a local cache`);
  }
  if (request.configUri !== undefined && request.configYaml === undefined) throw new UserError('--config-uri says where a run config goes: give the run config with --config');
  const region: Polygonal | undefined = request.geojsonFilter
    ? await readRegionFile(request.geojsonFilter, 'GeoJSON filter')
    : request.region !== undefined
      ? polygonalFromGeoJSON(request.region)
      : undefined;

  const published = request.configYaml === undefined ? undefined : await describeRun(request, cacheUri);

  const aws = request.connection && { connection: request.connection };
  const cache = await openTaskCache(request.cache, { ...aws });
  let rows: TaskRow[];
  let found: number;
  let grid: GridSpec;
  try {
    const all = cache.tasks();
    found = all.length;
    grid = parseGrid(cache.meta().grid);
    rows = selectTasks(all, (request.selectors ?? []).map(parseTaskSelector));
    if (region) rows = tasksInRegion(rows, grid, region);
  } finally {
    cache.close();
  }
  const run = published?.run;
  const estimate = estimateFleetWork(grid, rows, published?.config.resolution);
  const attributes = run && configAttributes(run.configUri);
  const messages: OutgoingMessage[] = rows.map((row) => ({ key: formatTaskId(row), body: renderTaskMessage(cacheUri, row), ...(attributes && { attributes }) }));
  const summary = { cacheUri, found, tasks: rows.length, ...(run && { run }), estimate };
  if (request.dryrun) return { ...summary, sent: 0, failed: [], messages: messages.map((m) => m.body) };

  const client = createSqsClient({ ...aws });
  try {
    // The queue first: a misspelt name should not cost an upload of gigabytes.
    const queueUrl = await resolveQueueUrl(client, request.queue, control.signal);
    if (run) await uploadText(request.configYaml!, run.configUri, 'application/yaml', { ...(control.signal && { signal: control.signal }), ...aws });
    let uploadedBytes: number | undefined;
    if (local) {
      const upload = await uploadFile(request.cache, cacheUri, {
        contentType: 'application/vnd.sqlite3',
        ...aws,
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
      ...summary,
      ...(uploadedBytes !== undefined && { uploadedBytes }),
      sent,
      failed: failed.map((f) => ({ task: f.key, error: f.error })),
      ...(run && {
        jobManifest: fleetJobManifest({
          queue: queueUrl,
          configUri: run.configUri,
          cacheUri,
          product: run.product,
          version: run.version,
          tasks: rows.length,
          region: String(sqsClientConfig(process.env, { ...aws }).region),
        }),
      }),
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

/** The run config read as a worker will read it, and what it will compute. */
async function describeRun(request: PublishRequest, cacheUri: string): Promise<{ config: RunConfig; run: PublishedRun }> {
  const source = request.configSource ?? '(published)';
  const { config, warnings } = readRunConfig(request.configYaml!, source);
  const configUri = request.configUri ?? configUriBeside(cacheUri);
  if (!configUri.startsWith('s3://') || !parseS3Uri(configUri).key || configUri.endsWith('/')) {
    throw new UserError(`invalid --config-uri '${configUri}': expected s3://BUCKET/PATH/NAME.yaml`);
  }
  if (config.output_location === undefined) throw new UserError(`the run config ${source} has no output_location: the workers would not know where to write`);
  const setup = await prepareRun(config);
  const lines = warnings.map((issue) => formatConfigIssue(issue, `config ${source}`));
  if (!setup.location.startsWith('s3://')) lines.push(`the output location ${setup.location} is not on S3: each worker writes to its own disk`);
  return {
    config,
    run: { configUri, plugin: config.plugin!, product: setup.product.name, version: setup.product.version, outputLocation: setup.location, warnings: lines },
  };
}

/** s3://…/NAME.db → s3://…/NAME.run.yaml: the run config beside the task cache it runs. */
function configUriBeside(cacheUri: string): string {
  return `${cacheUri.replace(/\.db$/i, '')}.run.yaml`;
}
