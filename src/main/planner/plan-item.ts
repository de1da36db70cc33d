/**
 * One catalogue item in a plan: where and when it lies, and its links to the tasks of the tiles
 * and periods it falls in, or why it was left out.
 */
import type { Binner } from '../../shared/frequency.js';
import type { Period } from '../../shared/daterange.js';
import { polygonalFromGeoJSON, tileCentreLonLat, tileCoversIntersecting, type TileCover } from '../../shared/geometry.js';
import type { GridSpec, TileIndex } from '../../shared/grid.js';
import { datasetReads, rasterAsset, type PlanReads, type RasterAsset } from '../../shared/work-estimate.js';
import { solarDay, solarOffsetHours } from '../../shared/solar.js';
import { itemTime, type StacAsset, type StacItem } from '../../shared/stac.js';
import type { TaskCacheWriter } from '../taskcache/task-cache-writer.js';
import type { ChosenTiles } from './chosen-tiles.js';
import type { ItemTest } from './item-selection.js';
import type { SkippedItems } from '../../shared/save-tasks-contract.js';

/** Counts of items left out, by reason (a type literal, so that it reads as a `Record<string, number>`). */
type SkipReason = keyof SkippedItems;

/** What stays the same for every item of a plan. */
export interface ItemPlanner {
  grid: GridSpec;
  chosen: ChosenTiles;
  /** Undefined for the `all` frequency without a range: every dataset goes in one period. */
  binner: Binner | undefined;
  /** Which items the plan keeps (item-selection.ts); undefined: all. */
  keeps: ItemTest | undefined;
  writer: TaskCacheWriter;
  /** Solar offset in hours of each tile met so far, by `x,y`. */
  tileOffsets: Map<string, number>;
}

/** What the plan adds up over its items. */
export interface PlanTally {
  itemsRead: number;
  links: number;
  /** What the links read (see WorkEstimate), and the largest dataset. */
  reads: PlanReads;
  minSolarTime: number;
  maxSolarTime: number;
  skipped: SkippedItems;
  /** The first few items left out for having no raster asset, to name them. */
  withoutAssets: string[];
}

/** How many ids of items without assets a warning names. */
const IDS_NAMED = 5;
const MS_PER_HOUR = 3_600_000;
/** The period of the `all` frequency until the plan's end, when its extent is known. */
const WHOLE_HISTORY_PLACEHOLDER: Period = { start: 0, end: 0, label: 'all' };

export function emptyTally(): PlanTally {
  const skipped = { noGeometry: 0, noTime: 0, badGeometry: 0, filtered: 0, outsideSelection: 0, duplicates: 0, noAssets: 0, unpaired: 0 };
  const reads = { decodedBytes: 0, fileBytes: 0, bands: 0, sampleBytes: 0 };
  return { itemsRead: 0, links: 0, reads, minSolarTime: Infinity, maxSolarTime: -Infinity, skipped, withoutAssets: [] };
}

/** Adds an item to the plan: its dataset and links, or a count of why it was left out. */
export function planItem(item: StacItem, planner: ItemPlanner, tally: PlanTally): void {
  const placement = itemPlacement(item, planner);
  const skip = typeof placement === 'string' ? placement : linkItem(item, placement, planner, tally);
  if (skip === undefined) return;
  tally.skipped[skip]++;
  if (skip === 'noAssets' && tally.withoutAssets.length < IDS_NAMED) tally.withoutAssets.push(item.id);
}

/** Where an item lies: the tiles its footprint touches with how much of each, and its footprint's area (grid CRS). */
interface Placement {
  time: number;
  tiles: TileCover[];
  area: number;
}

/** The item's time and the tiles its footprint touches, or why it cannot be planned. */
function itemPlacement(item: StacItem, planner: ItemPlanner): Placement | SkipReason {
  if (!item.geometry) return 'noGeometry';
  const time = itemTime(item);
  if (time === undefined) return 'noTime';
  if (planner.keeps && !planner.keeps(item)) return 'filtered';
  try {
    return { time, ...tileCoversIntersecting(planner.grid, polygonalFromGeoJSON(item.geometry)) };
  } catch {
    return 'badGeometry';
  }
}

