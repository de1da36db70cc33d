import os from 'node:os';
import { Command } from 'commander';
import { UserError } from '../../shared/errors.js';
import type { RunConfig } from '../../shared/run-config.js';
import { DEFAULT_GRACE_PERIOD_SECONDS, DEFAULT_IDLE_POLLS, DEFAULT_WAIT_TIME_SECONDS, drainQueue } from '../fleet/drain-queue.js';
import { parseMetricsAddress, serveMetrics, type MetricsServer } from '../fleet/metrics-server.js';
import { jsonLinesLog } from '../fleet/worker-log.js';
import { WorkerMetrics } from '../fleet/worker-metrics.js';
import type { CliIo } from './cli-io.js';
import { resolveRunConfig, type RunFlags } from './run-tasks-command.js';

export interface WorkerFlags extends RunFlags {
  fromSqs: string;
  dlq?: string;
  maxReceive?: string;
  waitTime: string;
  idlePolls: string;
  gracePeriod: string;
  metricsPort?: string;
}

/** The options that set a key a published run config also sets: they win over it (message-config.ts). */
const OPTION_KEYS: Array<[keyof WorkerFlags, keyof RunConfig]> = [
  ['plugin', 'plugin'],
  ['pluginConfig', 'plugin_config'],
  ['cogConfig', 'cog_opts'],
  ['location', 'output_location'],
  ['overwrite', 'overwrite'],
  ['awsUnsigned', 'aws_unsigned'],
  ['public', 's3_acl'],
];

/** The worker's own options as `worker` defaults them, for `run --from-sqs`, which has none of them. */
export const WORKER_DEFAULTS = {
  waitTime: String(DEFAULT_WAIT_TIME_SECONDS),
  idlePolls: String(DEFAULT_IDLE_POLLS),
  gracePeriod: String(DEFAULT_GRACE_PERIOD_SECONDS),
} satisfies Partial<WorkerFlags>;

export function workerCommand(io: CliIo): Command {
  return new Command('worker')
    .description('Headless worker: compute the tasks of an SQS queue one by one until it is drained (JSON log lines on stdout)')
    .requiredOption('--from-sqs <QUEUE>', 'SQS queue of task messages: a name, URL or ARN')
    .option(
      '--config <FILE|S3URI|YAML>',
      'run config: a YAML file, an s3:// URI or YAML text (plugin, product, output_location, job_queue_max_lease, ...); a message that names a published run config is computed with that one',
    )
    .option('--plugin <NAME>', 'plugin name or the path of a plugin module')
    .option('--plugin-config <FILE|YAML>', 'plugin_config as a file or YAML text; merged key by key into the config')
    .option('--cog-config <FILE|YAML>', 'cog_opts as a file or YAML text; replaces the config')
    .option('--location <URI>', 'output location (path, file:// or s3://); {product} and {version} are filled in')
    .option('--max-processing-time <SECONDS>', 'a task running longer fails')
    .option('--heartbeat-filepath <FILE>', 'file rewritten with the time while the worker lives, for a liveness probe')
    .option('--dlq <QUEUE>', "dead-letter queue (default: the config's dlq, else the queue's redrive policy)")
    .option('--max-receive <N>', 'tries of a message before it goes to the dead-letter queue (default: max_receive, 3)')
    .option('--wait-time <SECONDS>', 'long-poll wait of each receive, 0 to 20', WORKER_DEFAULTS.waitTime)
    .option('--idle-polls <N>', 'empty polls in a row before the worker exits, if no message is left in flight either', WORKER_DEFAULTS.idlePolls)
    .option('--grace-period <SECONDS>', 'on SIGTERM, time the current task has to finish before it is released', WORKER_DEFAULTS.gracePeriod)
    .option('--overwrite', 'recompute tasks that are finished already')
    .option('--aws-unsigned', 'read and write S3 without credentials')
    .option('--public', 'mark S3 outputs public-read (s3_acl: public-read)')
    .option('--strict', 'refuse a config with keys odc-stats would ignore (by default: a warning each on stderr)')
    .option('--metrics-port <[HOST:]PORT>', 'serve Prometheus metrics at http://HOST:PORT/metrics (HOST default 0.0.0.0; port 0: any free one); off by default')
    .action((flags: WorkerFlags) => drainQueueCommand(io, flags));
}

/**
 * Computes the tasks of the queue `flags.fromSqs` names one by one until it is drained, with JSON
 * log lines on stdout: the `worker` command, and `run --from-sqs` (odc-stats' spelling).
 */
export async function drainQueueCommand(io: CliIo, flags: WorkerFlags): Promise<void> {
  const metricsAddress = flags.metricsPort === undefined ? undefined : parseMetricsAddress(flags.metricsPort);
  const config = await resolveRunConfig(flags, (line) => io.err(line));
  const optionOverrides = await overridesOfOptions(flags);
  const workerName = `${os.hostname()}:${process.pid}`;
  const log = jsonLinesLog(workerName, (line) => io.out(line));
  const metrics = new WorkerMetrics();
  let metricsServer: MetricsServer | undefined;
  if (metricsAddress) {
    metricsServer = await serveMetrics(() => metrics.render(), metricsAddress);
    log.event('info', 'metrics', { url: metricsServer.url });
  }
  const stop = new AbortController();
  const stopNow = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      log.event('warn', 'stop-requested', { signal, gracePeriod: Number(flags.gracePeriod) });
      stop.abort();
    } else if (!stopNow.signal.aborted) {
      log.event('warn', 'stop-now-requested', { signal });
      stopNow.abort();
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await drainQueue(
      {
        queue: flags.fromSqs,
        config,
        optionOverrides,
        ...(flags.dlq && { deadLetterQueue: flags.dlq }),
        waitTimeSeconds: count(flags.waitTime, '--wait-time', 0),
        idlePolls: count(flags.idlePolls, '--idle-polls', 1),
        gracePeriodSeconds: count(flags.gracePeriod, '--grace-period', 0),
        workerName,
      },
      { stop: stop.signal, stopNow: stopNow.signal, writeLog: (line) => io.out(line), metrics },
    );
  } catch (e) {
    // Stopped before the first poll (while resolving the queue): a clean stop all the same.
    if (!(stop.signal.aborted && e instanceof Error && e.name === 'AbortError')) throw e;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await metricsServer?.close();
  }
}

/** The keys the options set, read as the options alone would set them. */
async function overridesOfOptions(flags: WorkerFlags): Promise<Partial<RunConfig>> {
  const given = OPTION_KEYS.filter(([flag]) => flags[flag] !== undefined);
  if (given.length === 0) return {};
  const fromOptions = await resolveRunConfig({ ...flags, config: undefined });
  return Object.fromEntries(given.map(([, key]) => [key, fromOptions[key]]));
}

function count(text: string, option: string, least: number): number {
  if (!/^\d+$/.test(text) || Number(text) < least) throw new UserError(`invalid ${option} '${text}': expected a whole number of at least ${least}`);
  return Number(text);
}
