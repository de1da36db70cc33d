/**
 * The configuration of `odc-stats run` (and of the fleet's workers): the YAML keys of odc-stats'
 * `TaskRunnerConfig` (odc/stats/model.py) and of the `run` command's `CONFIG_ITEMS`
 * (odc/stats/_cli_run.py), with the product section of `product_for_plugin`.
 */
import { z } from 'zod';
import { ConfigError, checkConfig, strictIssues, unknownKeyIssues, type ConfigCheck, type ConfigIssue } from './config-issue.js';
import { parseDatasetFilters, type DatasetFilter } from './dataset-filters.js';
import { UserError } from './errors.js';
import { isMapping, readYamlMapping } from './yaml-mapping.js';
import { regionCode } from './grid.js';
import { PLAN_KEYS_WITHOUT_EFFECT, planConfigSchema } from './plan-config.js';
import { describeIssue } from './schema-issue.js';

const DEFAULT_REGION_CODE_FORMAT = 'x{x:02d}y{y:02d}';

/** odc-stats `TaskRunnerConfig.default_cog_settings`, under every band's own settings. */
const DEFAULT_COG_OPTIONS: Readonly<CogBandOptions> = {
  compress: 'deflate',
  zlevel: 9,
  blocksize: 800,
  ovr_blocksize: 256,
  overview_resampling: 'average',
};

const S3_CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const mapping = z.record(z.string(), z.unknown());

export type CogOptionValue = string | number | boolean | number[];

/**
 * COG settings of one band. Keys other than the named ones are further GDAL creation options
 * (`webp_level`, `jpeg_quality`, …), passed on as given, as odc-stats passes them to GDAL.
 */
export interface CogBandOptions {
  compress?: string;
  zlevel?: number;
  /** Tile side in pixels. */
  blocksize?: number;
  /** Tile side of the overviews in pixels. */
  ovr_blocksize?: number;
  overview_resampling?: string;
  overview_levels?: number[];
  predictor?: number | boolean;
  [gdalOption: string]: CogOptionValue | undefined;
}

/**
 * `cog_opts` read into the settings shared by every band and each band's own. In the YAML a
 * band's settings sit under `overrides`, or, as odc-stats also accepts, directly under
 * `cog_opts` as a mapping named after the band.
 */
export interface CogOptions {
  common: CogBandOptions;
  overrides: Record<string, CogBandOptions>;
}

const blocksize = z.number().int().positive().multipleOf(16);
const cogBandShape = {
  compress: z.string().min(1),
  zlevel: z.number().int().min(1).max(12),
  blocksize,
  ovr_blocksize: blocksize,
  overview_resampling: z.string().min(1),
  overview_levels: z.array(z.number().int().min(2)),
  predictor: z.union([z.number().int().min(1).max(3), z.boolean()], { error: 'must be 1, 2, 3, true or false' }),
};
const gdalOption = z.union([scalar, z.array(z.number())], { error: 'must be a string, a number or true/false' });
const cogBandOptionsSchema = z.object(cogBandShape).partial().catchall(gdalOption);

/** The band odc-stats writes, from the plugin's RGB bands, only when `cog_opts` has settings for it. */
const RGBA_PREVIEW_BAND = 'rgba';

const cogOptionsSchema = z
  // `overrides:` left empty (null) means no band has settings of its own.
  .object({ ...cogBandShape, overrides: z.record(z.string(), cogBandOptionsSchema).nullable() })
  .partial()
  .catchall(
    z.union([gdalOption, cogBandOptionsSchema], {
      error: "must be a GDAL creation option or a band's mapping of COG settings",
    }),
  )
  .transform((flat): CogOptions => {
    const common: CogBandOptions = {};
    const overrides: Record<string, CogBandOptions> = { ...flat.overrides };
    for (const [key, value] of Object.entries(flat)) {
      if (key === 'overrides' || value === undefined || value === null) continue;
      if (typeof value === 'object' && !Array.isArray(value)) overrides[key] = value as CogBandOptions;
      else common[key] = value as CogOptionValue;
    }
    return { common, overrides };
  });


/** The `product` section: odc-stats `product_for_plugin` arguments. */
const productSchema = z
  .object({
    name: z.string().min(1),
    short_name: z.string().min(1),
    version: z.string().min(1),
    product_family: z.string().min(1),
    collections_site: z.string().min(1),
    producer: z.string().min(1),
    properties: mapping,
    region_code_format: z
      .string()
      .min(1)
      .superRefine((format, ctx) => {
        try {
          regionCode({ x: 0, y: 0 }, format);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: `is invalid: ${(e as Error).message}` });
        }
      }),
    naming_conventions_values: z.string(),
    explorer_path: z.string(),
    inherit_skip_properties: z.array(z.string()),
    preview_image_ows_style: mapping,
    classifier: z.string(),
    maturity: z.string().min(1),
    collection_number: z.number().int(),
    nodata: z.record(z.string(), z.number()),
  })
  .partial();