/**
 * Links the item to the task of each chosen tile and each period its solar time there falls
 * in, storing its dataset on the first link; says why it was left out when it has no link.
 */
function linkItem(item: StacItem, { time, tiles, area }: Placement, planner: ItemPlanner, tally: PlanTally): SkipReason | undefined {
  const { writer, binner } = planner;
  let datasetId: number | undefined;
  let assets: RasterAsset[] = [];
  for (const tile of tiles) {
    if (!planner.chosen.has(tile)) continue;
    const offset = tileSolarOffset(planner, tile);
    const solarTime = time + offset * MS_PER_HOUR;
    const periods = binner ? binner.periodsOf(solarTime) : [WHOLE_HISTORY_PLACEHOLDER];
    if (periods.length === 0) continue;
    if (datasetId === undefined) {
      assets = rasterAssets(item);
      if (assets.length === 0) return 'noAssets';
      datasetId = addDataset(writer, item, time);
      if (datasetId === undefined) return 'duplicates';
      countDataset(tally.reads, assets);
    }
    const day = solarDay(time, offset);
    if (solarTime < tally.minSolarTime) tally.minSolarTime = solarTime;
    if (solarTime > tally.maxSolarTime) tally.maxSolarTime = solarTime;
    for (const period of periods) writer.link(period, tile, offset, datasetId, day);
    tally.links += periods.length;
    const reads = datasetReads(planner.grid, assets, tile.cover, area > 0 ? Math.min(1, (tile.cover * planner.grid.tileSize ** 2) / area) : 1);
    tally.reads.decodedBytes += periods.length * reads.decodedBytes;
    tally.reads.fileBytes = tally.reads.fileBytes === null || reads.fileBytes === null ? null : tally.reads.fileBytes + periods.length * reads.fileBytes;
  }
  return datasetId === undefined ? 'outsideSelection' : undefined;
}

function tileSolarOffset(planner: ItemPlanner, tile: TileIndex): number {
  const key = `${tile.x},${tile.y}`;
  let offset = planner.tileOffsets.get(key);
  if (offset === undefined) {
    offset = solarOffsetHours(tileCentreLonLat(planner.grid, tile)[0]);
    planner.tileOffsets.set(key, offset);
  }
  return offset;
}

/** The item's dataset id; undefined when the catalogue listed the item before. */
function addDataset(writer: TaskCacheWriter, item: StacItem, time: number): number | undefined {
  return writer.addDataset({
    itemId: item.id,
    collection: item.collection ?? '',
    time: new Date(time).toISOString(),
    footprintJson: JSON.stringify(item.geometry),
    itemJson: JSON.stringify(item),
  });
}

export function matchesFilter(item: StacItem, filter: Record<string, string | number | boolean>): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (item.properties[key] !== value) return false;
  }
  return true;
}

/** The largest dataset so far: the most bands, and the most decoded bytes of its bands at one pixel. */
function countDataset(reads: PlanReads, assets: RasterAsset[]): void {
  reads.bands = Math.max(reads.bands, assets.length);
  reads.sampleBytes = Math.max(reads.sampleBytes, assets.reduce((sum, a) => sum + a.sampleBytes, 0));
}

/** Raster assets of an item: what a task will read. */
function rasterAssets(item: StacItem): RasterAsset[] {
  return Object.values(item.assets ?? {})
    .filter(isRasterAsset)
    .map((asset) => rasterAsset(asset, item));
}

/** Whether a task would read the asset: a GeoTIFF or JPEG 2000 that is not a thumbnail, overview or metadata. */
export function isRasterAsset(asset: StacAsset): boolean {
  const roles = asset.roles ?? [];
  if (roles.includes('thumbnail') || roles.includes('overview') || roles.includes('metadata')) return false;
  const type = asset.type ?? '';
  return type.startsWith('image/tiff') || type.startsWith('image/jp2') || /\.(tiff?|jp2)$/i.test(asset.href);
}
