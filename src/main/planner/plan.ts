import type { Catalog, CatalogQuery } from '../catalog/catalog.js';
import { allPeriodOfExtent, makeBinner } from '../../shared/frequency.js';
import type { Period } from '../../shared/daterange.js';
import type { Polygonal } from '../../shared/geometry.js';
import type { GridSpec } from '../../shared/grid.js';
import type { TileSelection } from '../../shared/tile-selection.js';
import type { TaskCacheWriter } from '../taskcache/task-cache-writer.js';
import { estimateWork, type WorkEstimate } from '../../shared/work-estimate.js';
import { chooseTiles, type ChosenTiles } from './chosen-tiles.js';
import type { ProductGroup } from '../../shared/input-products.js';
import { itemTime, type StacItem } from '../../shared/stac.js';
import { ItemFuser, regionCode, type FusionOptions } from './fuse-items.js';
import type { FusionRoles } from './fusion-roles.js';
import type { ItemTest } from './item-selection.js';
import { emptyTally, planItem, type ItemPlanner, type PlanTally } from './plan-item.js';
import { timeSlicer } from './time-slice.js';
import type { PlanCounts, SkippedItems } from '../../shared/save-tasks-contract.js';

export interface PlanRequest {
  /** Where the products that are collections are read from; absent when every product is a location. */
  catalog?: Catalog;
  /** The items under each product that is a location, by its name. */
  locations?: ReadonlyMap<string, Catalog>;
  /** The union of these groups: each one product, or products fused observation by observation. */
  products: ProductGroup[];
  grid: GridSpec;
  frequency: string;
  range?: Period;
  /** Within the grid's valid tiles (clampTileSelection). */
  tiles?: TileSelection;
  /** The region to plan, lon/lat: the tiles it shares area with are planned. */
  region?: Polygonal;
  /** Which items are kept (item-selection.ts); undefined: all. */
  keeps?: ItemTest;
  /** Products of fused groups that are optional, or without time. */
  roles?: FusionRoles;
}

interface PlanProgress {
  itemsRead: number;
  datasets: number;
  tasks: number;
}

/** How a plan can be stopped (`signal`), and who hears of its progress. */
export interface PlanControl {
  signal?: AbortSignal;
  onProgress?: (p: PlanProgress) => void;
}

export interface PlanOutcome {
  counts: PlanCounts;
  estimate: WorkEstimate;
  /** The period of the `all` frequency without a range, known only at the end. */
  allPeriod?: Period;
  /** What the user should know about the items that were left out. */
  warnings: string[];
}

const MS_PER_DAY = 86_400_000;
const PROGRESS_EVERY = 10_000;

/**
 * Streams the catalogue's items into the task cache: each item becomes a dataset of every
 * tile its footprint intersects and every period its solar time falls in.
 */
export async function planTasks(
  request: PlanRequest,
  writer: TaskCacheWriter,
  options: PlanControl = {},
): Promise<PlanOutcome> {
  const { grid } = request;
  const wholeHistory = request.frequency === 'all' && !request.range;
  const checkpoint = timeSlicer(options.signal);
  const chosen = await chooseTiles(grid, request.tiles, request.region, checkpoint);
  const planner: ItemPlanner = {
    grid,
    chosen,
    binner: wholeHistory ? undefined : makeBinner(request.frequency, request.range),
    keeps: request.keeps,
    writer,
    tileOffsets: new Map(),
  };
  // Fused datasets are made of items the filter kept, and keep only the properties their sources share.
  const fusedPlanner: ItemPlanner = { ...planner, keeps: undefined };
  const tally = emptyTally();
  const timeless = await readTimelessItems(request, chosen, planner.keeps, tally, options.signal, checkpoint);
  const routes = productRoutes(request.products, { optional: request.roles?.optional ?? new Set(), timeless });
  const timed = (product: string) => !timeless.has(product);
  for await (const { item, product } of requestItems(request, catalogueQuery(request, chosen, timed), options.signal, timed)) {
    await checkpoint();
    tally.itemsRead++;
    if (tally.itemsRead % PROGRESS_EVERY === 0) {
      options.onProgress?.({ itemsRead: tally.itemsRead, datasets: writer.datasetCount, tasks: writer.taskCount });
    }
    const route = routes.get(product);
    if (!route) continue;
    if (route.alone) planItem(item, planner, tally);
    if (route.fusers.length === 0) continue;
    const time = fusionTime(item, planner.keeps);
    if (typeof time === 'string') {
      // An item planned alone as well has been counted already.
      if (!route.alone) tally.skipped[time]++;
      continue;
    }
    for (const fuser of route.fusers) {
      const fused = fuser.add(item, product, time);
      if (fused) planItem(fused, fusedPlanner, tally);
    }
  }
  for (const fuser of new Set([...routes.values()].flatMap((r) => r.fusers))) {
    for (const fused of fuser.finish()) planItem(fused, fusedPlanner, tally);
    tally.skipped.unpaired += fuser.leftOver;
  }
  const allPeriod = wholeHistory ? relabelWholeHistory(writer, tally) : undefined;
  return {
    counts: planCounts(writer, tally),
    // As a run computes tasks by default: a process per CPU (odc-stats' default threads), each reducing on its own thread.
    estimate: estimateWork(grid, writer.taskTotals(), tally.reads, { reduceThreads: 1 }),
    ...(allPeriod && { allPeriod }),
    warnings: planWarnings(tally.skipped, tally.withoutAssets),
  };
}

/** How the items of a product are planned: as datasets of their own, and into the fused groups it belongs to. */
interface ProductRoute {
  alone: boolean;
  fusers: ItemFuser[];
}