const memoryLimit = z
  .union([z.string(), z.number()], { error: "must be a size such as '10Gi' or '4GB', or a number of bytes" })
  .transform((value, ctx): number | undefined => {
    if (isAutomaticMemory(value)) return undefined;
    const size = readMemory(value);
    if ('bytes' in size) return size.bytes;
    ctx.addIssue({ code: 'custom', message: size.problem });
    return z.NEVER;
  });

const runSchema = z.object({
  plugin: z.string().min(1).optional(),
  plugin_config: mapping.default({}),
  product: productSchema.default({}),
  output_location: z.string().min(1).optional(),
  cog_opts: cogOptionsSchema.optional(),
  /** Worker threads; absent, 0 or negative: one per CPU, as in odc-stats. */
  threads: z.number().int().optional(),
  /**
   * Threads one task's chunks are reduced on (this program's, not odc-stats'); absent, 0 or
   * negative: the CPUs shared out among the task processes (all of them for one task).
   */
  threads_per_task: z.number().int().optional(),
  /** Bytes; 0 means no limit. Absent: the machine's memory less 1 GiB, as in odc-stats. */
  memory_limit: memoryLimit.optional(),
  overwrite: z.boolean().default(false),
  /** Seconds a task may run before it is cancelled; 0 means no limit. */
  max_processing_time: z.number().int().min(0).default(0),
  heartbeat_filepath: z.string().min(1).optional(),
  aws_unsigned: z.boolean().optional(),
  s3_acl: z.enum(S3_CANNED_ACLS).optional(),
  /** Deprecated in odc-stats for `s3_acl: public-read`. */
  s3_public: z.boolean().optional(),
  /** Seconds a queue message stays leased to a worker at a time. */
  job_queue_max_lease: z.number().int().positive().default(300),
  /** Seconds before the lease expires at which the worker renews it. */
  renew_safety_margin: z.number().int().min(0).default(30),
  /** Seconds between checks of a running task for its lease, deadline and heartbeat. */
  future_poll_interval: z.number().positive().default(5),
  /** Deliveries of a queue message before it goes to the dead-letter queue. */
  max_receive: z.number().int().positive().default(3),
  dlq: z.string().min(1).optional(),
  /** Output pixel size in CRS units, overriding the grid's. */
  resolution: z.number().positive().optional(),
  filedb: z.string().min(1).optional(),
  from_sqs: z.string().min(1).optional(),
  dataset_filters: z
    .union([z.string(), z.record(z.string(), scalar)], { error: 'must be a JSON string or a mapping' })
    .optional(),
  /**
   * odc-stats' eodatasets3 packaging: true writes, beside the STAC item, the EO3 dataset document
   * (`.odc-metadata.yaml`), `.proc-info.yaml` and a JPEG thumbnail (`src/worker/eo3/`).
   */
  apply_eodatasets3: z.boolean().optional(),
});

export type RunConfig = z.infer<typeof runSchema>;

/** The keys `run` reads, in the order of the schema. */
export const RUN_KEYS: readonly string[] = Object.keys(runSchema.shape);
const PRODUCT_KEYS: ReadonlySet<string> = new Set(Object.keys(productSchema.shape));
/** The keys of `save-tasks`, which `run` accepts and ignores. */
const IGNORED_KEYS: readonly string[] = [...Object.keys(planConfigSchema.shape), ...PLAN_KEYS_WITHOUT_EFFECT];
const ACCEPTED_KEYS: ReadonlySet<string> = new Set([...RUN_KEYS, ...IGNORED_KEYS]);

/**
 * The run config in a YAML config's top-level mapping, with warnings, or what is wrong with it.
 * The keys of `save-tasks` are accepted and ignored. Any other top-level key is ignored too, as
 * odc-stats `run` ignores it, but with a warning naming the nearest key, so that a misspelt key
 * never goes unnoticed. A key odc-stats refuses (an unknown `product` key) is refused.
 */
