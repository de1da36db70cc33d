/**
 * Polygons read from an ESRI shapefile or GeoJSON file — the mangroves plugin's extent, the land
 * cover urban mask — with their attributes where asked, and burnt onto a chunk's pixels as GDAL
 * burns them (rasterio `features.rasterize` and `gdal.RasterizeLayer` without `all_touched`: a
 * pixel is in where its centre is).
 */
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../../shared/errors.js';
import { geoboxBounds, type GeoBox } from '../../shared/geobox.js';
import { polygonsOfGeoJSON, ringBBox, type Ring } from '../../shared/geometry.js';
import { attributesOfProperties, type AttributeValue } from '../../shared/ogr-where.js';

/** One geometry: rings whose crossings are counted together (even–odd), as GDAL fills a polygon or multipolygon. */
export type ExtentGeometry = Ring[];

/** A feature of a polygon file: its geometry and its attributes, keyed by upper-cased field name. */
export interface ExtentFeature {
  rings: ExtentGeometry;
  attributes: Map<string, AttributeValue>;
}

/**
 * The polygons of `file` in their own coordinates: odc-stats reads them with fiona and burns
 * them with the output grid's transform, without reprojection, so they must be in the output
 * CRS. `.shp` is read as a shapefile (its `.prj` unread), anything else as GeoJSON.
 */
export function readExtent(file: string): ExtentGeometry[] {
  return readFeatures(file, 'mangroves_extent', false).features.map((f) => f.rings);
}

/**
 * The features of `file` (named `key` in errors) with their attributes: a shapefile's from its
 * `.dbf`, a GeoJSON feature's from its properties. `lonLat` says their coordinates are
 * longitude/latitude, as GDAL takes them: GeoJSON, and a shapefile whose `.prj` is a geographic
 * CRS; otherwise they are taken to be in the output CRS.
 */
export function readExtentFeatures(file: string, key: string): { features: ExtentFeature[]; lonLat: boolean } {
  return readFeatures(file, key, true);
}

function readFeatures(file: string, key: string, withAttributes: boolean): { features: ExtentFeature[]; lonLat: boolean } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UserError(`${key} ${file} cannot be read: ${(e as Error).message}`);
  }
  if (/\.shp$/i.test(file)) {
    const geometries = shapefilePolygons(bytes, file, key);
    const records = withAttributes ? dbfRecords(sidecar(file, '.dbf', key, true)!, key) : [];
    if (withAttributes && records.length !== geometries.length) {
      throw new UserError(`${key} ${file} has ${geometries.length} shapes and its .dbf ${records.length} records: one record a shape`);
    }
    const prj = sidecar(file, '.prj', key, false);
    const features = geometries
      .map((rings, i) => ({ rings, attributes: records[i] ?? new Map<string, AttributeValue>() }))
      .filter((f, i) => f.rings.length > 0 && (!withAttributes || records[i] !== null));
    return { features, lonLat: prj !== undefined && /^\s*GEOG(CS|CRS)\[/i.test(readFileSync(prj, 'latin1')) };
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new UserError(`${key} ${file} is neither a shapefile (.shp) nor GeoJSON: ${(e as Error).message}`);
  }
  try {
    return { features: geojsonFeatures(json), lonLat: true };
  } catch (e) {
    throw e instanceof UserError ? new UserError(`${key} ${file}: ${e.message}`) : e;
  }
}

/** The file beside a .shp with another extension (either case), or undefined where it is not there and not `required`. */
function sidecar(shp: string, extension: string, key: string, required: boolean): string | undefined {
  const stem = shp.slice(0, -4);
  const found = [extension, extension.toUpperCase()].map((ext) => stem + ext).find((f) => existsSync(f));
  if (found === undefined && required) throw new UserError(`${key} ${shp} has no ${extension} file beside it, which holds its attributes`);
  return found;
}

