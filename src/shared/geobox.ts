/** A georeferenced pixel grid: a CRS, an affine pixel-to-world mapping and a size in pixels. */
import { transformer } from './crs.js';

/** Rasterio/GDAL order: x = a*col + b*row + c; y = d*col + e*row + f (col/row at pixel corners). */
export type Affine = readonly [number, number, number, number, number, number];

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface GeoBox {
  crs: string;
  affine: Affine;
  width: number;
  height: number;
}

/** The grid of `width` × `height` pixels of `g` from pixel (col, row) on; negative or past its edges grows it. */
export function subGeobox(g: GeoBox, col: number, row: number, width: number, height: number): GeoBox {
  const [a, b, c, d, e, f] = g.affine;
  return { crs: g.crs, affine: [a, b, c + a * col + b * row, d, e, f + d * col + e * row], width, height };
}

export function pixelToWorld(affine: Affine, col: number, row: number): [number, number] {
  const [a, b, c, d, e, f] = affine;
  return [a * col + b * row + c, d * col + e * row + f];
}

/** The world-coordinate bounds of the whole pixel grid, whatever the sign or rotation of the affine. */
export function geoboxBounds(g: GeoBox): BBox {
  const corners = [
    pixelToWorld(g.affine, 0, 0),
    pixelToWorld(g.affine, g.width, 0),
    pixelToWorld(g.affine, 0, g.height),
    pixelToWorld(g.affine, g.width, g.height),
  ];
  const xs = corners.map(([x]) => x);
  const ys = corners.map(([, y]) => y);
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

/** The pixel of a north-up grid that holds a longitude and latitude; undefined outside the grid. */
export function pixelAtLonLat(g: GeoBox, lon: number, lat: number): { col: number; row: number } | undefined {
  const [x, y] = transformer('EPSG:4326', g.crs)(lon, lat);
  const [a, , c, , e, f] = g.affine;
  const col = Math.floor((x - c) / a);
  const row = Math.floor((y - f) / e);
  return col >= 0 && row >= 0 && col < g.width && row < g.height ? { col, row } : undefined;
}
