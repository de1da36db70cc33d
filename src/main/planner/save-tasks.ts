import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { openCatalog } from '../catalog/open-catalog.js';
import { readRegionFile } from '../io/region-file.js';
import { commitTemporary, discardTemporary, temporaryPathFor } from '../fs/atomic.js';
import { TaskCache } from '../taskcache/task-cache.js';
import { TaskCacheWriter } from '../taskcache/task-cache-writer.js';
import { parseTemporalRange, yearPeriod, type Period } from '../../shared/daterange.js';
import { UserError } from '../../shared/errors.js';
import { parseFrequency } from '../../shared/frequency.js';
import { parseGrid } from '../../shared/grid.js';
import { regionFromGeoJSON } from '../../shared/region.js';
import { clampTileSelection, parseTileSelection } from '../../shared/tile-selection.js';
import { tasksToCsv, tasksToGeoJSON } from '../../shared/task-geojson.js';
import type { WorkEstimate } from '../../shared/work-estimate.js';
import { APP_VERSION } from '../version.js';
import { planTasks, type PlanCounts, type PlanProgress } from './plan.js';

export interface SaveTasksOptions {
  catalog: string;
  inputProducts: string[];
  grid: string;
  frequency?: string;
  temporalRange?: string;
  year?: number;
  /** `x0:x1,y0:y1`, half-open. */
  tiles?: string;
  /** Path of a GeoJSON file with the region to plan. */
  region?: string;
  /** The region as GeoJSON, as drawn in the app; used when `region` is not given. */
  regionGeoJSON?: unknown;
  datasetFilter?: Record<string, string | number | boolean>;
  /** Task cache path; by default `{products}_{range label or all}.db` in the working folder. */
  output?: string;
  overwrite?: boolean;
  awsUnsigned?: boolean;
  /** The configuration as given (file and options), recorded in the cache. */
  config?: unknown;
}

export interface SaveTasksResult {
  db: string;
  csv: string;
  geojson: string[];
  grid: string;
  frequency: string;
  temporalRange: string | null;
  counts: PlanCounts;
  estimate: WorkEstimate;
  /** Items left out that the user should hear about (no geometry, no raster assets). */
  warnings: string[];
}

/** Plans tasks from a catalogue into a task cache with its CSV and per-period GeoJSON. */
export async function saveTasks(
  options: SaveTasksOptions,
  control: { signal?: AbortSignal; onProgress?: (p: PlanProgress) => void } = {},
): Promise<SaveTasksResult> {
  const grid = parseGrid(options.grid);
  const frequency = parseFrequency(options.frequency ?? 'annual');
  const range = resolveRange(options);
  if (options.inputProducts.length === 0) throw new UserError('no input products: give --input-products (e.g. s2_l2a)');
  if (!options.catalog) throw new UserError('no catalogue: give --catalog (a STAC catalogue path or URL, or a STAC API URL)');
  const tiles = options.tiles ? clampTileSelection(grid, parseTileSelection(options.tiles)) : undefined;
  const region = options.region
    ? await readRegionFile(options.region, 'region file')
    : options.regionGeoJSON !== undefined
      ? regionFromGeoJSON(options.regionGeoJSON)
      : undefined;

  const db = resolveOutput(options, range);
  const stem = db.slice(0, -'.db'.length);
  const csv = `${stem}.csv`;
  if (!options.overwrite) await refuseExistingOutputs(db, csv, stem);

  const catalog = await openCatalog(options.catalog, { unsigned: options.awsUnsigned ?? false, signal: control.signal });

  await fs.mkdir(path.dirname(db), { recursive: true });
  const dbTmp = temporaryPathFor(db);
  const temporaries: Array<[string, string]> = [];
  let writer: TaskCacheWriter | undefined;
  let written = false;
  try {
    writer = new TaskCacheWriter(dbTmp);
    const outcome = await planTasks(
      {
        catalog,
        collections: options.inputProducts,
        grid,
        frequency,
        ...(range && { range }),
        ...(tiles && { tiles }),
        ...(region && { region }),
        ...(options.datasetFilter && { datasetFilter: options.datasetFilter }),
      },
      writer,
      control,
    );
    if (outcome.counts.tasks === 0) throw noDatasetsError(options, range, outcome.counts);
    const rangeLabel = range?.label ?? outcome.allPeriod?.label ?? null;
    writer.finish({
      app_version: APP_VERSION,
      created: new Date().toISOString(),
      grid: grid.name,
      frequency,
      temporal_range: rangeLabel,
      input_products: options.inputProducts,
      catalog: options.catalog,
      query: {
        collections: options.inputProducts,
        tiles: options.tiles ?? null,
        region: options.region ?? options.regionGeoJSON ?? null,
        dataset_filter: options.datasetFilter ?? null,
      },
      config: options.config ?? null,
    });
    written = true;

    const cache = TaskCache.open(dbTmp);
    const tasks = cache.tasks();
    cache.close();
    const csvTmp = temporaryPathFor(csv);
    temporaries.push([csvTmp, csv]);
    await fs.writeFile(csvTmp, tasksToCsv(tasks));
    const geojson: string[] = [];
    for (const period of Object.keys(outcome.counts.tasksPerPeriod)) {
      const file = `${stem}-${period}.geojson`;
      const tmp = temporaryPathFor(file);
      temporaries.push([tmp, file]);
      await fs.writeFile(tmp, JSON.stringify(tasksToGeoJSON(grid, tasks.filter((t) => t.period === period))));
      geojson.push(file);
    }
    control.signal?.throwIfAborted();
    for (const [tmp, final] of temporaries) await commitTemporary(tmp, final);
    // The cache goes last: its presence says the whole set of outputs is complete.
    await commitTemporary(dbTmp, db);
    return {
      db,
      csv,
      geojson,
      grid: grid.name,
      frequency,
      temporalRange: rangeLabel,
      counts: outcome.counts,
      estimate: outcome.estimate,
      warnings: outcome.warnings,
    };
  } catch (e) {
    if (!written) writer?.abandon();
    for (const [tmp] of temporaries) await discardTemporary(tmp);
    await discardTemporary(dbTmp);
    throw e;
  }
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

function resolveOutput(options: SaveTasksOptions, range: Period | undefined): string {
  if (options.output) {
    const out = options.output.endsWith('.db') ? options.output : `${options.output}.db`;
    return path.resolve(out);
  }
  return path.resolve(`${options.inputProducts.join('-')}_${range?.label ?? 'all'}.db`);
}

async function refuseExistingOutputs(db: string, csv: string, stem: string): Promise<void> {
  const dir = path.dirname(stem);
  const prefix = `${path.basename(stem)}-`;
  const siblings = existsSync(dir) ? await fs.readdir(dir) : [];
  const geojson = siblings.filter((f) => f.startsWith(prefix) && f.endsWith('.geojson')).map((f) => path.join(dir, f));
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
  return new NoDatasetsError(`no datasets found in ${options.catalog} for ${where} (${counts.itemsRead} items read${noGeometry}${noAssets})`);
}
