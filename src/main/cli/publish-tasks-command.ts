import { CommandFailed } from './exit-codes.js';
import { Command } from 'commander';
import { formatBytes } from '../../shared/format-bytes.js';
import { publishTasks, type PublishResult } from '../publish/publish-tasks.js';
import { runInterruptibly, type CliIo } from './cli-io.js';

interface PublishFlags {
  dryrun?: boolean;
  geojsonFilter?: string;
  cacheUri?: string;
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
    .option('--json', 'print the summary as JSON')
    .action(async (cache: string, queue: string, selectors: string[], flags: PublishFlags) => {
      const result = await runInterruptibly(io, (signal) =>
        publishTasks(
          {
            cache,
            queue,
            selectors,
            dryrun: flags.dryrun ?? false,
            ...(flags.geojsonFilter && { geojsonFilter: flags.geojsonFilter }),
            ...(flags.cacheUri && { cacheUri: flags.cacheUri }),
          },
          {
            signal,
            onProgress: (p) =>
              io.progress(p.stage === 'uploading' ? `uploading the task cache: ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}` : `sent ${p.sent} of ${p.total}`),
          },
        ),
      );
      io.progress('');
      if (flags.json) io.out(JSON.stringify(result, null, 2));
      else if (flags.dryrun) for (const body of result.messages ?? []) io.out(body);
      else io.out(formatPublishSummary(result));
      if (flags.dryrun && !flags.json) io.err(`${result.tasks} of ${result.found} tasks would be published (dry run: nothing sent)`);
      if (result.failed.length > 0) throw new CommandFailed(`${result.failed.length} message(s) not sent`);
    });
}

function formatPublishSummary(r: PublishResult): string {
  const lines: string[] = [];
  if (r.uploadedBytes !== undefined) lines.push(`Uploaded the task cache to ${r.cacheUri} (${formatBytes(r.uploadedBytes)})`);
  lines.push(`Published ${r.sent} of ${r.tasks} tasks (of ${r.found} in the cache) to ${r.queueUrl}`);
  if (r.failed.length > 0) {
    lines.push(`Not sent: ${r.failed.length}`);
    for (const f of r.failed.slice(0, 20)) lines.push(`  ${f.task}: ${f.error}`);
    if (r.failed.length > 20) lines.push(`  ... and ${r.failed.length - 20} more (--json lists them all)`);
  }
  return lines.join('\n');
}
