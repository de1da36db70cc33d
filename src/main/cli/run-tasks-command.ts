import { existsSync, promises as fs } from 'node:fs';
import { CommandFailed } from './exit-codes.js';
import { Command } from 'commander';
import { UserError } from '../../shared/errors.js';
import { mergeRunConfig, parseCogConfig, parseMemory, parseRunConfig, type RunConfig } from '../../shared/run-config.js';
import { nodeWorkerSpawner } from '../run/node-worker.js';
import { runTasks, type DryRunLine, type RunSummary } from '../run/run-tasks.js';
import { runInterruptibly, type CliIo } from './cli-io.js';

export interface RunFlags {
  config?: string;
  plugin?: string;
  pluginConfig?: string;
  cogConfig?: string;
  location?: string;
  threads?: string;
  memoryLimit?: string;
  maxProcessingTime?: string;
  heartbeatFilepath?: string;
  resolution?: string;
  overwrite?: boolean;
  dryrun?: boolean;
  awsUnsigned?: boolean;
  public?: boolean;
  json?: boolean;
}

export function runCommand(io: CliIo): Command {
  return new Command('run')
    .description('Compute tasks of a task cache into COGs and STAC items with a plugin (gm-s2, gm-ls, pq, ...)')
    .argument('<CACHE>', 'task cache: a path or s3:// URI')
    .argument('[TASKS...]', 'tasks: 2021--P1Y/3/4, 2021--P1Y,+3,-4, x+003/y+004/2021--P1Y, an index or a slice (:100, 1::10); none = all')
    .option('--config <FILE|YAML>', 'run config: a YAML file, or YAML text')
    .option('--plugin <NAME>', 'plugin name or the path of a plugin module')
    .option('--plugin-config <FILE|YAML>', 'plugin_config as a file or YAML text; merged key by key into the config')
    .option('--cog-config <FILE|YAML>', 'cog_opts as a file or YAML text; replaces the config')
    .option('--location <URI>', 'output location (path, file:// or s3://); {product} and {version} are filled in')
    .option('--threads <N>', 'worker processes (default: one per CPU)')
    .option('--memory-limit <SIZE>', 'memory for all workers, e.g. 8Gi')
    .option('--max-processing-time <SECONDS>', 'a task running longer fails')
    .option('--heartbeat-filepath <FILE>', 'file rewritten with the time while tasks run')
    .option('--resolution <METRES>', 'output pixel size instead of the grid\u2019s')
    .option('--overwrite', 'recompute tasks that are finished already')
    .option('--dryrun', 'list what would run, and do nothing')
    .option('--aws-unsigned', 'read and write S3 without credentials')
    .option('--public', 'mark S3 outputs public-read (s3_acl: public-read)')
    .option('--json', 'print the summary as JSON')
    .action(async (cache: string, selectors: string[], flags: RunFlags) => {
      const config = await resolveRunConfig(flags);
      const result = await runInterruptibly(io, (signal) =>
        runTasks({ cache, selectors, config, dryrun: flags.dryrun ?? false }, nodeWorkerSpawner(), {
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

async function readFileOrText(value: string): Promise<{ text: string; source: string }> {
  if (existsSync(value)) return { text: await fs.readFile(value, 'utf8'), source: value };
  if (!/[:\n{]/.test(value)) throw new UserError(`config file not found: ${value}`);
  return { text: value, source: '(inline)' };
}

export async function resolveRunConfig(flags: RunFlags): Promise<RunConfig> {
  const base = flags.config ? await readFileOrText(flags.config) : { text: '', source: '(defaults)' };
  let config = parseRunConfig(base.text, base.source);
  const overrides: Partial<RunConfig> = {};
  if (flags.plugin) overrides.plugin = flags.plugin;
  if (flags.pluginConfig) {
    const { text, source } = await readFileOrText(flags.pluginConfig);
    overrides.plugin_config = parseRunConfig(`plugin_config:\n${indent(text)}`, `--plugin-config ${source}`).plugin_config;
  }
  if (flags.cogConfig) {
    const { text, source } = await readFileOrText(flags.cogConfig);
    overrides.cog_opts = parseCogConfig(text, source);
  }
  if (flags.location) overrides.output_location = flags.location;
  if (flags.threads) overrides.threads = wholeNumber(flags.threads, '--threads');
  if (flags.memoryLimit) overrides.memory_limit = parseMemory(flags.memoryLimit);
  if (flags.maxProcessingTime) overrides.max_processing_time = wholeNumber(flags.maxProcessingTime, '--max-processing-time');
  if (flags.heartbeatFilepath) overrides.heartbeat_filepath = flags.heartbeatFilepath;
  if (flags.resolution) overrides.resolution = positiveNumber(flags.resolution, '--resolution');
  if (flags.overwrite) overrides.overwrite = true;
  if (flags.public) overrides.s3_acl = 'public-read';
  if (flags.awsUnsigned) overrides.aws_unsigned = true;
  config = mergeRunConfig(config, overrides);
  return config;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function wholeNumber(text: string, option: string): number {
  if (!/^-?\d+$/.test(text)) throw new UserError(`invalid ${option} '${text}': expected a whole number`);
  return Number(text);
}

function positiveNumber(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`invalid ${option} '${text}': expected a positive number`);
  return n;
}

export function formatDryRunLine(l: DryRunLine): string {
  return `${l.task} days: ${l.days} datasets: ${l.datasets} output: ${l.output} (${l.state})`;
}

export function formatRunSummary(s: RunSummary): string {
  const lines = [`Finished ${s.finished.length}, skipped ${s.skipped.length}, failed ${s.failed.length}`];
  for (const f of s.failed) lines.push(`  ${f.task}: ${f.error}`);
  return lines.join('\n');
}
