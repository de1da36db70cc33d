/** Where a point is, as the cursor readout and the search write it: lon/lat, and the coordinates and tile of a grid. */
import { transformer } from '../../shared/crs.js';
import { parseGrid, tileIndexOf, type GridSpec, type TileIndex } from '../../shared/grid.js';

/** "1.28330° S, 36.82190° E": latitude first, hemispheres spelled out, so that the search reads it back unambiguously. */
export function formatLatLon(lon: number, lat: number, digits = 5): string {
  const lonText = `${Math.abs(lon).toFixed(digits)}° ${lon < 0 ? 'W' : 'E'}`;
  const latText = `${Math.abs(lat).toFixed(digits)}° ${lat < 0 ? 'S' : 'N'}`;
  return `${latText}, ${lonText}`;
}

export interface GridPosition {
  /** Coordinates in the grid's CRS. */
  x: number;
  y: number;
  tile: TileIndex;
}

/** A lon/lat point in a grid's CRS and the tile it lies in; null where the CRS does not reach. */
export function gridPosition(grid: GridSpec, lon: number, lat: number): GridPosition | null {
  const [x, y] = transformer('EPSG:4326', grid.crs)(lon, lat);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
  return { x, y, tile: tileIndexOf(grid, x, y) };
}

/** The grid of a name the user typed, or null while it names none. */
export function gridOrNull(name: string): GridSpec | null {
  try {
    return parseGrid(name);
  } catch {
    return null;
  }
}
