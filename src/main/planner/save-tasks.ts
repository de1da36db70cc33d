import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { openCatalog, openPrefix } from '../catalog/open-catalog.js';
import { readRegionFile } from '../io/region-file.js';
import { commitTemporary, discardTemporary, temporaryPathFor } from '../../io/atomic-file.js';
import { TaskCache } from '../taskcache/task-cache.js';
import { TaskCacheWriter } from '../taskcache/task-cache-writer.js';
import { parseTemporalRange, yearPeriod, type Period } from '../../shared/daterange.js';
import { UserError } from '../../shared/errors.js';
import { parseFrequency } from '../../shared/frequency.js';
import { parseInputProducts, productGroupText, type ProductGroup } from '../../shared/input-products.js';
import { parseGrid, type GridSpec } from '../../shared/grid.js';
import { regionFromGeoJSON } from '../../shared/region.js';
import { clampTileSelection, parseTileSelection } from '../../shared/tile-selection.js';
import { tasksToCsv, tasksToGeoJSON } from '../../shared/task-geojson.js';
import type { PlanCounts, SaveTasksOptions, SaveTasksResult } from '../../shared/save-tasks-contract.js';
import { APP_VERSION } from '../version.js';
import { fusionRoles } from './fusion-roles.js';
import { itemTest } from './item-selection.js';
import { planTasks, type PlanControl, type PlanOutcome, type PlanRequest } from './plan.js';

/** Plans tasks from a catalogue into a task cache with its CSV and per-period GeoJSON. */
export async function saveTasks(options: SaveTasksOptions, control: PlanControl = {}): Promise<SaveTasksResult> {
  const request = await resolveRequest(options);
  const outputs = outputPaths(options, request.range);
  if (!options.overwrite) await refuseExistingOutputs(outputs);
  const sources = await openSources(options, request.products, control.signal);

  await fs.mkdir(path.dirname(outputs.db), { recursive: true });
  const dbTmp = temporaryPathFor(outputs.db);
  const temporaries: Array<[string, string]> = [];
  try {
    const outcome = await writeTaskCache(dbTmp, { ...sources, ...request }, options, control);
    const periods = Object.keys(outcome.counts.tasksPerPeriod);
    const geojson = await writeTaskListings(dbTmp, outputs, request.grid, periods, temporaries);
    control.signal?.throwIfAborted();
    for (const [tmp, final] of temporaries) await commitTemporary(tmp, final);
    // The cache goes last: its presence says the whole set of outputs is complete.
    await commitTemporary(dbTmp, outputs.db);
    return {
      db: outputs.db,
      csv: outputs.csv,
      geojson,
      grid: request.grid.name,
      frequency: request.frequency,
      temporalRange: outcome.rangeLabel,
      counts: outcome.counts,
      estimate: outcome.estimate,
      warnings: outcome.warnings,
    };
  } catch (e) {
    for (const [tmp] of temporaries) await discardTemporary(tmp);
    await discardTemporary(dbTmp);
    throw e;
  }
}

/** The catalogue of the collections, and the items under each location product. */
async function openSources(
  options: SaveTasksOptions,
  products: ProductGroup[],
  signal: AbortSignal | undefined,
): Promise<Pick<PlanRequest, 'catalog' | 'locations'>> {
  const readOptions = { unsigned: options.awsUnsigned ?? false, signal };
  const named = products.flat();
  const catalog = named.some((p) => p.kind === 'collection') ? await openCatalog(options.catalog, readOptions) : undefined;
  const locations = new Map<string, Catalog>();
  for (const { kind, name } of named) {
    if (kind === 'location' && !locations.has(name)) locations.set(name, await openPrefix(name, readOptions));
  }
  return { ...(catalog && { catalog }), locations };
}

/** The plan the options ask for, checked and parsed, but for its catalogues. */
async function resolveRequest(options: SaveTasksOptions): Promise<Omit<PlanRequest, 'catalog' | 'locations'>> {
  const grid = parseGrid(options.grid);
  const frequency = parseFrequency(options.frequency ?? 'annual');
  const range = resolveRange(options);
  const products = parseInputProducts(options.inputProducts);
  if (products.length === 0) throw new UserError('no input products: give --input-products (e.g. s2_l2a)');
  if (!options.catalog && products.flat().some((p) => p.kind === 'collection')) {
    throw new UserError('no catalogue: give --catalog (a STAC catalogue path or URL, or a STAC API URL)');
  }
  const roles = fusionRoles(products, options.ignoreTime, options.optionalProducts);
  const keeps = itemTest(options, products);
  const tiles = options.tiles ? clampTileSelection(grid, parseTileSelection(options.tiles)) : undefined;
  const region = options.region
    ? await readRegionFile(options.region, 'region file')
    : options.regionGeoJSON !== undefined
      ? regionFromGeoJSON(options.regionGeoJSON)
      : undefined;
  return {
    products,
    grid,
    frequency,
    ...(range && { range }),
    ...(tiles && { tiles }),
    ...(region && { region }),
    ...(keeps && { keeps }),
    roles,
  };
}

/**
 * Plans into a new task cache at `file` and completes it with its metadata; a plan that finds
 * no datasets is refused. The label of the plan's range comes back with the plan's outcome.
 */