export function checkRunConfig(mapping: Record<string, unknown>): ConfigCheck<RunConfig> {
  const runKeys: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(mapping)) {
    // As in odc-stats, a key without a value is a key left out.
    if (RUN_KEYS.includes(key) && value !== null) runKeys[key] = value;
  }
  const issues = unknownKeyIssues(mapping, ACCEPTED_KEYS, `run keys: ${RUN_KEYS.join(', ')}`, [], 'warning');
  issues.push(...runKeyIssues(runKeys));
  const product = runKeys.product;
  if (isMapping(product)) issues.push(...unknownKeyIssues(product, PRODUCT_KEYS, `product keys: ${[...PRODUCT_KEYS].join(', ')}`, ['product']));
  return checkConfig(runSchema, runKeys, issues);
}

/**
 * Run keys this program reads but cannot honour as odc-stats does: refused where the outputs
 * would differ unannounced.
 */
function runKeyIssues(runKeys: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  try {
    runDatasetFilters(runKeys.dataset_filters);
  } catch (e) {
    issues.push({ path: ['dataset_filters'], message: (e as Error).message, severity: 'error' });
  }
  return issues;
}

/** The filters of a run's `dataset_filters`; undefined where it has none (absent or blank). */
export function runDatasetFilters(value: unknown): DatasetFilter[] | undefined {
  if (typeof value === 'string' && value.trim() !== '') return parseDatasetFilters(value);
  return isMapping(value) ? parseDatasetFilters(value) : undefined;
}

/**
 * Reads the YAML text of a run config (a file's content or an inline `--config` string) with
 * its warnings; `source` names it in error messages. `strict`: warnings are errors.
 */
export function readRunConfig(yamlText: string, source: string, strict = false): { config: RunConfig; warnings: ConfigIssue[] } {
  const checked = checkRunConfig(readYamlMapping(yamlText, source));
  const where = `config ${source}`;
  if (!checked.config) throw new ConfigError(strict ? strictIssues(checked.issues) : checked.issues, where);
  if (strict && checked.issues.length > 0) throw new ConfigError(strictIssues(checked.issues), where);
  return { config: checked.config, warnings: checked.issues };
}

/** A run config's YAML text read as readRunConfig reads it, without its warnings. */
export function parseRunConfig(yamlText: string, source: string): RunConfig {
  return readRunConfig(yamlText, source).config;
}

/**
 * Run settings given apart from the YAML (command-line options, the app), keyed as in the YAML
 * and checked by the same rules as the YAML's values; `optionOf` names a key in errors (e.g.
 * `max_processing_time` → `--max-processing-time`). Keys left undefined are left out.
 */
export function parseRunSettings(values: Partial<Record<keyof RunConfig, unknown>>, optionOf: (key: string) => string): Partial<RunConfig> {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const field = runSchema.shape[key as keyof RunConfig];
    const parsed = field.safeParse(value);
    if (!parsed.success) throw new UserError(`invalid ${optionOf(key)} '${String(value)}': ${describeIssue(parsed.error.issues[0]!)}`);
    settings[key] = parsed.data;
  }
  return settings as Partial<RunConfig>;
}

/**
 * The YAML of odc-stats' `--cog-config` option: COG settings given apart from the config, in
 * the form of its `cog_opts`.
 */
export function parseCogConfig(yamlText: string, source: string): CogOptions {
  const { config, issues } = checkConfig(cogOptionsSchema, readYamlMapping(yamlText, source), [], ['cog_opts']);
  if (!config) throw new ConfigError(issues, `config ${source}`);
  return config;
}

/**
 * Applies command-line (or UI) settings over a config, as odc-stats `run` does: each given
 * setting replaces the config's, except `plugin_config`, whose keys are merged into the
 * config's, and `product`, merged key by key likewise. `cog_opts` replaces the config's as a
 * whole (odc-stats' `--cog-config`). Settings left undefined change nothing.
 */
export function mergeRunConfig(base: RunConfig, overrides: Partial<RunConfig>): RunConfig {
  const merged: RunConfig = { ...base };
  for (const [key, value] of Object.entries(overrides) as Array<[keyof RunConfig, unknown]>) {
    if (value === undefined) continue;
    if (key === 'plugin_config') merged.plugin_config = { ...base.plugin_config, ...overrides.plugin_config };
    else if (key === 'product') merged.product = { ...base.product, ...overrides.product };
    else Object.assign(merged, { [key]: value });
  }
  return merged;
}

/**
 * The COG settings of one band: odc-stats' defaults, then the common settings, then the band's.
 * Where these give `level` (GDAL's COG driver's name of the deflate level), it stands instead of
 * the default `zlevel`.
 */
