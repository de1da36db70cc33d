import { z } from 'zod';
import { UserError } from './errors.js';
import { readYamlMapping } from './yaml-mapping.js';

/**
 * The `save-tasks` keys of an odc-stats YAML config. One file usually holds the keys of
 * both `save-tasks` and `run`; each command ignores the other's keys but rejects names that
 * belong to neither, so that a misspelt key never goes unnoticed.
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const planConfigSchema = z
  .object({
    grid: z.string(),
    frequency: z.string(),
    input_products: z.union([z.string(), z.array(z.string()).min(1)]),
    temporal_range: z.string(),
    year: z.number().int(),
    catalog: z.string(),
    tiles: z.string(),
    region: z.string(),
    dataset_filter: z.record(z.string(), scalar),
    overwrite: z.boolean(),
    aws_unsigned: z.boolean(),
  })
  .partial();

export type PlanConfig = z.infer<typeof planConfigSchema>;

/** Keys read by `run`, `publish-tasks` and `worker`; accepted and ignored when planning. */
export const RUN_CONFIG_KEYS = [
  'plugin',
  'plugin_config',
  'product',
  'cog_opts',
  'output_location',
  'threads',
  'memory_limit',
  'max_processing_time',
  'job_queue_max_lease',
  'renew_safety_margin',
  'future_poll_interval',
  'heartbeat_filepath',
  's3_acl',
  'filedb',
  'from_sqs',
  'resolution',
  'max_receive',
  'dlq',
  's3_public',
  'dataset_filters',
  'apply_eodatasets3',
] as const;

/** odc-stats save-tasks keys that tune its Datacube index or file format; they have no meaning here. */
export const PLAN_KEYS_WITHOUT_EFFECT = ['complevel', 'gqa', 'usgs_collection_category', 'env', 'predicate'] as const;

const PLAN_KEYS = Object.keys(planConfigSchema.shape);

/** Parses and validates the YAML text of a config file; `source` names it in error messages. */
export function parsePlanConfig(yamlText: string, source: string): PlanConfig {
  const doc = readYamlMapping(yamlText, source);
  const known = new Set<string>([...PLAN_KEYS, ...RUN_CONFIG_KEYS, ...PLAN_KEYS_WITHOUT_EFFECT]);
  const planKeys: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (!known.has(key)) {
      throw new UserError(`unknown key '${key}' in config ${source} (save-tasks keys: ${PLAN_KEYS.join(', ')})`);
    }
    if (PLAN_KEYS.includes(key)) planKeys[key] = value;
  }
  const parsed = planConfigSchema.safeParse(planKeys);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`config ${source}: key '${issue.path.join('.')}' ${describeIssue(issue)}`);
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `must be ${article(issue.expected)}`;
  return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
}

function article(expected: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
  };
  return names[expected] ?? expected;
}

/** `input_products` as odc-stats writes it (`a+b`, or a list), also accepting commas. */
export function splitProducts(value: string | string[]): string[] {
  const list = Array.isArray(value) ? value : value.split(/[+,]/);
  return list.map((s) => s.trim()).filter((s) => s.length > 0);
}
