import type { Catalog } from '../catalog/catalog.js';
import { allPeriodOfExtent, makeBinner, type Binner } from '../../shared/frequency.js';
import type { Period } from '../../shared/daterange.js';
import { polygonalBBox, polygonalFromGeoJSON, projectPolygonal, tileCentreLonLat, tilesIntersecting, type Polygonal } from '../../shared/geometry.js';
import { tileBounds, type GridSpec, type TileIndex } from '../../shared/grid.js';
import { solarDay, solarOffsetHours } from '../../shared/solar.js';
import { itemTime, type StacItem } from '../../shared/stac.js';
import { tileInSelection, type TileSelection } from '../../shared/tile-selection.js';
import type { TaskCacheWriter } from '../taskcache/task-cache-writer.js';
import { estimateWork, type WorkEstimate } from '../../shared/work-estimate.js';

export interface PlanRequest {
  catalog: Catalog;
  collections: string[];
  grid: GridSpec;
  frequency: string;
  range?: Period;
  tiles?: TileSelection;
  /** The region to plan, lon/lat. */
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
  };
}

export interface PlanOutcome {
  counts: PlanCounts;
  estimate: WorkEstimate;
  /** The period of the `all` frequency without a range, known only at the end. */
  allPeriod?: Period;
}

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
const PROGRESS_EVERY = 10_000;

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
  const allowedTiles = request.region ? tileKeySet(tilesIntersecting(grid, request.region)) : undefined;
  const tileOffsets = new Map<string, number>();
  let links = 0;
  let bandReads = 0;
  const skipped: PlanCounts['skipped'] = { noGeometry: 0, noTime: 0, badGeometry: 0, filtered: 0, outsideSelection: 0, duplicates: 0 };
  let itemsRead = 0;
  let minSolar = Infinity;
  let maxSolar = -Infinity;
  const wholeHistoryPlaceholder: Period = { start: 0, end: 0, label: 'all' };

  const bbox = catalogueBBox(request);
  const query = {
    collections: request.collections,
    ...(bbox && { bbox }),
    ...(request.range && {
      // Solar time is up to ±14 h away from UTC: widen the search so that no dataset whose
      // local day falls in the range is missed; periodsOf() applies the exact bounds.
      datetime: { start: request.range.start - MS_PER_DAY, end: request.range.end + MS_PER_DAY },
    }),
  };

  for await (const item of request.catalog.items(query, options.signal)) {
    itemsRead++;
    if (itemsRead % PROGRESS_EVERY === 0) {
      options.signal?.throwIfAborted();
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
    for (const tile of itemTiles) {
      const key = `${tile.x},${tile.y}`;
      if (request.tiles && !tileInSelection(tile, request.tiles)) continue;
      if (allowedTiles && !allowedTiles.has(key)) continue;
      let offset = tileOffsets.get(key);
      if (offset === undefined) {
        offset = solarOffsetHours(tileCentreLonLat(grid, tile)[0]);
        tileOffsets.set(key, offset);
      }
      const solarTime = time + offset * MS_PER_HOUR;
      const periods = binner ? binner.periodsOf(solarTime) : [wholeHistoryPlaceholder];
      if (periods.length === 0) continue;
      if (datasetId === undefined) {
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
        bands = rasterBandCount(item);
      }
      const day = solarDay(time, offset);
      if (solarTime < minSolar) minSolar = solarTime;
      if (solarTime > maxSolar) maxSolar = solarTime;
      for (const period of periods) writer.link(period, tile, offset, datasetId, day);
      links += periods.length;
      bandReads += periods.length * bands;
    }
    if (duplicate) skipped.duplicates++;
    else if (datasetId === undefined) skipped.outsideSelection++;
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
  return { counts, estimate, ...(allPeriod && { allPeriod }) };
}

function tileKeySet(tiles: TileIndex[]): Set<string> {
  return new Set(tiles.map((t) => `${t.x},${t.y}`));
}

/** The lon/lat box handed to the catalogue, so that a STAC API returns only what may matter. */
function catalogueBBox(request: PlanRequest): [number, number, number, number] | undefined {
  let box: Polygonal | undefined;
  if (request.region) box = request.region;
  else if (request.tiles) {
    const { grid, tiles } = request;
    const lo = tileBounds(grid, { x: tiles.x0, y: tiles.y0 });
    const hi = tileBounds(grid, { x: tiles.x1 - 1, y: tiles.y1 - 1 });
    const ring: Array<[number, number]> = [
      [lo.minX, lo.minY],
      [hi.maxX, lo.minY],
      [hi.maxX, hi.maxY],
      [lo.minX, hi.maxY],
      [lo.minX, lo.minY],
    ];
    box = projectPolygonal([[ring]], grid.crs, 'EPSG:4326');
  }
  if (!box) return undefined;
  const b = polygonalBBox(box);
  return [b.minX, b.minY, b.maxX, b.maxY];
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
