/**
 * The mangroves plugin's extent: polygons read from an ESRI shapefile or GeoJSON file, and
 * burnt onto a chunk's pixels as odc-stats burns them (rasterio `features.rasterize`,
 * `all_touched=False`: a pixel is in where its centre is).
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../shared/errors.js';
import { geoboxBounds, type GeoBox } from '../../shared/geobox.js';
import { polygonsOfGeoJSON, ringBBox, type Ring } from '../../shared/geometry.js';

/** One geometry: rings whose crossings are counted together (even–odd), as GDAL fills a polygon or multipolygon. */
type ExtentGeometry = Ring[];

/**
 * The polygons of `file` in their own coordinates: odc-stats reads them with fiona and burns
 * them with the output grid's transform, without reprojection, so they must be in the output
 * CRS. `.shp` is read as a shapefile (its `.prj` unread), anything else as GeoJSON.
 */
export function readExtent(file: string): ExtentGeometry[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UserError(`mangroves_extent ${file} cannot be read: ${(e as Error).message}`);
  }
  if (/\.shp$/i.test(file)) return shapefilePolygons(bytes, file);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new UserError(`mangroves_extent ${file} is neither a shapefile (.shp) nor GeoJSON: ${(e as Error).message}`);
  }
  try {
    return polygonsOfGeoJSON(json);
  } catch (e) {
    throw e instanceof UserError ? new UserError(`mangroves_extent ${file}: ${e.message}`) : e;
  }
}

const SHP_FILE_CODE = 9994;
const SHP_NULL = 0;
/** Polygon, PolygonZ, PolygonM: the same layout up to the points, Z and M after them. */
const SHP_POLYGON_TYPES = new Set([5, 15, 25]);

/** The polygon records of a .shp file, each a geometry of its rings. */
function shapefilePolygons(bytes: Buffer, file: string): ExtentGeometry[] {
  const bad = (why: string) => new UserError(`mangroves_extent ${file} is not a polygon shapefile: ${why}`);
  if (bytes.length < 100 || bytes.readInt32BE(0) !== SHP_FILE_CODE) throw bad('no shapefile header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = Math.min(bytes.length, view.getInt32(24, false) * 2);
  const geometries: ExtentGeometry[] = [];
  for (let at = 100; at + 8 <= end; ) {
    const length = view.getInt32(at + 4, false) * 2;
    const content = at + 8;
    at = content + length;
    if (length < 4 || at > end) throw bad(`record at byte ${content - 8} runs past the end`);
    const type = view.getInt32(content, true);
    if (type === SHP_NULL) continue;
    if (!SHP_POLYGON_TYPES.has(type)) throw bad(`record at byte ${content - 8} is of shape type ${type}`);
    const parts = view.getInt32(content + 36, true);
    const points = view.getInt32(content + 40, true);
    const partsAt = content + 44;
    const pointsAt = partsAt + 4 * parts;
    if (parts < 0 || points < 0 || pointsAt + 16 * points > at) throw bad(`record at byte ${content - 8} is truncated`);
    const rings: Ring[] = [];
    for (let i = 0; i < parts; i++) {
      const first = view.getInt32(partsAt + 4 * i, true);
      const last = i + 1 < parts ? view.getInt32(partsAt + 4 * (i + 1), true) : points;
      const ring: Ring = [];
      for (let k = first; k < last; k++) ring.push([view.getFloat64(pointsAt + 16 * k, true), view.getFloat64(pointsAt + 16 * k + 8, true)]);
      if (ring.length > 0) rings.push(ring);
    }
    if (rings.length > 0) geometries.push(rings);
  }
  return geometries;
}

interface IndexedRing {
  ring: Ring;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** The extent's geometries, each ring with its box, so that a chunk reads only the rings near it. */
export class ExtentRasterizer {
  private readonly geometries: IndexedRing[][];

  constructor(geometries: readonly ExtentGeometry[]) {
    this.geometries = geometries.map((rings) => rings.map((ring) => ({ ring, ...ringBBox(ring) })));
  }

  /** 1 for each pixel of `geobox` whose centre lies in a geometry, 0 elsewhere. */
  rasterize(geobox: GeoBox): Uint8Array {
    const { width, height } = geobox;
    const out = new Uint8Array(width * height);
    const box = geoboxBounds(geobox);
    const [a, b, c, d, e, f] = geobox.affine;
    const det = a * e - b * d;
    const toCol = (x: number, y: number) => (e * (x - c) - b * (y - f)) / det;
    const toRow = (x: number, y: number) => (a * (y - f) - d * (x - c)) / det;
    const crossings: number[][] = Array.from({ length: height }, () => []);
    for (const rings of this.geometries) {
      // A closed ring that misses the chunk's box crosses each of its rows an even number of
      // times left (or right) of every pixel: it cannot change a pixel's parity.
      const near = rings.filter((r) => r.maxX >= box.minX && r.minX <= box.maxX && r.maxY >= box.minY && r.minY <= box.maxY);
      if (near.length === 0) continue;
      for (const row of crossings) row.length = 0;
      for (const { ring } of near) {
        for (let i = 0; i < ring.length; i++) {
          const [x0, y0] = ring[i]!;
          const [x1, y1] = ring[(i + 1) % ring.length]!;
          addEdgeCrossings(crossings, toCol(x0, y0), toRow(x0, y0), toCol(x1, y1), toRow(x1, y1));
        }
      }
      for (let row = 0; row < height; row++) fillRow(out, row, width, crossings[row]!);
    }
    return out;
  }
}

/**
 * Where the edge crosses the centre line of each row, in pixel coordinates; as GDAL's polygon
 * fill, an edge holds the centres from its lower end up to, not including, its upper end, and
 * a horizontal edge none.
 */
function addEdgeCrossings(crossings: number[][], col0: number, row0: number, col1: number, row1: number): void {
  if (row0 === row1) return;
  const [lowCol, low, highCol, high] = row0 < row1 ? [col0, row0, col1, row1] : [col1, row1, col0, row0];
  const first = Math.max(0, Math.ceil(low - 0.5));
  const last = Math.min(crossings.length - 1, Math.ceil(high - 0.5) - 1);
  const slope = (highCol - lowCol) / (high - low);
  for (let row = first; row <= last; row++) crossings[row]!.push(lowCol + (row + 0.5 - low) * slope);
}

/** Sets the pixels between each pair of sorted crossings: those whose centre is past the first and up to the second. */
function fillRow(out: Uint8Array, row: number, width: number, xs: number[]): void {
  if (xs.length < 2) return;
  xs.sort((p, q) => p - q);
  for (let i = 0; i + 1 < xs.length; i += 2) {
    const from = Math.min(width, Math.max(0, Math.floor(xs[i]! + 0.5)));
    const to = Math.min(width, Math.max(from, Math.floor(xs[i + 1]! + 0.5)));
    out.fill(1, row * width + from, row * width + to);
  }
}
