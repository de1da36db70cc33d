/**
 * Which chunks of a tile the datasets' footprints reach, so that a task reads and reduces only
 * where there is data: a chunk no footprint touches stays nodata, and a dataset whose footprint
 * misses a chunk is not read for it (it would contribute only nodata there).
 */
import type { BBox, GeoBox } from '../shared/geobox.js';
import { polygonalFromGeoJSON, polygonalIntersectsBBox, projectPolygonal, type LonLatFootprint, type Polygonal } from '../shared/geometry.js';

/** A window of the tile, in pixels from its top-left corner. */
export interface PixelWindow {
  col: number;
  row: number;
  width: number;
  height: number;
}

/**
 * Pixels of margin added around a window before testing it against a footprint: resampling
 * reaches a few source pixels beyond an output pixel (cubic: 2 source pixels, 60 m bands on a
 * 10 m tile: 12 output pixels), and a projected footprint's curved edges stray by metres.
 */
const FOOTPRINT_MARGIN_PX = 16;

const LONLAT = 'EPSG:4326';

/**
 * A dataset's footprint in the tile's CRS; null when it has none (or none that can be read),
 * which counts as covering everything.
 */
export function footprintInCrs(footprint: LonLatFootprint | undefined, crs: string): Polygonal | null {
  if (!footprint) return null;
  try {
    const projected = projectPolygonal(polygonalFromGeoJSON(footprint), LONLAT, crs);
    const finite = projected.every((polygon) => polygon.every((ring) => ring.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))));
    return finite ? projected : null;
  } catch {
    return null;
  }
}

/** The world box of a window of the tile, grown by `margin` pixels on every side. */
function windowBox(tile: GeoBox, w: PixelWindow, margin: number): BBox {
  const [a, b, c, d, e, f] = tile.affine;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const col of [w.col - margin, w.col + w.width + margin]) {
    for (const row of [w.row - margin, w.row + w.height + margin]) {
      xs.push(a * col + b * row + c);
      ys.push(d * col + e * row + f);
    }
  }
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

/** Whether a footprint (in the tile's CRS; null: everywhere) reaches the window, `margin` pixels around it included. */
export function footprintTouches(tile: GeoBox, footprint: Polygonal | null, w: PixelWindow, margin = FOOTPRINT_MARGIN_PX): boolean {
  return footprint === null || polygonalIntersectsBBox(footprint, windowBox(tile, w, margin));
}

/** For each chunk, whether any of the footprints reaches it. */
export function chunksCovered(tile: GeoBox, footprints: ReadonlyArray<Polygonal | null>, chunks: readonly PixelWindow[], margin = FOOTPRINT_MARGIN_PX): boolean[] {
  return chunks.map((chunk) => footprints.some((footprint) => footprintTouches(tile, footprint, chunk, margin)));
}

/** The tile cut into squares of `size` pixels, row by row; those on the right and bottom edges may be smaller. */
export function tileChunks(width: number, height: number, size: number): PixelWindow[] {
  const chunks: PixelWindow[] = [];
  for (let row = 0; row < height; row += size) {
    for (let col = 0; col < width; col += size) {
      chunks.push({ col, row, width: Math.min(size, width - col), height: Math.min(size, height - row) });
    }
  }
  return chunks;
}