export function cogOptionsForBand(cogOptions: CogOptions | undefined, band: string): CogBandOptions {
  const given = { ...cogOptions?.common, ...cogOptions?.overrides[band] };
  const { zlevel: _defaultLevel, ...defaultsBesideLevel } = DEFAULT_COG_OPTIONS;
  return { ...(given['level'] === undefined ? DEFAULT_COG_OPTIONS : defaultsBesideLevel), ...given };
}

/**
 * The settings of the RGBA preview COG, which odc-stats writes (from the plugin's RGB bands)
 * only when `cog_opts` has settings for the rgba band; undefined when it has none.
 */
export function rgbaPreviewOptions(cogOptions: CogOptions | undefined): CogBandOptions | undefined {
  return cogOptions?.overrides[RGBA_PREVIEW_BAND] === undefined ? undefined : cogOptionsForBand(cogOptions, RGBA_PREVIEW_BAND);
}

/** The product fields a plugin supplies when the config leaves them out (odc-stats `StatsPluginInterface`). */
export interface PluginProductDefaults {
  name?: string;
  /** Empty or absent: the product name. */
  shortName?: string;
  version?: string;
  productFamily?: string;
}

/** The output product of a run, as odc-stats `product_for_plugin` resolves it. */
export interface OutputProduct {
  name: string;
  shortName: string;
  version: string;
  productFamily: string;
  regionCodeFormat: string;
  /** Part of every file name when set (`…_final_red.tif`); odc-stats leaves it out by default. */
  maturity?: string;
  /** The product's page: `https://{collections_site}/product/{name}`. */
  href: string;
  /** Properties every STAC item of the product carries. */
  properties: Record<string, unknown>;
  /** With `apply_eodatasets3`: what the EO3 metadata takes from the product section. */
  eo3?: Eo3Packaging;
}

/** The one naming convention of odc-stats' eodatasets3 packaging this program writes (its default). */
const EO3_NAMING_CONVENTIONS = 'dea_c3';

/** The product keys of odc-stats' eodatasets3 packaging, with odc-stats' defaults (odc/stats/model.py `OutputProduct`). */
export interface Eo3Packaging {
  /** The lineage's key for the input datasets (`classifier`, default `level3`). */
  classifier: string;
  collectionNumber: number;
  explorerPath: string;
  /** Properties the document does not inherit from the inputs (`inherit_skip_properties`). */
  inheritSkipProperties: string[];
  /** The product section as the config gives it: proc-info's `odc-stats-config`. */
  productConfig: Record<string, unknown>;
}

const DEFAULT_COLLECTIONS_SITE = 'collections.dea.ga.gov.au';
const DEFAULT_PRODUCER = 'ga.gov.au';
const DEFAULT_PRODUCT_FAMILY = 'statistics';

/** The config's product section completed from the plugin's defaults and odc-stats' own. */
export function resolveOutputProduct(cfg: RunConfig, plugin: PluginProductDefaults = {}): OutputProduct {
  const product = cfg.product;
  const name = product.name ?? plugin.name;
  if (name === undefined) throw new UserError('the output product has no name: set product.name in the run config');
  const version = product.version ?? plugin.version;
  if (version === undefined) throw new UserError('the output product has no version: set product.version in the run config');
  const productFamily = product.product_family ?? plugin.productFamily ?? DEFAULT_PRODUCT_FAMILY;
  const naming = product.naming_conventions_values;
  if (cfg.apply_eodatasets3 === true && naming !== undefined && naming !== EO3_NAMING_CONVENTIONS) {
    throw new UserError(`product.naming_conventions_values '${naming}' is not supported with apply_eodatasets3: the EO3 metadata follows DEA's '${EO3_NAMING_CONVENTIONS}' only`);
  }
  return {
    name,
    shortName: product.short_name ?? (plugin.shortName || name),
    version,
    productFamily,
    regionCodeFormat: product.region_code_format ?? DEFAULT_REGION_CODE_FORMAT,
    ...(product.maturity === undefined ? {} : { maturity: product.maturity }),
    href: `https://${product.collections_site ?? DEFAULT_COLLECTIONS_SITE}/product/${name}`,
    properties: {
      'odc:file_format': 'GeoTIFF',
      'odc:product_family': productFamily,
      'odc:producer': product.producer ?? DEFAULT_PRODUCER,
      ...product.properties,
    },
    ...(cfg.apply_eodatasets3 === true && {
      eo3: {
        classifier: product.classifier ?? 'level3',
        collectionNumber: product.collection_number ?? 3,
        explorerPath: product.explorer_path ?? 'https://explorer.dea.ga.gov.au/',
        inheritSkipProperties: product.inherit_skip_properties ?? [],
        productConfig: { ...product },
      },
    }),
  };
}

