import os from 'node:os';
import { UserError } from '../../shared/errors.js';
import type { RunConfig } from '../../shared/run-config.js';
import { formatTaskId } from '../../shared/task-id.js';
import type { WorkerTask } from '../../shared/task-messages.js';
import { checkOutputLocation } from '../../worker/output/sink.js';
import { openTaskCache, type TaskCacheReader } from '../run/open-task-cache.js';
import { prepareRun, workerTaskFor, type RunSetup } from '../run/task-builder.js';
import type { SpawnTaskProcess } from '../run/task-process-channel.js';
import { spawnNodeTaskProcess } from '../run/task-process-node.js';
import { redriveTargetOf, resolveQueueUrl } from '../sqs/queue-url.js';
import { createSqsClient } from '../sqs/sqs-client.js';
import type { TaskMessage } from '../sqs/task-message.js';
import type { TaskCacheMeta } from '../taskcache/task-cache.js';
import { QueueConsumer, type ConsumerSummary } from './queue-consumer.js';
import { TaskProcess } from './task-process.js';
import { configForMessage, readPublishedConfig } from './message-config.js';
import { jsonLinesLog, type WorkerLog } from './worker-log.js';
import { withMetrics, type WorkerMetrics } from './worker-metrics.js';

export interface DrainQueueOptions {
  /** The queue: a name, URL or ARN. */
  queue: string;
  /**
   * The worker's run config: plugin, product, output location, lease settings
   * (job_queue_max_lease, …). A message that names a published run config is computed with that
   * one's plugin, product and outputs instead (see message-config.ts).
   */
  config: RunConfig;
  /** What the worker's command-line options set: they apply over a message's run config too. */
  optionOverrides?: Partial<RunConfig>;
  /** A dead-letter queue instead of the config's `dlq` or the queue's redrive policy. */
  deadLetterQueue?: string;
  /** Long-poll wait per receive, 0–20 s (default 20). */
  waitTimeSeconds?: number;
  /** Empty polls in a row before the worker checks whether the queue is drained (default 1). */
  idlePolls?: number;
  /** Seconds the current task may take to finish after a stop (default 60). */
  gracePeriodSeconds?: number;
  /** The `worker` field of the log (default: host name and process id). */
  workerName?: string;
}

export interface DrainQueueControl {
  stop: AbortSignal;
  stopNow?: AbortSignal;
  /** Where the JSON log lines go. */
  writeLog(line: string): void;
  /** How task processes are started (default: Node child processes). */
  spawn?: SpawnTaskProcess;
  /** Counts the worker's events for its /metrics. */
  metrics?: WorkerMetrics;
}

export const DEFAULT_WAIT_TIME_SECONDS = 20;
export const DEFAULT_IDLE_POLLS = 1;
export const DEFAULT_GRACE_PERIOD_SECONDS = 60;

/**
 * `odc-stats worker --from-sqs`: drains a queue of task messages, computing each task in a
 * child process with the same code as `run`. Resolves when the queue is drained or the worker
 * is stopped, with every client, process and timer closed.
 */
