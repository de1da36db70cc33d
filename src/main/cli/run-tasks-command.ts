import { existsSync, promises as fs } from 'node:fs';
import { CommandFailed } from './exit-codes.js';
import { Command } from 'commander';
import { UserError } from '../../shared/errors.js';
import { parse as parseYaml } from 'yaml';
import { ConfigError, formatConfigIssue, strictIssues, type ConfigIssue } from '../../shared/config-issue.js';
import {
  runDatasetFilters,
  mergeRunConfig,
  parseCogConfig,
  parseRunConfig,
  parseRunSettings,
  readRunConfig,
  type RunConfig,
} from '../../shared/run-config.js';
import { spawnNodeTaskProcess } from '../run/task-process-node.js';
import { runTasks, type DryRunLine, type RunSummary } from '../run/run-tasks.js';
import { runInterruptibly, type CliIo } from './cli-io.js';
import { readS3Text } from '../fleet/message-config.js';
import { readText } from '../io/uri.js';

export interface RunFlags {
  config?: string;
  plugin?: string;
  pluginConfig?: string;
  cogConfig?: string;
  location?: string;
  threads?: string;
  threadsPerTask?: string;
  memoryLimit?: string;
  maxProcessingTime?: string;
  heartbeatFilepath?: string;
  resolution?: string;
  resampling?: string;
  datasetFilters?: string;
  apply_eodatasets3?: boolean;
  overwrite?: boolean;
  dryrun?: boolean;
  awsUnsigned?: boolean;
  public?: boolean;
  json?: boolean;
  /** Warnings about the config (keys it ignores) are errors. */
  strict?: boolean;
  /** `run --from-sqs QUEUE`: the tasks of a queue, as the `worker` command computes them. */
  fromSqs?: string;
}

/** Computes the tasks of the queue `flags.fromSqs` until it is drained (the `worker` command's job). */
export type DrainQueue = (flags: RunFlags & { fromSqs: string }) => Promise<void>;

