import { promises as fs } from 'node:fs';
import { Command, Option } from 'commander';
import { UserError } from '../../shared/errors.js';
import { FREQUENCIES } from '../../shared/frequency.js';
import { GRID_NAMES } from '../../shared/grid.js';
import { readPlanConfig, splitProducts, type PlanConfig } from '../../shared/plan-config.js';
import { formatConfigIssue } from '../../shared/config-issue.js';
import type { SaveTasksOptions } from '../../shared/save-tasks-contract.js';
import type { SaveTasksResult } from '../../shared/save-tasks-contract.js';
import { describeWorkBytes } from '../../shared/work-estimate.js';
import { saveTasks } from '../planner/save-tasks.js';
import { formatCount } from './format.js';
import { runInterruptibly, type CliIo } from './cli-io.js';

interface SaveTasksFlags {
  config?: string;
  catalog?: string;
  inputProducts?: string;
  grid?: string;
  frequency?: string;
  temporalRange?: string;
  year?: string;
  tiles?: string;
  region?: string;
  datasetFilter?: string;
  ignoreTime?: string[];
  optionalProducts?: string[];
  gqa?: string;
  usgsCollectionCategory?: string;
  debug?: boolean;
  env?: string;
  awsUnsigned?: boolean;
  overwrite?: boolean;
  json?: boolean;
  quiet?: boolean;
  /** Warnings about the config (keys it ignores) are errors. */
  strict?: boolean;
}

export function saveTasksCommand(io: CliIo): Command {
  return new Command('save-tasks')
    .description('Plan tasks (tiles of a grid × time periods) from a STAC catalogue into a task cache, with CSV and GeoJSON')
    .argument('[OUTPUT]', 'task cache to write (default: {input_products}_{range label or all}.db)')
    .option('--config <FILE>', 'YAML config with odc-stats keys (grid, frequency, input_products, ...); options override it')
    .option('--catalog <URI>', 'static STAC (catalog.json, collection.json, folder, glob, .ndjson; path, file://, https://, s3://) or a STAC API URL')
    .option('--input-products <NAMES>', "products to plan: collections or s3:// / folder prefixes of STAC items; a-b (or a,b) a union, a+b fused observation by observation")
    .option('--grid <NAME>', `grid name (${GRID_NAMES.join(', ')}) or CRS;RES;SHAPE such as 'epsg:3857;30;5000'`)
    .addOption(new Option('--frequency <NAME>', `time periods: ${FREQUENCIES.join(', ')}, rolling-Nyears`))
    .option('--temporal-range <RANGE>', 'START--PnU, e.g. 2015--P6Y, 2020-05--P1M, 2013-03-21--P10D')
    .option('--year <YYYY>', 'shortcut for --temporal-range YYYY--P1Y')
    .option('--tiles <x0:x1,y0:y1>', "limit to these tile index ranges (half-open), within the grid's extent")
    .option('--region <FILE>', 'limit to tiles intersecting the polygons of this GeoJSON file (lon/lat, or a crs member)')
    .option('--dataset-filter <JSON>', 'keep items whose properties equal these values, e.g. \'{"s2:processing_baseline": "05.10"}\'')
    .option('--ignore-time <PRODUCT>', 'a product of a fused group whose datasets join every period, whatever their time (e.g. an elevation model); repeatable', collect)
    .option('--optional-products <PRODUCT>', 'a product of a fused group that a fused dataset may lack; repeatable', collect)
    .option('--gqa <PIXELS>', 'keep datasets whose gqa:iterative_mean_xy is at most this (DEA Landsat)')
    .option('--usgs-collection-category <CATEGORY>', 'keep datasets of ls5_sr, ls7_sr, ls8_sr, ls9_sr whose landsat:collection_category is this (T1, T2)')
    .addOption(new Option('--debug', "odc-stats' pickle dump of its cells (refused)").hideHelp())
    .option('-E, --env <NAME>', 'a Datacube environment (refused: planning reads STAC; see --catalog)')
    .option('--aws-unsigned', 'read s3:// catalogues without credentials (public buckets)')
    .option('--overwrite', 'replace existing outputs')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'print nothing but errors')
    .option('--strict', 'refuse a config with keys odc-stats would ignore (by default: a warning each)')
    .action(async (output: string | undefined, flags: SaveTasksFlags) => {
      const options = await resolveOptions(output, flags, (line) => io.err(line));
      const result = await runInterruptibly(io, (signal) =>
        saveTasks(options, {
          signal,
          onProgress: (p) => {
            if (!flags.quiet && !flags.json) io.progress(`read ${p.itemsRead} items: ${p.datasets} datasets in ${p.tasks} tasks`);
          },
        }),
      );
      io.progress('');
      if (flags.json) io.out(JSON.stringify(result, null, 2));
      else if (!flags.quiet) io.out(formatSummary(result));
    });
}