const LOCATION_FIELDS = ['product', 'name', 'short_name', 'version', 'version_dashed', 'version_raw'] as const;

/**
 * `output_location` with its fields filled in as odc-stats fills them: `{product}` and `{name}`
 * are the product name, `{short_name}` its short name, `{version}` and `{version_dashed}` the
 * version with dashes for dots (1.0.0 → 1-0-0), `{version_raw}` the version as written; `{{`
 * and `}}` stand for braces. Trailing slashes are dropped.
 */
export function resolveOutputLocation(
  cfg: Pick<RunConfig, 'output_location'>,
  product: Pick<OutputProduct, 'name' | 'shortName' | 'version'>,
): string {
  const template = cfg.output_location;
  if (template === undefined || template === '') {
    throw new UserError('no output location: set output_location in the run config or give --location');
  }
  const dashed = product.version.replaceAll('.', '-');
  const values: Record<(typeof LOCATION_FIELDS)[number], string> = {
    product: product.name,
    name: product.name,
    short_name: product.shortName,
    version: dashed,
    version_dashed: dashed,
    version_raw: product.version,
  };
  // odc-stats formats the location only when it holds both braces.
  const filled =
    template.includes('{') && template.includes('}')
      ? template.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (token, field: string | undefined) => {
          if (token === '{{') return '{';
          if (token === '}}') return '}';
          if (field === undefined) throw new UserError(`output_location '${template}' has an unmatched '${token}'`);
          if (!(LOCATION_FIELDS as readonly string[]).includes(field)) {
            const known = LOCATION_FIELDS.map((name) => `{${name}}`).join(', ');
            throw new UserError(`output_location '${template}' uses unknown field '{${field}}': use ${known}`);
          }
          return values[field as (typeof LOCATION_FIELDS)[number]];
        })
      : template;
  const location = filled.replace(/\/+$/, '');
  if (location === '') throw new UserError(`output_location '${template}' names no location`);
  return location;
}

function isAutomaticMemory(value: string | number): boolean {
  return typeof value === 'string' && (value.trim() === '' || value.trim().toLowerCase() === 'auto');
}

// dask's unit table (dask.utils.parse_bytes), which odc-stats' memory_limit goes through:
// the case is ignored, a bare letter is decimal and a letter with 'i' binary.
const BYTE_UNITS: ReadonlyMap<string, number> = new Map([
  ['', 1],
  ['b', 1],
  ...(['k', 'm', 'g', 't', 'p'] as const).flatMap((letter, i): Array<[string, number]> => {
    const decimal = 1000 ** (i + 1);
    const binary = 1024 ** (i + 1);
    return [
      [letter, decimal],
      [`${letter}b`, decimal],
      [`${letter}i`, binary],
      [`${letter}ib`, binary],
    ];
  }),
]);

const DECIMAL_NUMBER = /^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function readMemory(value: string | number): { bytes: number } | { problem: string } {
  const text = String(value).replaceAll(' ', '');
  const [, numberText = '', unitText = ''] = /^(.*?)([a-z]*)$/i.exec(text) ?? [];
  const multiplier = BYTE_UNITS.get(unitText.toLowerCase());
  if (multiplier === undefined) {
    return { problem: `has unit '${unitText}', which is not a unit of bytes (use B, k, M, G, T, P, Ki, Mi, Gi, Ti or Pi)` };
  }
  const amount = numberText === '' && unitText !== '' ? 1 : DECIMAL_NUMBER.test(numberText) ? Number(numberText) : Number.NaN;
  if (!Number.isFinite(amount)) return { problem: "must be a size such as '10Gi', '4GB' or '500M', or a number of bytes" };
  if (unitText === '' && amount > 0 && amount <= 1) {
    return { problem: "must be a size, not a fraction of the machine's memory (give e.g. '10Gi')" };
  }
  return { bytes: Math.trunc(amount * multiplier) };
}

/**
 * A memory size in bytes, read as dask reads odc-stats' `memory_limit`: '10Gi' and '10GiB' are
 * 10·2³⁰, '4G' and '4GB' 4·10⁹, '500M' 500·10⁶, '1.5 GB' 1.5·10⁹, a bare number is bytes and a
 * bare unit means one of it. 0 means no limit. dask also takes a number up to 1 as a fraction
 * of the machine's memory; that is refused here, as the same config runs on machines of any size.
 */
export function parseMemory(value: string | number): number {
  const size = readMemory(value);
  if ('problem' in size) throw new UserError(`invalid memory size '${String(value)}': ${size.problem}`);
  return size.bytes;
}