export function runCommand(io: CliIo, drainQueue: DrainQueue): Command {
  return new Command('run')
    .description('Compute tasks of a task cache into COGs and STAC items with a plugin (gm-s2, gm-ls, pq, ...)')
    .argument('[CACHE]', 'task cache: a path or s3:// URI (with --from-sqs, each message names its own)')
    .argument('[TASKS...]', 'tasks: 2021--P1Y/3/4, 2021--P1Y,+3,-4, x+003/y+004/2021--P1Y, an index or a slice (:100, 1::10); none = all')
    .option('--config <FILE|URL|YAML>', 'run config: a YAML file, an s3:// or https:// URL, or YAML text')
    .option('--plugin <NAME>', 'plugin name or the path of a plugin module')
    .option('--plugin-config <FILE|URL|YAML>', 'plugin_config as a file, URL or YAML text; merged key by key into the config')
    .option('--cog-config <FILE|URL|YAML>', 'cog_opts as a file, URL or YAML text; replaces the config')
    .option('--location <URI>', 'output location (path, file:// or s3://); {product} and {version} are filled in')
    .option('--threads <N>', 'worker processes (default: one per CPU)')
    .option('--threads-per-task <N>', 'threads each task reduces its chunks on (default: the CPUs shared out among the worker processes, less one for the task\'s own thread; at least 1)')
    .option('--memory-limit <SIZE>', 'memory for all workers, e.g. 8Gi')
    .option('--max-processing-time <SECONDS>', 'a task running longer fails')
    .option('--heartbeat-filepath <FILE>', 'file rewritten with the time while tasks run')
    .option('--resolution <METRES>', 'output pixel size instead of the grid\u2019s (odc-stats\u2019 Y,X form too, e.g. -30,30)')
    .option('--resampling <NAME>', 'input resampling (plugin_config.resampling), e.g. average')
    .option('--dataset-filters <JSON>', "as the dataset_filters key: JSON objects joined by '|'; a task keeps the datasets one of them matches")
    .option('--apply_eodatasets3', 'as the apply_eodatasets3 key: write the EO3 dataset document, proc-info and JPEG thumbnail of each task')
    .option('--overwrite', 'recompute tasks that are finished already')
    .option('--dryrun', 'list what would run, and do nothing')
    .option('--aws-unsigned', 'read and write S3 without credentials')
    .option('--public', 'mark S3 outputs public-read (s3_acl: public-read)')
    .option('--no-public', 'leave the config\u2019s s3_acl as it is (the default)')
    .option('--json', 'print the summary as JSON')
    .option('--strict', 'refuse a config with keys odc-stats would ignore (by default: a warning each)')
    .option('--from-sqs <QUEUE>', 'compute the tasks of an SQS queue until it is drained, as `odc-stats worker --from-sqs QUEUE` does (each message names its task cache)')
    .action(async (cache: string | undefined, selectors: string[], flags: RunFlags) => {
      if (flags.fromSqs !== undefined) {
        if (selectors.length > 0) throw new UserError(`--from-sqs takes its tasks from the queue's messages: give no TASKS (got ${selectors.join(' ')})`);
        // odc-stats' jobs give the cache too; its messages name it (filedb), and the message's wins, as in odc-stats.
        if (cache !== undefined) io.err(`the queue's messages name their task cache (filedb): ${cache} is read only where a message names it`);
        if (flags.dryrun) throw new UserError('--dryrun cannot be given with --from-sqs: use publish-tasks --dryrun to see what a queue would hold');
        await drainQueue({ ...flags, fromSqs: flags.fromSqs });
        return;
      }
      if (cache === undefined) throw new UserError('no task cache: give CACHE (a path or s3:// URI), or --from-sqs QUEUE');
      const config = await resolveRunConfig(flags, (line) => io.err(line));
      const result = await runInterruptibly(io, (signal) =>
        runTasks({ cache, selectors, config, dryrun: flags.dryrun ?? false }, spawnNodeTaskProcess, {
          signal,
          events: {
            onStart: (task) => io.err(`${task}: started`),
            onProgress: (task, p) => io.progress(`${task}: ${p.stage} ${p.done}/${p.total}`),
            onResult: (r) => {
              io.progress('');
              io.err(r.status === 'failed' ? `${r.key}: failed: ${r.error}` : `${r.key}: ${r.status} in ${r.outcome.seconds.toFixed(1)} s`);
            },
          },
        }),
      );
      if (Array.isArray(result)) {
        if (flags.json) io.out(JSON.stringify(result, null, 2));
        else for (const line of result) io.out(formatDryRunLine(line));
        return;
      }
      if (flags.json) io.out(JSON.stringify(result, null, 2));
      else io.out(formatRunSummary(result));
      if (result.failed.length > 0) throw new CommandFailed(`${result.failed.length} task(s) failed`);
    });
}

/**
 * A `--config`-like value: the object an s3:// or http(s):// URL names (as odc-stats reads a value
 * with a scheme and a host), the file it names, or YAML text given inline. A value that is no file
 * and reads as a single word or path is taken for a file that is missing.
 */
