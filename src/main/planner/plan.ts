import type { Catalog } from '../catalog/catalog.js';
import { allPeriodOfExtent, makeBinner, type Binner } from '../../shared/frequency.js';
import type { Period } from '../../shared/daterange.js';
import { polygonalFromGeoJSON, tileCentreLonLat, tilesIntersecting, type Polygonal } from '../../shared/geometry.js';
import type { GridSpec, TileIndex } from '../../shared/grid.js';
import { solarDay, solarOffsetHours } from '../../shared/solar.js';
import { itemTime, type StacItem } from '../../shared/stac.js';
import type { TileSelection } from '../../shared/tile-selection.js';
import type { TaskCacheWriter } from '../taskcache/task-cache-writer.js';
import { estimateWork, type WorkEstimate } from '../../shared/work-estimate.js';
import { chooseTiles } from './chosen-tiles.js';
import { timeSlicer } from './time-slice.js';

export interface PlanRequest {
  catalog: Catalog;
  collections: string[];
  grid: GridSpec;
  frequency: string;
  range?: Period;
  /** Within the grid's valid tiles (clampTileSelection). */
  tiles?: TileSelection;
  /** The region to plan, lon/lat: the tiles it shares area with are planned. */
  region?: Polygonal;
  /** Items are kept when each of these properties equals the given value. */
  datasetFilter?: Record<string, string | number | boolean>;
}

export interface PlanProgress {
  itemsRead: number;
  datasets: number;
  tasks: number;
}

export interface PlanCounts {
  itemsRead: number;
  datasets: number;
  tasks: number;
  tiles: number;
  tasksPerPeriod: Record<string, number>;
  skipped: {
    noGeometry: number;
    noTime: number;
    badGeometry: number;
    filtered: number;
    outsideSelection: number;
    duplicates: number;
    /** Items with no raster asset to read: their tasks would fail. */
    noAssets: number;
  };
}

export interface PlanOutcome {
  counts: PlanCounts;
  estimate: WorkEstimate;
  /** The period of the `all` frequency without a range, known only at the end. */
  allPeriod?: Period;
  /** What the user should know about the items that were left out. */
  warnings: string[];
}

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
const PROGRESS_EVERY = 10_000;
/** How many ids of items without assets a warning names. */
const IDS_NAMED = 5;

/**
 * Streams the catalogue's items into the task cache: each item becomes a dataset of every
 * tile its footprint intersects and every period its solar time falls in.
 */
