import { z } from 'zod';
import { ConfigError, checkConfig, unknownKeyIssues } from './config-issue.js';
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
const ACCEPTED_KEYS: ReadonlySet<string> = new Set([...PLAN_KEYS, ...RUN_CONFIG_KEYS, ...PLAN_KEYS_WITHOUT_EFFECT]);

/** Parses and validates the YAML text of a config file; `source` names it in error messages. */
export function parsePlanConfig(yamlText: string, source: string): PlanConfig {
  const doc = readYamlMapping(yamlText, source);
  const planKeys = Object.fromEntries(Object.entries(doc).filter(([key]) => PLAN_KEYS.includes(key)));
  const unknownKeys = unknownKeyIssues(doc, ACCEPTED_KEYS, `save-tasks keys: ${PLAN_KEYS.join(', ')}`);
  const { config, issues } = checkConfig(planConfigSchema, planKeys, unknownKeys);
  if (!config) throw new ConfigError(issues, `config ${source}`);
  return config;
}

/** `input_products` as odc-stats writes it (`a+b`, or a list), also accepting commas. */
export function splitProducts(value: string | string[]): string[] {
  const list = Array.isArray(value) ? value : value.split(/[+,]/);
  return list.map((s) => s.trim()).filter((s) => s.length > 0);
}