async function readFileOrText(value: string, option: string, unsigned: boolean): Promise<{ text: string; source: string }> {
  if (/^s3:\/\//i.test(value)) return { text: await readS3Text(value, unsigned), source: value };
  if (/^https?:\/\/[^/]/i.test(value)) return { text: await readText(value), source: value };
  if (existsSync(value)) {
    const stat = await fs.stat(value);
    if (stat.isDirectory()) throw new UserError(`${option} ${value} is a folder, not a YAML file`);
    return { text: await fs.readFile(value, 'utf8'), source: value };
  }
  if (value.trim() === '') throw new UserError(`${option} is empty: give a YAML file or YAML text`);
  if (isBareScalar(value)) throw new UserError(`${option} file not found: ${value}`);
  return { text: value, source: '(inline)' };
}

function isBareScalar(value: string): boolean {
  try {
    return typeof parseYaml(value) === 'string';
  } catch {
    return false;
  }
}

/** Command-line option of each run key, for error messages. */
const OPTION_OF_KEY: Record<string, string> = {
  output_location: '--location',
  threads: '--threads',
  threads_per_task: '--threads-per-task',
  memory_limit: '--memory-limit',
  max_processing_time: '--max-processing-time',
  heartbeat_filepath: '--heartbeat-filepath',
  resolution: '--resolution',
  max_receive: '--max-receive',
  plugin: '--plugin',
};

/**
 * The run config of `run` and `worker`: the --config YAML, then the options over it, each checked
 * as its YAML key is. Each warning about the YAML goes to `warn` as one line (`odc-stats:
 * warning: …`); with `flags.strict` the first is an error instead.
 */
export async function resolveRunConfig(flags: RunFlags & { maxReceive?: string }, warn?: (line: string) => void): Promise<RunConfig> {
  const unsigned = flags.awsUnsigned ?? false;
  const base = flags.config !== undefined ? await readFileOrText(flags.config, '--config', unsigned) : { text: '', source: '(defaults)' };
  const strict = flags.strict ?? false;
  const { config, warnings } = readRunConfig(base.text, base.source, strict);
  const report = (issues: ConfigIssue[], where: string) => {
    if (strict && issues.length > 0) throw new ConfigError(strictIssues(issues), where);
    for (const issue of issues) warn?.(`odc-stats: warning: ${formatConfigIssue(issue, where)}`);
  };
  report(warnings, `config ${base.source}`);
  if (flags.datasetFilters !== undefined) {
    try {
      runDatasetFilters(flags.datasetFilters);
    } catch (e) {
      throw new UserError(`invalid --dataset-filters: ${(e as Error).message}`);
    }
  }
  const overrides = parseRunSettings(
    {
      plugin: flags.plugin,
      output_location: flags.location,
      threads: numberIfNumeric(flags.threads),
      threads_per_task: numberIfNumeric(flags.threadsPerTask),
      memory_limit: flags.memoryLimit,
      max_processing_time: numberIfNumeric(flags.maxProcessingTime),
      heartbeat_filepath: flags.heartbeatFilepath,
      resolution: resolutionOption(flags.resolution),
      max_receive: numberIfNumeric(flags.maxReceive),
      dataset_filters: flags.datasetFilters,
      ...(flags.overwrite && { overwrite: true }),
      ...(flags.apply_eodatasets3 && { apply_eodatasets3: true }),
      ...(flags.public && { s3_acl: 'public-read' }),
      ...(flags.awsUnsigned && { aws_unsigned: true }),
    },
    (key) => OPTION_OF_KEY[key] ?? key,
  );
  if (flags.pluginConfig !== undefined) {
    const { text, source } = await readFileOrText(flags.pluginConfig, '--plugin-config', unsigned);
    overrides.plugin_config = parseRunConfig(`plugin_config:\n${indent(text)}`, `--plugin-config ${source}`).plugin_config;
  }
  // As odc-stats, after --plugin-config, which it overrides.
  if (flags.resampling !== undefined && flags.resampling !== '') overrides.plugin_config = { ...overrides.plugin_config, resampling: flags.resampling };
  if (flags.cogConfig !== undefined) {
    const { text, source } = await readFileOrText(flags.cogConfig, '--cog-config', unsigned);
    overrides.cog_opts = parseCogConfig(text, source);
  }
  return mergeRunConfig(config, overrides);
}

/**
 * `--resolution`: a size, or odc-stats' `Y,X` pair (`-30,30`, as datacube writes a resolution),
 * read when its pixels are square; other text is left for the schema to refuse.
 */
function resolutionOption(text: string | undefined): string | number | undefined {
  const parts = text?.split(',');
  if (text === undefined || parts?.length !== 2) return numberIfNumeric(text);
  const [y, x] = parts.map((part) => numberIfNumeric(part));
  if (typeof y !== 'number' || typeof x !== 'number') return text;
  if (Math.abs(y) !== Math.abs(x)) throw new UserError(`invalid --resolution '${text}': pixels that are not square are not supported`);
  return Math.abs(x);
}

/** An option's text as the number it spells, so the schema checks it as the YAML's number; other text stays text and is refused there. */
export function numberIfNumeric(text: string | undefined): string | number | undefined {
  return text !== undefined && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim()) ? Number(text) : text;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function formatDryRunLine(l: DryRunLine): string {
  return `${l.task} days: ${l.days} datasets: ${l.datasets} output: ${l.output} (${l.state})`;
}

export function formatRunSummary(s: RunSummary): string {
  const lines = [`Finished ${s.finished.length}, skipped ${s.skipped.length}, failed ${s.failed.length}`];
  for (const f of s.failed) lines.push(`  ${f.task}: ${f.error}`);
  return lines.join('\n');
}