async function writeTaskCache(
  file: string,
  request: PlanRequest,
  options: SaveTasksOptions,
  control: PlanControl,
): Promise<PlanOutcome & { rangeLabel: string | null }> {
  const writer = new TaskCacheWriter(file);
  try {
    const outcome = await planTasks(request, writer, control);
    if (outcome.counts.tasks === 0) throw noDatasetsError(options, request.range, outcome.counts);
    const rangeLabel = request.range?.label ?? outcome.allPeriod?.label ?? null;
    writer.finish({
      app_version: APP_VERSION,
      created: new Date().toISOString(),
      grid: request.grid.name,
      frequency: request.frequency,
      temporal_range: rangeLabel,
      input_products: request.products.map(productGroupText),
      catalog: options.catalog,
      query: {
        collections: request.products.map(productGroupText),
        tiles: options.tiles ?? null,
        region: options.region ?? options.regionGeoJSON ?? null,
        dataset_filter: options.datasetFilter ?? null,
        ignore_time: options.ignoreTime ?? null,
        optional_products: options.optionalProducts ?? null,
        gqa: options.gqa ?? null,
        usgs_collection_category: options.usgsCollectionCategory ?? null,
      },
      config: options.config ?? null,
    });
    return { ...outcome, rangeLabel };
  } catch (e) {
    writer.abandon();
    throw e;
  }
}

/**
 * Writes the cache's tasks as CSV and one GeoJSON per period under temporary names, each added
 * to `temporaries` (temporary, final) as soon as it exists; gives the GeoJSON files' final names.
 */
async function writeTaskListings(
  cacheFile: string,
  outputs: OutputPaths,
  grid: GridSpec,
  periods: string[],
  temporaries: Array<[string, string]>,
): Promise<string[]> {
  const cache = TaskCache.open(cacheFile);
  const tasks = cache.tasks();
  cache.close();
  const csvTmp = temporaryPathFor(outputs.csv);
  temporaries.push([csvTmp, outputs.csv]);
  await fs.writeFile(csvTmp, tasksToCsv(tasks));
  const geojson: string[] = [];
  for (const period of periods) {
    const file = `${outputs.stem}-${period}.geojson`;
    const tmp = temporaryPathFor(file);
    temporaries.push([tmp, file]);
    await fs.writeFile(tmp, JSON.stringify(tasksToGeoJSON(grid, tasks.filter((t) => t.period === period))));
    geojson.push(file);
  }
  return geojson;
}

function resolveRange(options: SaveTasksOptions): Period | undefined {
  if (options.year !== undefined && options.temporalRange) {
    throw new UserError('give either --year or --temporal-range, not both');
  }
  if (options.year !== undefined) {
    if (!Number.isInteger(options.year) || options.year < 1900 || options.year > 2200) {
      throw new UserError(`invalid --year '${options.year}': expected a year such as 2021`);
    }
    return yearPeriod(options.year);
  }
  return options.temporalRange ? parseTemporalRange(options.temporalRange) : undefined;
}

/** The task cache and its CSV; the GeoJSON files are `{stem}-{period}.geojson`. */
interface OutputPaths {
  db: string;
  csv: string;
  stem: string;
}

function outputPaths(options: SaveTasksOptions, range: Period | undefined): OutputPaths {
  const given = options.output && (options.output.endsWith('.db') ? options.output : `${options.output}.db`);
  // Locations hold slashes and colons: the default name keeps letters, digits, _, + and -.
  const products = options.inputProducts.join('-').replace(/[^\w+-]+/g, '_').replace(/^_+|_+$/g, '');
  const db = path.resolve(given || `${products}_${range?.label ?? 'all'}.db`);
  const stem = db.slice(0, -'.db'.length);
  return { db, csv: `${stem}.csv`, stem };
}

/** What follows `{stem}-` in a task listing's name: a period label (periodLabel) and `.geojson`. */
const PERIOD_GEOJSON = /^\d{4}(?:-\d{2}){0,2}--P\d+[YMD]\.geojson$/;

async function refuseExistingOutputs({ db, csv, stem }: OutputPaths): Promise<void> {
  const dir = path.dirname(stem);
  const prefix = `${path.basename(stem)}-`;
  const siblings = existsSync(dir) ? await fs.readdir(dir) : [];
  // Only this plan's listings: another plan's stem may start with this one's (`a-b` beside `a`).
  const geojson = siblings.filter((f) => f.startsWith(prefix) && PERIOD_GEOJSON.test(f.slice(prefix.length))).map((f) => path.join(dir, f));
  const existing = [db, csv].filter((f) => existsSync(f)).concat(geojson);
  if (existing.length > 0) {
    throw new UserError(`output exists: ${existing[0]} (use --overwrite to replace it)`);
  }
}

/** A plan that read its catalogue and found nothing to do: the request as a whole, not one of its inputs, is the cause. */
export class NoDatasetsError extends UserError {}

function noDatasetsError(options: SaveTasksOptions, range: Period | undefined, counts: PlanCounts): NoDatasetsError {
  const where = [
    `products ${options.inputProducts.join(', ')}`,
    range ? `in ${range.label}` : undefined,
    options.tiles ? `tiles ${options.tiles}` : undefined,
    options.region ? `region ${options.region}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const noGeometry = counts.skipped.noGeometry > 0 ? `; ${counts.skipped.noGeometry} items had no geometry` : '';
  const noAssets = counts.skipped.noAssets > 0 ? `; ${counts.skipped.noAssets} items had no raster assets` : '';
  const unpaired = counts.skipped.unpaired > 0 ? `; ${counts.skipped.unpaired} items of fused products had no partner` : '';
  const source = options.catalog ? `in ${options.catalog} ` : '';
  return new NoDatasetsError(`no datasets found ${source}for ${where} (${counts.itemsRead} items read${noGeometry}${noAssets}${unpaired})`);
}
