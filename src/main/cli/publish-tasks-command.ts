import { existsSync, promises as fs } from 'node:fs';
import { CommandFailed } from './exit-codes.js';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../../shared/errors.js';
import { formatBytes } from '../../shared/format-bytes.js';
import { formatWorkerTime } from '../../shared/worker-time.js';
import type { FleetEstimate } from '../publish/fleet-estimate.js';
import { publishTasks, type PublishResult } from '../publish/publish-tasks.js';
import { runInterruptibly, type CliIo } from './cli-io.js';
import { formatCount } from './format.js';

interface PublishFlags {
  dryrun?: boolean;
  geojsonFilter?: string;
  cacheUri?: string;
  config?: string;
  configUri?: string;
  json?: boolean;
}

export function publishTasksCommand(io: CliIo): Command {
  return new Command('publish-tasks')
    .description('Send one SQS message per task of a task cache, for workers (odc-stats worker --from-sqs) to compute')
    .argument('<CACHE>', 'task cache: a path (uploaded to --cache-uri) or an s3:// URI')
    .argument('<QUEUE>', 'SQS queue: a name, URL or ARN')
    .argument('[TASKS...]', 'tasks: 2021--P1Y/3/4, 2021--P1Y,+3,-4, x+003/y+004/2021--P1Y, an index or a slice (:100, 1::10); none = all')
    .option('--dryrun', 'print the message bodies that would be sent, one per line, and send nothing')
    .option('--geojson-filter <FILE>', 'only tasks whose tiles intersect the polygons of this GeoJSON file (lon/lat)')
    .option('--cache-uri <S3URI>', 'where to upload a local task cache, which the messages name: s3://BUCKET/PATH/NAME.db')
    .option('--config <FILE|YAML>', "run config the workers compute with (the one run locally): uploaded beside the cache and named by every message; without it, the workers' own")
    .option('--config-uri <S3URI>', 'where to upload the run config (default: beside the cache, NAME.run.yaml)')
    .option('--json', 'print the summary as JSON')
    .action(async (cache: string, queue: string, selectors: string[], flags: PublishFlags) => {
      const config = flags.config === undefined ? undefined : await readConfig(flags.config);
      const result = await runInterruptibly(io, (signal) =>
        publishTasks(
          {
            cache,
            queue,
            selectors,
            dryrun: flags.dryrun ?? false,
            ...(flags.geojsonFilter && { geojsonFilter: flags.geojsonFilter }),
            ...(flags.cacheUri && { cacheUri: flags.cacheUri }),
            ...(config && { configYaml: config.text, configSource: config.source }),
            ...(flags.configUri && { configUri: flags.configUri }),
          },
          {
            signal,
            onProgress: (p) =>
              io.progress(p.stage === 'uploading' ? `uploading the task cache: ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}` : `sent ${p.sent} of ${p.total}`),
          },
        ),
      );
      io.progress('');
      for (const warning of result.run?.warnings ?? []) io.err(`odc-stats: warning: ${warning}`);
      if (flags.json) io.out(JSON.stringify(result, null, 2));
      else if (flags.dryrun) {
        for (const body of result.messages ?? []) io.out(body);
        for (const line of describeRun(result)) io.err(line);
      } else io.out(formatPublishSummary(result));
      if (flags.dryrun && !flags.json) io.err(`${result.tasks} of ${result.found} tasks would be published (dry run: nothing sent)`);
      if (result.failed.length > 0) throw new CommandFailed(`${result.failed.length} message(s) not sent`);
    });
}

/** A run config file, or YAML text given inline; a single word that is no file is a missing file. */
async function readConfig(value: string): Promise<{ text: string; source: string }> {
  if (existsSync(value)) {
    if ((await fs.stat(value)).isDirectory()) throw new UserError(`--config ${value} is a folder, not a YAML file`);
    return { text: await fs.readFile(value, 'utf8'), source: value };
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(value);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'string' || value.trim() === '') throw new UserError(`--config file not found: ${value}`);
  return { text: value, source: '(inline)' };
}

/** What the workers will run, as the confirmation states it. */
function describeRun(r: PublishResult): string[] {
  const lines: string[] = [];
  if (r.run) {
    lines.push(`Run: plugin ${r.run.plugin}, product ${r.run.product} version ${r.run.version}`);
    lines.push(`Outputs: ${r.run.outputLocation}`);
    lines.push(`Run config: ${r.run.configUri}`);
  } else {
    lines.push("Run config: none published: the workers compute with their own --config (give --config to publish the one you ran)");
  }
  lines.push(`Tasks: ${r.tasks} of ${r.found} in the cache ${r.cacheUri}`);
  lines.push(`Estimated cost: ${formatEstimate(r.estimate)}`);
  return lines;
}

function formatEstimate(e: FleetEstimate): string {
  return `${formatWorkerTime(e.workerHours)} (${formatCount(e.pixelObservations)} pixel-observations at ${formatCount(e.pixelObservationsPerSecond)} a second per worker)`;
}

function formatPublishSummary(r: PublishResult): string {
  const lines: string[] = [];
  if (r.run) lines.push(`Uploaded the run config to ${r.run.configUri}`);
  if (r.uploadedBytes !== undefined) lines.push(`Uploaded the task cache to ${r.cacheUri} (${formatBytes(r.uploadedBytes)})`);
  lines.push(`Published ${r.sent} of ${r.tasks} tasks (of ${r.found} in the cache) to ${r.queueUrl}`);
  lines.push(...describeRun(r));
  if (r.failed.length > 0) {
    lines.push(`Not sent: ${r.failed.length}`);
    for (const f of r.failed.slice(0, 20)) lines.push(`  ${f.task}: ${f.error}`);
    if (r.failed.length > 20) lines.push(`  ... and ${r.failed.length - 20} more (--json lists them all)`);
  }
  return lines.join('\n');
}
