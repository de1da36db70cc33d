import { z } from 'zod';
import { ConfigError, checkConfig, strictIssues, unknownKeyIssues, type ConfigIssue } from './config-issue.js';
import { parseInputProducts, productGroupText } from './input-products.js';
import { readYamlMapping } from './yaml-mapping.js';

/**
 * The `save-tasks` keys of an odc-stats YAML config. One file usually holds the keys of
 * both `save-tasks` and `run`; each command ignores the other's keys, and warns of names that
 * belong to neither (odc-stats ignores them), so that a misspelt key never goes unnoticed.
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const filterMapping = z.record(z.string(), scalar);
const FILTER_EXAMPLE = 'a JSON object such as \'{"dataset_maturity": "final"}\'';

/** `dataset_filter`: a mapping, or the JSON text of one, as odc-stats reads it (`json.loads`). */
const datasetFilter = z.unknown().transform((value, ctx) => {
  let mapping = value;
  if (typeof value === 'string') {
    try {
      mapping = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be ${FILTER_EXAMPLE}, got ${JSON.stringify(value.trim())}` });
      return z.NEVER;
    }
  }
  const parsed = filterMapping.safeParse(mapping);
  if (parsed.success) return parsed.data;
  ctx.addIssue({ code: 'custom', message: `must be a mapping or ${FILTER_EXAMPLE}, of strings, numbers or booleans` });
  return z.NEVER;
});

/** A product or a list of them, as `ignore_time` and `optional_products` name them. */
const productList = z.union([z.string().transform((name) => [name]), z.array(z.string()).min(1)]);

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
    dataset_filter: datasetFilter,
    overwrite: z.boolean(),
    aws_unsigned: z.boolean(),
    /** Fused products whose datasets join every period's, whatever their time (an elevation model). */
    ignore_time: productList,
    /** Fused products a fused dataset may lack. */
    optional_products: productList,
    /** Keep datasets whose `gqa:iterative_mean_xy` is at most this (DEA Landsat geometric accuracy, pixels). */
    gqa: z.number(),
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
  'threads_per_task',
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

/** odc-stats save-tasks keys that tune its Datacube index or file format, or that its config does not read; they have no meaning here. */
export const PLAN_KEYS_WITHOUT_EFFECT = ['complevel', 'usgs_collection_category', 'env', 'predicate'] as const;

/** Keys that name odc-stats save-tasks options its config does not read: warned of, since a user writing them expects an effect. */
const OPTION_ONLY_KEYS: Record<string, string> = {
  usgs_collection_category: 'is ignored, as odc-stats ignores it in a config: give --usgs-collection-category',
  env: 'is ignored, as odc-stats ignores it in a config; planning reads STAC: give --catalog',
};

const PLAN_KEYS = Object.keys(planConfigSchema.shape);
const ACCEPTED_KEYS: ReadonlySet<string> = new Set([...PLAN_KEYS, ...RUN_CONFIG_KEYS, ...PLAN_KEYS_WITHOUT_EFFECT]);

/**
 * The save-tasks keys of a config's YAML text, with a warning for each key neither command reads
 * (odc-stats ignores them); `source` names it in messages. `strict`: warnings are errors.
 */
export function readPlanConfig(yamlText: string, source: string, strict = false): { config: PlanConfig; warnings: ConfigIssue[] } {
  const doc = readYamlMapping(yamlText, source);
  // As in odc-stats, a key without a value is a key left out.
  const planKeys = Object.fromEntries(Object.entries(doc).filter(([key, value]) => PLAN_KEYS.includes(key) && value !== null));
  const issues = unknownKeyIssues(doc, ACCEPTED_KEYS, `save-tasks keys: ${PLAN_KEYS.join(', ')}`, [], 'warning');
  for (const [key, message] of Object.entries(OPTION_ONLY_KEYS)) {
    if (doc[key] !== undefined && doc[key] !== null) issues.push({ path: [key], message, severity: 'warning' });
  }
  const checked = checkConfig(planConfigSchema, planKeys, strict ? strictIssues(issues) : issues);
  if (!checked.config) throw new ConfigError(checked.issues, `config ${source}`);
  return { config: checked.config, warnings: checked.issues };
}

/**
 * `input_products` as odc-stats writes it (`a-b` a union, `a+b` fused, prefixes; see
 * input-products.ts), or a list, also accepting commas: one entry per part of the union, a
 * fused group written `a+b`.
 */
export function splitProducts(value: string | string[]): string[] {
  return parseInputProducts(value).map(productGroupText);
}