async function resolveOptions(output: string | undefined, flags: SaveTasksFlags, warn: (line: string) => void): Promise<SaveTasksOptions> {
  if (flags.env !== undefined) {
    throw new UserError(
      `--env ${flags.env} names a Datacube environment, but planning reads STAC: give --catalog the STAC API of that index (datacube-explorer serves one at its /stac, e.g. https://explorer.dea.ga.gov.au/stac)`,
    );
  }
  if (flags.debug) {
    throw new UserError("--debug dumps odc-stats' Python cells to pickle files, which have no counterpart here: the task cache, its CSV and GeoJSON hold the whole plan");
  }
  let config: PlanConfig = {};
  if (flags.config) {
    let text: string;
    try {
      text = await fs.readFile(flags.config, 'utf8');
    } catch {
      throw new UserError(`config file not found: ${flags.config}`);
    }
    const read = readPlanConfig(text, flags.config, flags.strict ?? false);
    config = read.config;
    for (const issue of read.warnings) warn(`odc-stats: warning: ${formatConfigIssue(issue, `config ${flags.config}`)}`);
  }
  const products = flags.inputProducts ?? config.input_products;
  const year = flags.year ?? config.year;
  const temporalRange = flags.temporalRange ?? (flags.year === undefined ? config.temporal_range : undefined);
  const options: SaveTasksOptions = {
    catalog: flags.catalog ?? config.catalog ?? '',
    inputProducts: products === undefined ? [] : splitProducts(products),
    grid: requireValue(flags.grid ?? config.grid, '--grid', 'e.g. africa-10 or au-30'),
    frequency: flags.frequency ?? config.frequency ?? 'annual',
    overwrite: flags.overwrite ?? config.overwrite ?? false,
    awsUnsigned: flags.awsUnsigned ?? config.aws_unsigned ?? false,
    config: { file: flags.config ?? null, keys: config, options: flags },
  };
  if (output) options.output = output;
  if (year !== undefined) options.year = parseYear(String(year));
  if (temporalRange) options.temporalRange = temporalRange;
  const tiles = flags.tiles ?? config.tiles;
  if (tiles) options.tiles = tiles;
  const region = flags.region ?? config.region;
  if (region) options.region = region;
  const filter = flags.datasetFilter ? parseDatasetFilter(flags.datasetFilter) : config.dataset_filter;
  if (filter) options.datasetFilter = filter;
  const ignoreTime = flags.ignoreTime ?? config.ignore_time;
  if (ignoreTime) options.ignoreTime = ignoreTime;
  const optionalProducts = flags.optionalProducts ?? config.optional_products;
  if (optionalProducts) options.optionalProducts = optionalProducts;
  const gqa = flags.gqa === undefined ? config.gqa : parseGqa(flags.gqa);
  if (gqa !== undefined) options.gqa = gqa;
  if (flags.usgsCollectionCategory !== undefined) options.usgsCollectionCategory = flags.usgsCollectionCategory;
  return options;
}

function requireValue(value: string | undefined, option: string, example: string): string {
  if (!value) throw new UserError(`missing ${option} (${example}); give it as an option or in --config`);
  return value;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parseGqa(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UserError(`invalid --gqa '${text}': expected a number of pixels such as 1`);
  return value;
}

function parseYear(text: string): number {
  if (!/^\d{4}$/.test(text)) throw new UserError(`invalid --year '${text}': expected a year such as 2021`);
  return Number(text);
}

function parseDatasetFilter(text: string): Record<string, string | number | boolean> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`invalid --dataset-filter: expected a JSON object such as '{"platform": "sentinel-2a"}'`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(`invalid --dataset-filter: expected a JSON object such as '{"platform": "sentinel-2a"}'`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) {
      throw new UserError(`invalid --dataset-filter: the value of '${k}' must be a string, number or boolean`);
    }
  }
  return value as Record<string, string | number | boolean>;
}

export function formatSummary(r: SaveTasksResult): string {
  const c = r.counts;
  const lines = [
    `Planned ${c.tasks} tasks on ${c.tiles} tiles of ${r.grid}, ${r.frequency}${r.temporalRange ? ` ${r.temporalRange}` : ''}, from ${c.datasets} datasets (${c.itemsRead} items read)`,
  ];
  for (const [period, n] of Object.entries(c.tasksPerPeriod)) lines.push(`  ${period}: ${n} tasks`);
  const s = c.skipped;
  const skipped = [
    s.noGeometry && `${s.noGeometry} without geometry`,
    s.noTime && `${s.noTime} without a valid datetime`,
    s.badGeometry && `${s.badGeometry} with an unreadable geometry`,
    s.filtered && `${s.filtered} removed by the dataset filter`,
    s.outsideSelection && `${s.outsideSelection} outside the selected tiles, region or range`,
    s.duplicates && `${s.duplicates} duplicates`,
    s.noAssets && `${s.noAssets} without raster assets`,
    s.unpaired && `${s.unpaired} of fused products without a partner`,
  ].filter(Boolean);
  if (skipped.length > 0) lines.push(`Skipped items: ${skipped.join(', ')}`);
  for (const warning of r.warnings) lines.push(`warning: ${warning}`);
  const e = r.estimate;
  lines.push(
`Work: ${formatCount(e.pixelObservations)} pixel-observations, ${describeWorkBytes(e)}`
  );
  lines.push(`Wrote ${r.db}`, `      ${r.csv}`);
  for (const g of r.geojson) lines.push(`      ${g}`);
  return lines.join('\n');
}
