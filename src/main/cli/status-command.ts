import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { cacheStatus, type CacheStatus } from '../fleet/cache-status.js';
import { queueStatus, type QueueStatus } from '../fleet/queue-status.js';
import { runInterruptibly, type CliIo } from './cli-io.js';
import { resolveRunConfig, type RunFlags } from './run-tasks-command.js';

interface StatusFlags extends RunFlags {
  dlq?: string;
  all?: boolean;
}

const UNFINISHED_SHOWN = 20;

export function statusCommand(io: CliIo): Command {
  return new Command('status')
    .description('How far a run is: a queue\u2019s messages waiting, in flight and dead-lettered, or a task cache\u2019s tasks finished on the output location')
    .argument('<QUEUE|CACHE>', 'an SQS queue (name, URL or ARN), or a task cache (path or s3:// URI, with --config or --location)')
    .argument('[TASKS...]', 'for a cache: the tasks to look at (as for run); none = all')
    .option('--config <FILE|YAML>', 'for a cache: the run config (plugin, product, output_location)')
    .option('--plugin <NAME>', 'for a cache: plugin name or module path, when the config has none')
    .option('--location <URI>', 'for a cache: the output location')
    .option('--dlq <QUEUE>', "for a queue: its dead-letter queue (default: the queue's redrive policy)")
    .option('--all', 'for a cache: list every unfinished task, not only the first 20')
    .option('--json', 'print the status as JSON')
    .action(async (target: string, selectors: string[], flags: StatusFlags) => {
      if (isTaskCache(target)) {
        const config = await resolveRunConfig(flags, (line) => io.err(line));
        const status = await runInterruptibly(io, (signal) => cacheStatus({ cache: target, config, selectors }, { signal }));
        io.out(flags.json ? JSON.stringify(status, null, 2) : formatCacheStatus(status, flags.all ?? false));
      } else {
        const status = await runInterruptibly(io, (signal) => queueStatus(target, { ...(flags.dlq && { deadLetterQueue: flags.dlq }), signal }));
        io.out(flags.json ? JSON.stringify(status, null, 2) : formatQueueStatus(status));
      }
    });
}

/** A task cache is an s3:// URI, a `.db` name or an existing file; anything else names a queue. */
function isTaskCache(target: string): boolean {
  return target.startsWith('s3://') || target.endsWith('.db') || existsSync(target);
}

function formatQueueStatus(s: QueueStatus): string {
  const lines = [`${s.queueUrl}: ${s.visible} waiting, ${s.inFlight} in flight${s.delayed > 0 ? `, ${s.delayed} delayed` : ''}`];
  if (s.deadLetter) lines.push(`dead-letter ${s.deadLetter.queueUrl}: ${s.deadLetter.visible + s.deadLetter.inFlight + s.deadLetter.delayed}`);
  else lines.push('no dead-letter queue (no redrive policy)');
  return lines.join('\n');
}

function formatCacheStatus(s: CacheStatus, all: boolean): string {
  const lines = [`${s.cache}: ${s.finished} of ${s.planned} tasks finished in ${s.location}`];
  if (s.unfinished.length > 0) {
    lines.push(`Unfinished (no STAC item): ${s.unfinished.length}`);
    const shown = all ? s.unfinished : s.unfinished.slice(0, UNFINISHED_SHOWN);
    for (const task of shown) lines.push(`  ${task}`);
    if (shown.length < s.unfinished.length) lines.push(`  ... and ${s.unfinished.length - shown.length} more (--all lists them all)`);
  }
  return lines.join('\n');
}