export async function drainQueue(options: DrainQueueOptions, control: DrainQueueControl): Promise<ConsumerSummary> {
  const { config } = options;
  const waitTimeSeconds = options.waitTimeSeconds ?? DEFAULT_WAIT_TIME_SECONDS;
  if (!Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > 20) {
    throw new UserError(`invalid wait time ${waitTimeSeconds}: SQS long polls wait 0 to 20 seconds`);
  }
  const setup = await prepareRun(config);
  await checkOutputLocation(setup.location, { unsigned: config.aws_unsigned ?? false });
  const lines = jsonLinesLog(options.workerName ?? `${os.hostname()}:${process.pid}`, control.writeLog);
  const log = control.metrics ? withMetrics(lines, control.metrics) : lines;
  const client = createSqsClient();
  const taskProcess = new TaskProcess<WorkerTask>(control.spawn ?? spawnNodeTaskProcess);
  const caches = new TaskCaches(new RunSetups(setup, options.optionOverrides ?? {}, log));
  try {
    const queueUrl = await resolveQueueUrl(client, options.queue, control.stop);
    const dlq = options.deadLetterQueue ?? config.dlq;
    const deadLetterQueueUrl = dlq ? await resolveQueueUrl(client, dlq, control.stop) : await redriveTargetOf(client, queueUrl, control.stop);
    const consumer = new QueueConsumer(
      client,
      {
        queueUrl,
        ...(deadLetterQueueUrl && { deadLetterQueueUrl }),
        leaseSeconds: config.job_queue_max_lease,
        renewMarginSeconds: config.renew_safety_margin,
        pollIntervalSeconds: config.future_poll_interval,
        maxReceive: config.max_receive,
        maxProcessingSeconds: config.max_processing_time,
        waitTimeSeconds,
        idlePolls: options.idlePolls ?? DEFAULT_IDLE_POLLS,
        gracePeriodSeconds: options.gracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS,
        ...(config.heartbeat_filepath && { heartbeatFile: config.heartbeat_filepath }),
      },
      {
        resolveTask: (message) => caches.taskOf(message),
        execute: (task, signal) => taskProcess.run(task, signal),
      },
      { stop: control.stop, ...(control.stopNow && { stopNow: control.stopNow }), log },
    );
    return await consumer.run();
  } finally {
    taskProcess.close();
    caches.close();
    client.destroy();
  }
}

/**
 * The run setups of the published run configs the messages name, each read and checked (its
 * plugin loaded, its output location writable) once and kept for the next; the worker's own
 * for a message that names none.
 */
class RunSetups {
  private readonly published = new Map<string, Promise<RunSetup>>();

  constructor(
    private readonly own: RunSetup,
    private readonly optionOverrides: Partial<RunConfig>,
    private readonly log: WorkerLog,
  ) {}

  setupFor(message: TaskMessage): Promise<RunSetup> {
    const uri = message.config;
    if (uri === undefined) return Promise.resolve(this.own);
    let preparing = this.published.get(uri);
    if (!preparing) {
      preparing = this.prepare(uri);
      this.published.set(uri, preparing);
      // A config that could not be read is tried afresh by the next message that names it.
      preparing.catch(() => this.published.delete(uri));
    }
    return preparing;
  }

  private async prepare(uri: string): Promise<RunSetup> {
    const unsigned = this.own.config.aws_unsigned ?? false;
    const { config: published, warnings } = await readPublishedConfig(uri, { unsigned });
    const setup = await prepareRun(configForMessage(this.own.config, published, this.optionOverrides));
    await checkOutputLocation(setup.location, { unsigned: setup.config.aws_unsigned ?? false });
    this.log.event(warnings.length > 0 ? 'warn' : 'info', 'config-read', {
      config: uri,
      plugin: setup.config.plugin,
      product: setup.product.name,
      version: setup.product.version,
      location: setup.location,
      ...(warnings.length > 0 && { warnings }),
    });
    return setup;
  }
}

/** The task caches the messages name, each opened (downloaded) once and kept for the next. */
class TaskCaches {
  private readonly open = new Map<string, Promise<{ cache: TaskCacheReader; meta: TaskCacheMeta }>>();

  constructor(private readonly setups: RunSetups) {}

  async taskOf(message: TaskMessage): Promise<WorkerTask> {
    const setup = await this.setups.setupFor(message);
    let opening = this.open.get(message.filedb);
    if (!opening) {
      opening = openTaskCache(message.filedb, { unsigned: setup.config.aws_unsigned ?? false }).then((cache) => ({ cache, meta: cache.meta() }));
      this.open.set(message.filedb, opening);
      // A cache that could not be opened is tried afresh by the next message that names it.
      opening.catch(() => this.open.delete(message.filedb));
    }
    const { cache, meta } = await opening;
    const { period, x, y } = message.task;
    const row = cache.task(period, x, y);
    if (!row) throw new UserError(`task ${formatTaskId(message.task)} is not in the task cache ${message.filedb}`);
    return workerTaskFor(cache, meta, row, setup);
  }

  close(): void {
    for (const opening of this.open.values()) opening.then(({ cache }) => cache.close()).catch(() => undefined);
    this.open.clear();
  }
}