function productRoutes(groups: readonly ProductGroup[], fusion: FusionOptions): Map<string, ProductRoute> {
  const routes = new Map<string, ProductRoute>();
  const routeOf = (name: string) => {
    let route = routes.get(name);
    if (!route) routes.set(name, (route = { alone: false, fusers: [] }));
    return route;
  };
  for (const group of groups) {
    if (group.length === 1) {
      routeOf(group[0]!.name).alone = true;
      continue;
    }
    const fuser = new ItemFuser(group.map((p) => p.name), fusion);
    // The items of products without time are read beforehand (readTimelessItems).
    for (const product of group) if (!fusion.timeless?.has(product.name)) routeOf(product.name).fusers.push(fuser);
  }
  return routes;
}

/** The time of an item to fuse, or why it is left out. */
function fusionTime(item: StacItem, keeps: ItemTest | undefined): number | 'filtered' | 'noTime' {
  if (keeps && !keeps(item)) return 'filtered';
  return itemTime(item) ?? 'noTime';
}

/**
 * The items of the products without time (odc-stats `ignore_time`), of any time, by product
 * and region code; those the plan does not keep, or without a region code to join a fused
 * dataset by, or a second one of a product on a region, are counted as left out.
 */
async function readTimelessItems(
  request: PlanRequest,
  chosen: ChosenTiles,
  keeps: ItemTest | undefined,
  tally: PlanTally,
  signal: AbortSignal | undefined,
  checkpoint: () => Promise<void> | undefined,
): Promise<Map<string, Map<string, StacItem>>> {
  const byProduct = new Map<string, Map<string, StacItem>>();
  const names = request.roles?.timeless ?? new Set<string>();
  if (names.size === 0) return byProduct;
  for (const name of names) byProduct.set(name, new Map());
  const selects = (product: string) => names.has(product);
  const { datetime: _anyTime, ...query } = catalogueQuery(request, chosen, selects);
  for await (const { item, product } of requestItems(request, query, signal, selects)) {
    await checkpoint();
    tally.itemsRead++;
    const byRegion = byProduct.get(product);
    if (!byRegion) continue;
    const region = regionCode(item);
    if (keeps && !keeps(item)) tally.skipped.filtered++;
    else if (region === undefined) tally.skipped.unpaired++;
    else if (byRegion.has(region)) tally.skipped.duplicates++;
    else byRegion.set(region, item);
  }
  return byProduct;
}

/**
 * The items of every product with the product each belongs to: the catalogue's, of their
 * collection, then those under each location.
 */
async function* requestItems(
  request: PlanRequest,
  query: CatalogQuery,
  signal: AbortSignal | undefined,
  selects: (product: string) => boolean,
): AsyncIterable<{ item: StacItem; product: string }> {
  if (request.catalog && query.collections.length > 0) {
    for await (const item of request.catalog.items(query, signal)) yield { item, product: item.collection ?? '' };
  }
  for (const [location, catalog] of request.locations ?? []) {
    if (!selects(location)) continue;
    for await (const item of catalog.items(query, signal)) yield { item, product: location };
  }
}

/** What the catalogue is asked for: the collections it `selects`, within the chosen tiles' box and around the range. */
function catalogueQuery(request: PlanRequest, chosen: ChosenTiles, selects: (product: string) => boolean): CatalogQuery {
  const collections = request.products.flat().filter((p) => p.kind === 'collection' && selects(p.name)).map((p) => p.name);
  return {
    collections: [...new Set(collections)],
    ...(chosen.bbox && { bbox: chosen.bbox }),
    ...(request.range && {
      // Solar time is up to ±14 h away from UTC: widen the search so that no dataset whose
      // local day falls in the range is missed; periodsOf() applies the exact bounds.
      datetime: { start: request.range.start - MS_PER_DAY, end: request.range.end + MS_PER_DAY },
    }),
  };
}

/** The `all` frequency without a range: its one period spans the datasets' solar times, known only now. */
function relabelWholeHistory(writer: TaskCacheWriter, tally: PlanTally): Period | undefined {
  if (writer.taskCount === 0) return undefined;
  const allPeriod = allPeriodOfExtent(tally.minSolarTime, tally.maxSolarTime);
  writer.relabelAllTasks(allPeriod);
  return allPeriod;
}

function planCounts(writer: TaskCacheWriter, tally: PlanTally): PlanCounts {
  const tasksPerPeriod: Record<string, number> = {};
  const tiles = new Set<string>();
  for (const t of writer.taskTotals()) {
    tasksPerPeriod[t.period] = (tasksPerPeriod[t.period] ?? 0) + 1;
    tiles.add(`${t.x},${t.y}`);
  }
  return {
    itemsRead: tally.itemsRead,
    datasets: writer.datasetCount,
    tasks: writer.taskCount,
    tiles: tiles.size,
    tasksPerPeriod: Object.fromEntries(Object.entries(tasksPerPeriod).sort(([a], [b]) => a.localeCompare(b))),
    skipped: tally.skipped,
  };
}

function planWarnings(skipped: SkippedItems, withoutAssets: string[]): string[] {
  const warnings: string[] = [];
  if (skipped.unpaired > 0) {
    warnings.push(`${skipped.unpaired} items of fused products had no dataset of each other product on their region and day and were left out`);
  }
  if (skipped.noGeometry > 0) warnings.push(`${skipped.noGeometry} items had no geometry and were skipped`);
  if (skipped.noAssets > 0) {
    const more = skipped.noAssets > withoutAssets.length ? ', …' : '';
    warnings.push(
      `${skipped.noAssets} items have no raster asset (GeoTIFF or JPEG 2000) to read and were left out of the tasks: ${withoutAssets.join(', ')}${more}`,
    );
  }
  return warnings;
}
