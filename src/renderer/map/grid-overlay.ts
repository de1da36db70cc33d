/** The tiles of a grid in the map's view, as outlines and label points, capped in number. */
import { polygonalBBox, projectPolygonal, tileCentreLonLat, tileFootprintLonLat } from '../../shared/geometry.js';
import { parseGrid, tileRangeOfBBox, type GridSpec } from '../../shared/grid.js';

export interface GridOverlay {
  grid: string;
  outlines: GeoJSON.FeatureCollection;
  labels: Array<{ label: string; lon: number; lat: number }>;
  /** True when the view holds more tiles than the cap (nothing is drawn then). */
  tooMany: boolean;
  count: number;
}

const GRID_TILE_CAP = 600;
const GRID_LABEL_CAP = 120;

export function gridOverlay(gridName: string, bounds: [number, number, number, number], cap = GRID_TILE_CAP): GridOverlay {
  let grid: GridSpec;
  try {
    grid = parseGrid(gridName);
  } catch {
    return { grid: gridName, outlines: { type: 'FeatureCollection', features: [] }, labels: [], tooMany: false, count: 0 };
  }
  const west = Math.max(-180, bounds[0]);
  const east = Math.min(180, bounds[2]);
  const south = Math.max(-85, bounds[1]);
  const north = Math.min(85, bounds[3]);
  const empty = { grid: grid.name, outlines: { type: 'FeatureCollection' as const, features: [] }, labels: [] };
  if (!(east > west && north > south)) return { ...empty, tooMany: false, count: 0 };
  const ring: Array<[number, number]> = [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
    [west, south],
  ];
  const box = polygonalBBox(projectPolygonal([[ring]], 'EPSG:4326', grid.crs, 1));
  const range = tileRangeOfBBox(grid, box);
  const count = (range.x1 - range.x0) * (range.y1 - range.y0);
  if (count > cap) return { ...empty, tooMany: true, count };
  const features: GeoJSON.Feature[] = [];
  const labels: GridOverlay['labels'] = [];
  for (let x = range.x0; x < range.x1; x++) {
    for (let y = range.y0; y < range.y1; y++) {
      features.push({ type: 'Feature', properties: { x, y }, geometry: tileFootprintLonLat(grid, { x, y }, 4) as GeoJSON.Geometry });
      if (count <= GRID_LABEL_CAP) {
        const [lon, lat] = tileCentreLonLat(grid, { x, y });
        labels.push({ label: `${x},${y}`, lon, lat });
      }
    }
  }
  return { grid: grid.name, outlines: { type: 'FeatureCollection', features }, labels, tooMany: false, count };
}