export async function planTasks(
  request: PlanRequest,
  writer: TaskCacheWriter,
  options: { signal?: AbortSignal; onProgress?: (p: PlanProgress) => void } = {},
): Promise<PlanOutcome> {
  const { grid } = request;
  const wholeHistory = request.frequency === 'all' && !request.range;
  const binner = wholeHistory ? undefined : makeBinner(request.frequency, request.range);
  const checkpoint = timeSlicer(options.signal);
  const chosen = await chooseTiles(grid, request.tiles, request.region, checkpoint);
  const tileOffsets = new Map<string, number>();
  let links = 0;
  let bandReads = 0;
  const skipped: PlanCounts['skipped'] = { noGeometry: 0, noTime: 0, badGeometry: 0, filtered: 0, outsideSelection: 0, duplicates: 0, noAssets: 0 };
  const withoutAssets: string[] = [];
  let itemsRead = 0;
  let minSolar = Infinity;
  let maxSolar = -Infinity;
  const wholeHistoryPlaceholder: Period = { start: 0, end: 0, label: 'all' };

  const query = {
    collections: request.collections,
    ...(chosen.bbox && { bbox: chosen.bbox }),
    ...(request.range && {
      // Solar time is up to ±14 h away from UTC: widen the search so that no dataset whose
      // local day falls in the range is missed; periodsOf() applies the exact bounds.
      datetime: { start: request.range.start - MS_PER_DAY, end: request.range.end + MS_PER_DAY },
    }),
  };

  for await (const item of request.catalog.items(query, options.signal)) {
    await checkpoint();
    itemsRead++;
    if (itemsRead % PROGRESS_EVERY === 0) {
      options.onProgress?.({ itemsRead, datasets: writer.datasetCount, tasks: writer.taskCount });
    }
    if (!item.geometry) {
      skipped.noGeometry++;
      continue;
    }
    const time = itemTime(item);
    if (time === undefined) {
      skipped.noTime++;
      continue;
    }
    if (request.datasetFilter && !matchesFilter(item, request.datasetFilter)) {
      skipped.filtered++;
      continue;
    }
    let footprint: Polygonal;
    let itemTiles: TileIndex[];
    try {
      footprint = polygonalFromGeoJSON(item.geometry);
      itemTiles = tilesIntersecting(grid, footprint);
    } catch {
      skipped.badGeometry++;
      continue;
    }

    let datasetId: number | undefined;
    let bands = 0;
    let duplicate = false;
    let assetless = false;
    for (const tile of itemTiles) {
      if (!chosen.has(tile)) continue;
      const key = `${tile.x},${tile.y}`;
      let offset = tileOffsets.get(key);
      if (offset === undefined) {
        offset = solarOffsetHours(tileCentreLonLat(grid, tile)[0]);
        tileOffsets.set(key, offset);
      }
      const solarTime = time + offset * MS_PER_HOUR;
      const periods = binner ? binner.periodsOf(solarTime) : [wholeHistoryPlaceholder];
      if (periods.length === 0) continue;
      if (datasetId === undefined) {
        bands = rasterBandCount(item);
        if (bands === 0) {
          assetless = true;
          break;
        }
        datasetId = writer.addDataset({
          itemId: item.id,
          collection: item.collection ?? '',
          time: new Date(time).toISOString(),
          footprintJson: JSON.stringify(item.geometry),
          itemJson: JSON.stringify(item),
        });
        if (datasetId === undefined) {
          duplicate = true;
          break;
        }
      }
      const day = solarDay(time, offset);
      if (solarTime < minSolar) minSolar = solarTime;
      if (solarTime > maxSolar) maxSolar = solarTime;
      for (const period of periods) writer.link(period, tile, offset, datasetId, day);
      links += periods.length;
      bandReads += periods.length * bands;
    }
    if (duplicate) skipped.duplicates++;
    else if (assetless) {
      skipped.noAssets++;
      if (withoutAssets.length < IDS_NAMED) withoutAssets.push(item.id);
    } else if (datasetId === undefined) skipped.outsideSelection++;
  }

  let allPeriod: Period | undefined;
  if (wholeHistory && writer.taskCount > 0) {
    allPeriod = allPeriodOfExtent(minSolar, maxSolar);
    writer.relabelAllTasks(allPeriod);
  }

  const tasksPerPeriod: Record<string, number> = {};
  const tiles = new Set<string>();
  for (const t of writer.taskTotals()) {
    tasksPerPeriod[t.period] = (tasksPerPeriod[t.period] ?? 0) + 1;
    tiles.add(`${t.x},${t.y}`);
  }
  const counts: PlanCounts = {
    itemsRead,
    datasets: writer.datasetCount,
    tasks: writer.taskCount,
    tiles: tiles.size,
    tasksPerPeriod: Object.fromEntries(Object.entries(tasksPerPeriod).sort(([a], [b]) => a.localeCompare(b))),
    skipped,
  };
  const estimate = estimateWork(grid, writer.taskTotals(), bandReads, links);
  return { counts, estimate, ...(allPeriod && { allPeriod }), warnings: planWarnings(skipped, withoutAssets) };
}

function planWarnings(skipped: PlanCounts['skipped'], withoutAssets: string[]): string[] {
  const warnings: string[] = [];
  if (skipped.noGeometry > 0) warnings.push(`${skipped.noGeometry} items had no geometry and were skipped`);
  if (skipped.noAssets > 0) {
    const more = skipped.noAssets > withoutAssets.length ? ', …' : '';
    warnings.push(
      `${skipped.noAssets} items have no raster asset (GeoTIFF or JPEG 2000) to read and were left out of the tasks: ${withoutAssets.join(', ')}${more}`,
    );
  }
  return warnings;
}

function matchesFilter(item: StacItem, filter: Record<string, string | number | boolean>): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (item.properties[key] !== value) return false;
  }
  return true;
}

/** Raster assets of an item: what a task will read. Thumbnails and metadata do not count. */
export function rasterBandCount(item: StacItem): number {
  let n = 0;
  for (const asset of Object.values(item.assets ?? {})) {
    const roles = asset.roles ?? [];
    if (roles.includes('thumbnail') || roles.includes('overview') || roles.includes('metadata')) continue;
    const type = asset.type ?? '';
    if (type.startsWith('image/tiff') || type.startsWith('image/jp2') || /\.(tiff?|jp2)$/i.test(asset.href)) n++;
  }
  return n;
}
