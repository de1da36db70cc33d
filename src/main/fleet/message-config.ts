/**
 * The run config a task message names (published with its tasks) and how it meets the worker's
 * own. The message's config says what is computed and where it goes; the worker's own config
 * and options say how this machine works the queue (leases, heartbeat, dead-letter queue, time
 * limit) and how much of the machine a task may use, which a config tuned on a laptop must not
 * decide for a pod. The worker's command-line options win over both, as they win over its YAML.
 */
import { promises as fs } from 'node:fs';
import { parseS3Uri } from '../../io/s3-uri.js';
import type { AwsConnection } from '../../shared/aws-connection.js';
import { formatConfigIssue } from '../../shared/config-issue.js';
import { UserError } from '../../shared/errors.js';
import { mergeRunConfig, readRunConfig, type RunConfig } from '../../shared/run-config.js';
import { getS3Object } from '../io/s3.js';

/** The keys of a published run config that decide what a task computes and where it writes. */
const TASK_KEYS = [
  'plugin',
  'plugin_config',
  'product',
  'output_location',
  'cog_opts',
  'overwrite',
  'aws_unsigned',
  's3_acl',
  's3_public',
  'resolution',
  'dataset_filters',
  'apply_eodatasets3',
] as const satisfies ReadonlyArray<keyof RunConfig>;

/**
 * The config a task is computed with: the worker's, its task keys replaced by the message's
 * (absent there: absent), then the worker's options over it.
 */
export function configForMessage(worker: RunConfig, published: RunConfig, options: Partial<RunConfig>): RunConfig {
  const config: Record<string, unknown> = { ...worker };
  for (const key of TASK_KEYS) {
    if (published[key] === undefined) delete config[key];
    else config[key] = published[key];
  }
  return mergeRunConfig(config as RunConfig, options);
}

/** A published run config read from S3 (or a path), with its warnings as lines. */
export async function readPublishedConfig(uri: string, options: { unsigned?: boolean; connection?: AwsConnection } = {}): Promise<{ config: RunConfig; warnings: string[] }> {
  const text = uri.startsWith('s3://') ? await readS3Text(uri, options.unsigned ?? false, options.connection) : await readFileText(uri);
  const { config, warnings } = readRunConfig(text, uri);
  return { config, warnings: warnings.map((issue) => formatConfigIssue(issue, `config ${uri}`)) };
}

/** The text of a run config on S3 (`odc-stats worker --config s3://…`, or a message's). */
export async function readS3Text(uri: string, unsigned: boolean, connection?: AwsConnection): Promise<string> {
  const { key } = parseS3Uri(uri);
  if (!key || key.endsWith('/')) throw new UserError(`not a run config URI: ${uri} (expected s3://bucket/path/NAME.yaml)`);
  const body = await getS3Object(uri, { unsigned, ...(connection && { connection }) }, 'run config');
  return body.transformToString('utf8');
}

async function readFileText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`run config not found: ${file}`);
    throw e;
  }
}
