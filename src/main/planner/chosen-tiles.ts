/**
 * The tiles a plan covers, chosen by `--tiles` and/or a region, and the lon/lat box the catalogue
 * is asked for. As in odc-stats, a region only chooses tiles: every dataset sharing area with a
 * chosen tile belongs to its task, so the box covers the chosen tiles, not the region.
 */
import { UserError } from '../../shared/errors.js';
import { lonLatBBoxOfTiles, scanTilesIntersecting, type Polygonal } from '../../shared/geometry.js';
import type { GridSpec, TileIndex, TileRange } from '../../shared/grid.js';
import { tileInSelection, type TileSelection } from '../../shared/tile-selection.js';

export interface ChosenTiles {
  has(tile: TileIndex): boolean;
  /** West, south, east, north (west > east across the antimeridian); undefined: the whole catalogue. */
  bbox?: [number, number, number, number];
}

/**
 * The most tile squares a region may make the planner test. The named grids have at most about
 * 55 000 tiles; a region spanning more than this only arises with tiny custom tiles, and would
 * take minutes before the first item is read.
 */
export const MAX_REGION_TILE_SQUARES = 1_000_000;

/**
 * `selection` must be clamped to the grid already (clampTileSelection). `checkpoint` is awaited
 * between tile columns, so the region's search pauses for other work and stops when aborted.
 */
export async function chooseTiles(
  grid: GridSpec,
  selection: TileSelection | undefined,
  region: Polygonal | undefined,
  checkpoint: () => Promise<void> | undefined,
): Promise<ChosenTiles> {
  if (region === undefined) {
    if (selection === undefined) return { has: () => true };
    return { has: (tile) => tileInSelection(tile, selection), bbox: lonLatBBoxOfTiles(grid, rangeBorder(selection)) };
  }
  const scan = scanTilesIntersecting(grid, region);
  if (scan.squares > MAX_REGION_TILE_SQUARES) {
    throw new UserError(
      `the region spans ${scan.squares} tiles of grid ${grid.name}, more than the ${MAX_REGION_TILE_SQUARES} a plan may search: ` +
        'give a smaller region or a grid with larger tiles',
    );
  }
  const keys = new Set<string>();
  for (const column of scan.columns()) {
    for (const tile of column) if (selection === undefined || tileInSelection(tile, selection)) keys.add(keyOf(tile));
    await checkpoint();
  }
  if (keys.size === 0) {
    const where = selection === undefined ? '' : ' among the --tiles';
    throw new UserError(`the region shares no area with any tile of grid ${grid.name}${where}`);
  }
  return { has: (tile) => keys.has(keyOf(tile)), bbox: lonLatBBoxOfTiles(grid, edgeTiles(keys)) };
}

function keyOf(tile: TileIndex): string {
  return `${tile.x},${tile.y}`;
}

/**
 * The tiles of a set that miss a neighbour: the set's outline in the grid CRS. The footprints
 * of tiles inside it lie within the outline's lon/lat box, projections having no extreme
 * longitude or latitude inside a region (no pole lies inside a grid's valid extent).
 */
function edgeTiles(keys: Set<string>): TileIndex[] {
  const edge: TileIndex[] = [];
  for (const key of keys) {
    const [x, y] = key.split(',').map(Number) as [number, number];
    const neighbours = [keyOf({ x: x - 1, y }), keyOf({ x: x + 1, y }), keyOf({ x, y: y - 1 }), keyOf({ x, y: y + 1 })];
    if (neighbours.some((k) => !keys.has(k))) edge.push({ x, y });
  }
  return edge;
}

/** The tiles along the border of a range of tiles. */
function rangeBorder({ x0, x1, y0, y1 }: TileRange): TileIndex[] {
  const border: TileIndex[] = [];
  for (let x = x0; x < x1; x++) {
    border.push({ x, y: y0 });
    if (y1 - 1 > y0) border.push({ x, y: y1 - 1 });
  }
  for (let y = y0 + 1; y < y1 - 1; y++) {
    border.push({ x: x0, y });
    if (x1 - 1 > x0) border.push({ x: x1 - 1, y });
  }
  return border;
}