/** Each polygon feature of a GeoJSON document, with its properties (strings and numbers; others as missing). */
function geojsonFeatures(json: unknown): ExtentFeature[] {
  // Refuses a document without any polygon; a feature without one is then passed over.
  polygonsOfGeoJSON(json);
  const doc = json as { type?: unknown; features?: unknown };
  const features = doc.type === 'FeatureCollection' && Array.isArray(doc.features) ? (doc.features as unknown[]) : [json];
  return features.flatMap((feature) => {
    const geometry = (feature as { geometry?: { type?: unknown } }).geometry ?? feature;
    if (!POLYGONAL_TYPES.has((geometry as { type?: unknown }).type)) return [];
    const attributes = attributesOfProperties((feature as { properties?: Record<string, unknown> | null }).properties);
    return polygonsOfGeoJSON(feature).map((rings) => ({ rings, attributes }));
  });
}

const POLYGONAL_TYPES = new Set<unknown>(['Polygon', 'MultiPolygon', 'GeometryCollection']);
const DBF_HEADER_END = 0x0d;
const DBF_DELETED = 0x2a;

/**
 * The records of a dBase file, one a row (null for a deleted row, which GDAL leaves out):
 * character fields as text (UTF-8 where a `.cpg` says so, else Latin-1, GDAL's default),
 * numeric fields as numbers, blank values missing.
 */
function dbfRecords(file: string, key: string): Array<Map<string, AttributeValue> | null> {
  const bytes = readFileSync(file);
  const bad = (why: string) => new UserError(`${key} ${file} is not a dBase file: ${why}`);
  if (bytes.length < 32) throw bad('no header');
  const count = bytes.readUInt32LE(4);
  const headerLength = bytes.readUInt16LE(8);
  const recordLength = bytes.readUInt16LE(10);
  const cpg = sidecar(file, '.cpg', key, false);
  const encoding: BufferEncoding = cpg !== undefined && /utf-?8/i.test(readFileSync(cpg, 'latin1')) ? 'utf8' : 'latin1';
  const fields: Array<{ name: string; type: string; offset: number; length: number }> = [];
  let offset = 1;
  for (let at = 32; at + 32 <= headerLength && bytes[at] !== DBF_HEADER_END; at += 32) {
    const nameEnd = bytes.indexOf(0, at);
    const name = bytes.toString('latin1', at, nameEnd >= at && nameEnd < at + 11 ? nameEnd : at + 11).toUpperCase();
    const length = bytes[at + 16]!;
    fields.push({ name, type: String.fromCharCode(bytes[at + 11]!), offset, length });
    offset += length;
  }
  if (headerLength + count * recordLength > bytes.length) throw bad(`${count} records of ${recordLength} bytes run past the end`);
  const records: Array<Map<string, AttributeValue> | null> = [];
  for (let r = 0; r < count; r++) {
    const start = headerLength + r * recordLength;
    if (bytes[start] === DBF_DELETED) {
      records.push(null);
      continue;
    }
    const record = new Map<string, AttributeValue>();
    for (const field of fields) {
      const text = bytes.toString(field.type === 'C' ? encoding : 'latin1', start + field.offset, start + field.offset + field.length).trim();
      if (field.type === 'N' || field.type === 'F') {
        const value = Number(text);
        record.set(field.name, text === '' || Number.isNaN(value) ? null : value);
      } else {
        record.set(field.name, text === '' ? null : text);
      }
    }
    records.push(record);
  }
  return records;
}

const SHP_FILE_CODE = 9994;
const SHP_NULL = 0;
/** Polygon, PolygonZ, PolygonM: the same layout up to the points, Z and M after them. */
const SHP_POLYGON_TYPES = new Set([5, 15, 25]);

/** The records of a .shp file, each a geometry of its rings (none for a null shape). */
function shapefilePolygons(bytes: Buffer, file: string, key: string): ExtentGeometry[] {
  const bad = (why: string) => new UserError(`${key} ${file} is not a polygon shapefile: ${why}`);
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
    if (type === SHP_NULL) {
      geometries.push([]);
      continue;
    }
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
    geometries.push(rings);
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
