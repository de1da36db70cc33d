/**
 * Polygons in any CRS: reading regions and footprints from GeoJSON (longitude/latitude),
 * projecting them, and finding the grid tiles they cover.
 */
import { isGeographicCrs, transformer } from './crs.js';
import type { PointTransform } from './crs.js';
import type { BBox } from './geobox.js';
import { intersectTileRanges, tileBounds, tileRangeIsEmpty, tileRangeOfBBox, validTileRange } from './grid.js';
import type { GridSpec, TileIndex, TileRange } from './grid.js';
import { UserError } from './errors.js';

/** A closed ring of [x, y] (or [longitude, latitude]) points, first point repeated at the end. */
export type Ring = Array<[number, number]>;
/** A list of polygons, each [outer ring, ...holes]. */
export type Polygonal = Ring[][];

export type LonLatFootprint =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

const LONLAT = 'EPSG:4326';

// Overlaps smaller than this fraction of the smaller of tile and polygon are rounding noise
// from a polygon edge lying on a tile edge, i.e. touching.
const TOUCHING_AREA_FRACTION = 1e-9;

// ---------------------------------------------------------------------------------------------
// Clipping polygons to axis-parallel lines, on flat [x0, y0, x1, y1, ...] vertex lists without
// the closing vertex. Scratch buffers are reused: tile searches clip millions of polygons.

let scratchA = new Float64Array(256);
let scratchB = new Float64Array(256);

function ensureScratch(values: number): void {
  if (scratchA.length < values) {
    const size = Math.max(values, scratchA.length * 2);
    scratchA = new Float64Array(size);
    scratchB = new Float64Array(size);
  }
}

/**
 * Sutherland-Hodgman against one half-plane: keeps the part with coordinate `axis` (0 = x,
 * 1 = y) >= limit when keepAbove, <= limit otherwise. Writes to dst, returns the vertex count.
 * For a concave polygon the result may contain zero-width bridges along the line, which add no area.
 */
function clipToHalfPlane(
  src: Float64Array,
  count: number,
  axis: 0 | 1,
  limit: number,
  keepAbove: boolean,
  dst: Float64Array,
): number {
  const other = 1 - axis;
  let out = 0;
  let prev = (count - 1) * 2;
  let prevInside = keepAbove ? src[prev + axis]! >= limit : src[prev + axis]! <= limit;
  for (let i = 0; i < count; i++) {
    const cur = i * 2;
    const curInside = keepAbove ? src[cur + axis]! >= limit : src[cur + axis]! <= limit;
    if (curInside !== prevInside) {
      const t = (limit - src[prev + axis]!) / (src[cur + axis]! - src[prev + axis]!);
      dst[out * 2 + axis] = limit;
      dst[out * 2 + other] = src[prev + other]! + t * (src[cur + other]! - src[prev + other]!);
      out++;
    }
    if (curInside) {
      dst[out * 2] = src[cur]!;
      dst[out * 2 + 1] = src[cur + 1]!;
      out++;
    }
    prev = cur;
    prevInside = curInside;
  }
  return out;
}

function flatSignedArea(flat: Float64Array, count: number): number {
  let twice = 0;
  for (let i = 0, j = count - 1; i < count; j = i++) {
    twice += flat[j * 2]! * flat[i * 2 + 1]! - flat[i * 2]! * flat[j * 2 + 1]!;
  }
  return twice / 2;
}

/** The number of distinct vertices of a closed ring: its length without the repeated last point. */
function openLength(ring: Ring): number {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (ring.length > 1 && first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1]) {
    return ring.length - 1;
  }
  return ring.length;
}

/** The shoelace area of a ring, positive where it runs anticlockwise (x east, y north). */
export function ringSignedArea(ring: Ring): number {
  let twice = 0;
  const n = openLength(ring);
  for (let i = 0, j = n - 1; i < n; j = i++) {
    twice += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
  }
  return twice / 2;
}

export function ringBBox(ring: Ring): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of ring) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}

/** Whether the interiors of two boxes overlap (sharing an edge does not count). */
function interiorsOverlap(a: BBox, b: BBox): boolean {
  return a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;
}

function boxContains(outer: BBox, inner: BBox): boolean {
  return outer.minX <= inner.minX && inner.maxX <= outer.maxX && outer.minY <= inner.minY && inner.maxY <= outer.maxY;
}

/** The area of the part of a ring's interior that lies inside a box. */
function ringAreaInBox(ring: Ring, bbox: BBox, box: BBox): number {
  if (!interiorsOverlap(bbox, box)) return 0;
  if (boxContains(box, bbox)) return Math.abs(ringSignedArea(ring));
  let count = openLength(ring);
  ensureScratch(count * 2 * 16);
  for (let i = 0; i < count; i++) {
    scratchA[i * 2] = ring[i]![0];
    scratchA[i * 2 + 1] = ring[i]![1];
  }
  count = clipToHalfPlane(scratchA, count, 0, box.minX, true, scratchB);
  count = clipToHalfPlane(scratchB, count, 0, box.maxX, false, scratchA);
  count = clipToHalfPlane(scratchA, count, 1, box.minY, true, scratchB);
  count = clipToHalfPlane(scratchB, count, 1, box.maxY, false, scratchA);
  return count < 3 ? 0 : Math.abs(flatSignedArea(scratchA, count));
}

/** A polygon with the figures the intersection test needs, computed once. */
interface PreparedPolygon {
  rings: Ring[];
  ringBoxes: BBox[];
  outerArea: number;
}

function preparePolygon(polygon: Ring[]): PreparedPolygon {
  const outer = polygon[0];
  return {
    rings: polygon,
    ringBoxes: polygon.map(ringBBox),
    outerArea: outer === undefined ? 0 : Math.abs(ringSignedArea(outer)),
  };
}

/** The area of the polygon (holes taken out) inside the box. */
function preparedAreaInBox(polygon: PreparedPolygon, box: BBox): number {
  const outerBox = polygon.ringBoxes[0];
  if (outerBox === undefined || !interiorsOverlap(outerBox, box)) return 0;
  let area = ringAreaInBox(polygon.rings[0]!, outerBox, box);
  for (let i = 1; i < polygon.rings.length; i++) {
    area -= ringAreaInBox(polygon.rings[i]!, polygon.ringBoxes[i]!, box);
  }
  return area;
}

/** Whether an area of the polygon inside the box is more than rounding noise (see TOUCHING_AREA_FRACTION). */
function sharesArea(polygon: PreparedPolygon, box: BBox, area: number): boolean {
  const boxArea = (box.maxX - box.minX) * (box.maxY - box.minY);
  return area > TOUCHING_AREA_FRACTION * Math.min(boxArea, polygon.outerArea);
}

function preparedIntersectsBox(polygon: PreparedPolygon, box: BBox): boolean {
  return sharesArea(polygon, box, preparedAreaInBox(polygon, box));
}

export function polygonalBBox(p: Polygonal): BBox {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const polygon of p) {
    const outer = polygon[0];
    if (outer === undefined) continue;
    const ringBox = ringBBox(outer);
    box.minX = Math.min(box.minX, ringBox.minX);
    box.minY = Math.min(box.minY, ringBox.minY);
    box.maxX = Math.max(box.maxX, ringBox.maxX);
    box.maxY = Math.max(box.maxY, ringBox.maxY);
  }
  return box;
}

/**
 * Whether the geometry and the box share some area. Computed as the area of the geometry clipped
 * to the box, so it is exact for any polygon shape, holes included; a geometry that only touches
 * the box along an edge or at a corner does not intersect it.
 */
export function polygonalIntersectsBBox(p: Polygonal, box: BBox): boolean {
  return p.some((polygon) => preparedIntersectsBox(preparePolygon(polygon), box));
}

// ---------------------------------------------------------------------------------------------
// Reading GeoJSON

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function readPosition(value: unknown): [number, number] {
  if (Array.isArray(value) && value.length >= 2) {
    const [lon, lat] = value as unknown[];
    if (typeof lon === 'number' && typeof lat === 'number' && Number.isFinite(lon) && Number.isFinite(lat)) {
      return [lon, lat];
    }
  }
  throw new UserError(`region has an invalid position ${describe(value)}: expected [longitude, latitude]`);
}

function readRing(value: unknown): Ring {
  if (!Array.isArray(value)) throw new UserError(`region has an invalid ring ${describe(value)}: expected a list of positions`);
  const ring = value.map(readPosition);
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first !== undefined && last !== undefined && (first[0] !== last[0] || first[1] !== last[1])) ring.push([first[0], first[1]]);
  if (ring.length < 4) throw new UserError(`region has a ring with fewer than 3 distinct positions: ${describe(value)}`);
  return ring;
}

/** A GeoJSON polygon's rings, or undefined for an empty polygon. */
function readPolygon(value: unknown): Ring[] | undefined {
  if (!Array.isArray(value)) throw new UserError(`region has an invalid polygon ${describe(value)}: expected a list of rings`);
  return value.length === 0 ? undefined : value.map(readRing);
}

function collectPolygons(value: unknown, polygons: Ring[][], otherTypes: Set<string>): void {
  if (!isRecord(value)) {
    otherTypes.add(describe(value));
    return;
  }
  const type = value['type'];
  switch (type) {
    case 'Polygon': {
      const polygon = readPolygon(value['coordinates']);
      if (polygon !== undefined) polygons.push(polygon);
      return;
    }
    case 'MultiPolygon': {
      const coordinates = value['coordinates'];
      if (!Array.isArray(coordinates)) throw new UserError(`region has an invalid MultiPolygon ${describe(coordinates)}`);
      for (const polygonCoordinates of coordinates) {
        const polygon = readPolygon(polygonCoordinates);
        if (polygon !== undefined) polygons.push(polygon);
      }
      return;
    }
    case 'Feature':
      if (value['geometry'] !== null && value['geometry'] !== undefined) collectPolygons(value['geometry'], polygons, otherTypes);
      return;
    case 'FeatureCollection':
    case 'GeometryCollection': {
      const members = type === 'FeatureCollection' ? value['features'] : value['geometries'];
      if (!Array.isArray(members)) throw new UserError(`region ${type} has no list of ${type === 'FeatureCollection' ? 'features' : 'geometries'}`);
      for (const member of members) collectPolygons(member, polygons, otherTypes);
      return;
    }
    default:
      otherTypes.add(typeof type === 'string' ? type : describe(value));
  }
}

// ---------------------------------------------------------------------------------------------
// The antimeridian

/** The ring with multiples of 360° added to longitudes so no step between vertices exceeds 180°. */
export function unwrapLongitudes(ring: Ring): Ring {
  let offset = 0;
  let previous = ring[0]![0];
  return ring.map(([lon, lat]) => {
    const step = lon - previous;
    if (step > 180) offset -= 360;
    else if (step < -180) offset += 360;
    previous = lon;
    return [lon + offset, lat];
  });
}

function shiftLongitudes(ring: Ring, degrees: number): Ring {
  return degrees === 0 ? ring : ring.map(([lon, lat]) => [lon + degrees, lat]);
}

/** The part of a ring on one side of a meridian, or undefined when that part has no area. */
function clipRingAtLongitude(ring: Ring, meridian: number, keepEast: boolean): Ring | undefined {
  const n = openLength(ring);
  ensureScratch(n * 4);
  for (let i = 0; i < n; i++) {
    scratchA[i * 2] = ring[i]![0];
    scratchA[i * 2 + 1] = ring[i]![1];
  }
  const count = clipToHalfPlane(scratchA, n, 0, meridian, keepEast, scratchB);
  if (count < 3 || flatSignedArea(scratchB, count) === 0) return undefined;
  const clipped: Ring = [];
  for (let i = 0; i < count; i++) clipped.push([scratchB[i * 2]!, scratchB[i * 2 + 1]!]);
  clipped.push([scratchB[0]!, scratchB[1]!]);
  return clipped;
}

/**
 * Longitude-continuous rings reaching past ±180° split into the parts either side of it, each
 * shifted back into [-180, 180]: one polygon per part.
 */
function splitUnwrappedAtAntimeridian(rings: Ring[]): Ring[][] {
  const outerBox = ringBBox(rings[0]!);
  // Bring the polygon's centre into [-180, 180], so at most one of ±180° cuts it.
  const centreShift = -360 * Math.round((outerBox.minX + outerBox.maxX) / 2 / 360);
  const centred = rings.map((ring) => shiftLongitudes(ring, centreShift));
  const minLon = outerBox.minX + centreShift;
  const maxLon = outerBox.maxX + centreShift;
  if (minLon >= -180 && maxLon <= 180) return [centred];
  const meridian = maxLon > 180 ? 180 : -180;
  const parts: Ring[][] = [];
  for (const keepEast of [false, true]) {
    const beyondRange = meridian === 180 ? keepEast : !keepEast;
    const wrapShift = beyondRange ? -2 * meridian : 0;
    const [outer, ...holes] = centred.map((ring) => clipRingAtLongitude(ring, meridian, keepEast));
    if (outer === undefined) continue;
    const part = [outer, ...holes.filter((hole): hole is Ring => hole !== undefined)];
    parts.push(part.map((ring) => shiftLongitudes(ring, wrapShift)));
  }
  return parts;
}

/** A lon/lat polygon as one or two polygons none of whose edges crosses the antimeridian. */
function splitPolygonAtAntimeridian(polygon: Ring[]): Ring[][] {
  const outsideRange = polygon.some((ring) => ring.some(([lon]) => lon < -180 || lon > 180));
  const hasJump = polygon.some((ring) => ring.some(([lon], i) => i > 0 && Math.abs(lon - ring[i - 1]![0]) > 180));
  if (!outsideRange && !hasJump) return [polygon];
  const unwrapped = polygon.map(unwrapLongitudes);
  for (const ring of unwrapped) {
    if (Math.abs(ring[ring.length - 1]![0] - ring[0]![0]) > 180) {
      throw new UserError('region has a ring around a pole; split it into polygons that do not enclose the pole');
    }
  }
  // Holes move by whole turns to sit beside the outer ring they belong to.
  const outerBox = ringBBox(unwrapped[0]!);
  const outerCentre = (outerBox.minX + outerBox.maxX) / 2;
  const aligned = unwrapped.map((ring, i) => {
    if (i === 0) return ring;
    const box = ringBBox(ring);
    return shiftLongitudes(ring, 360 * Math.round((outerCentre - (box.minX + box.maxX) / 2) / 360));
  });
  return splitUnwrappedAtAntimeridian(aligned);
}

/**
 * The polygons of a GeoJSON Polygon, MultiPolygon, Feature (a STAC item, say), FeatureCollection
 * or GeometryCollection, as written: no check of the coordinates' range. Non-polygonal members
 * are ignored; empty polygons are left out.
 */
export function polygonsOfGeoJSON(g: unknown): Polygonal {
  const polygons: Ring[][] = [];
  const otherTypes = new Set<string>();
  collectPolygons(g, polygons, otherTypes);
  if (polygons.length === 0) {
    const found = otherTypes.size > 0 ? ` (found ${[...otherTypes].join(', ')})` : '';
    throw new UserError(`region has no polygon${found}: give a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection`);
  }
  return polygons;
}

const PROJECTED_HINT = 'a projected CRS? give the GeoJSON a crs member';

/**
 * Longitude/latitude polygons checked for range and split where they cross the antimeridian.
 * Longitudes up to ±360° are taken for rings written continuously across the antimeridian
 * (170° to 190°); anything further is not a longitude.
 */
export function polygonalFromLonLat(polygons: Polygonal): Polygonal {
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (const [lon, lat] of ring) {
        if (lon < -360 || lon > 360) {
          throw new UserError(`region: longitude ${lon} is outside -180..180 (or ±360 across the antimeridian): ${PROJECTED_HINT}`);
        }
        if (lat < -90 || lat > 90) throw new UserError(`region: latitude ${lat} is outside -90..90: ${PROJECTED_HINT}`);
      }
    }
  }
  return polygons.flatMap(splitPolygonAtAntimeridian);
}

/**
 * The polygons of a GeoJSON geometry or feature (see polygonsOfGeoJSON) in longitude/latitude,
 * polygons crossing the antimeridian split into their parts either side of it.
 */
export function polygonalFromGeoJSON(g: unknown): Polygonal {
  return polygonalFromLonLat(polygonsOfGeoJSON(g));
}

// ---------------------------------------------------------------------------------------------
// Projecting

/** Source-CRS length of the longest edge projectPolygonal leaves undivided, unless told. */
function defaultMaxSegment(crs: string): number {
  // 0.25° gives a ~110 km satellite footprint about 20 points: curved edges then stray from the
  // exact projected curve by metres, not hundreds of metres.
  return isGeographicCrs(crs) ? 0.25 : 25_000;
}

function projectRing(ring: Ring, project: PointTransform, maxSegment: number): Ring {
  const projected: Ring = [];
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[i + 1]!;
    const pieces = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / maxSegment));
    for (let k = 0; k < pieces; k++) {
      const t = k / pieces;
      projected.push(project(x0 + t * (x1 - x0), y0 + t * (y1 - y0)));
    }
  }
  const last = ring[ring.length - 1];
  if (last !== undefined) projected.push(project(last[0], last[1]));
  return projected;
}

/**
 * The geometry in another CRS. Edges longer than `maxSegmentDeg` source-CRS units (degrees for
 * EPSG:4326; default 0.25° there and 25 km for projected CRSs) are first divided evenly, so
 * they may curve as they should in the target CRS.
 */
export function projectPolygonal(p: Polygonal, from: string, to: string, maxSegmentDeg?: number): Polygonal {
  const maxSegment = maxSegmentDeg ?? defaultMaxSegment(from);
  if (!(maxSegment > 0)) throw new RangeError(`maxSegmentDeg must be positive, got ${maxSegment}`);
  const project = transformer(from, to);
  return p.map((polygon) => polygon.map((ring) => projectRing(ring, project, maxSegment)));
}

// ---------------------------------------------------------------------------------------------
// Tiles

/** A polygon in the grid CRS and the tiles its box covers, cut to the grid's valid extent. */
interface ScanPart {
  prepared: PreparedPolygon;
  range: TileRange;
}

function scanParts(grid: GridSpec, lonLat: Polygonal): ScanPart[] {
  const valid = validTileRange(grid);
  const parts: ScanPart[] = [];
  for (const polygon of projectPolygonal(lonLat, LONLAT, grid.crs)) {
    const prepared = preparePolygon(polygon);
    const outerBox = prepared.ringBoxes[0];
    if (outerBox === undefined) continue;
    const range = intersectTileRanges(tileRangeOfBBox(grid, outerBox), valid);
    // A polygon reaching where the grid's projection is undefined has NaN bounds.
    if (Number.isNaN(range.x0 + range.x1 + range.y0 + range.y1) || tileRangeIsEmpty(range)) continue;
    parts.push({ prepared, range });
  }
  return parts;
}

/** Appends the tiles of column x that share area with the part's polygon, y ascending. */
function pushColumnTiles(grid: GridSpec, { prepared, range }: ScanPart, x: number, tiles: TileIndex[]): void {
  for (let y = range.y0; y < range.y1; y++) {
    if (preparedIntersectsBox(prepared, tileBounds(grid, { x, y }))) tiles.push({ x, y });
  }
}

/** The tiles of a geometry's polygons, tested one tile column at a time. */
export interface TileScan {
  /** How many tile squares the scan tests: the polygons' tile ranges, cut to the grid's valid extent. */
  readonly squares: number;
  /**
   * The tiles sharing area with the geometry, a column (one x, y ascending) of one polygon at a
   * time, so that a caller may pause between columns; a tile comes again for each polygon it meets.
   */
  columns(): Generator<TileIndex[]>;
}

/**
 * The tile search of tilesIntersecting, for callers that must bound it (by `squares`) or
 * interleave it with other work. Tiles outside the grid's valid extent are never tested.
 */
export function scanTilesIntersecting(grid: GridSpec, lonLat: Polygonal): TileScan {
  const parts = scanParts(grid, lonLat);
  return {
    squares: parts.reduce((sum, { range }) => sum + (range.x1 - range.x0) * (range.y1 - range.y0), 0),
    *columns() {
      for (const part of parts) {
        for (let x = part.range.x0; x < part.range.x1; x++) {
          const column: TileIndex[] = [];
          pushColumnTiles(grid, part, x, column);
          yield column;
        }
      }
    },
  };
}

/**
 * Every tile of the grid sharing area with a lon/lat geometry, ordered by x then y. The test is
 * made in the grid CRS, so a geometry just east of 180° never lands in a tile whose square merely
 * reaches past -180° at the grid's western edge (as in odc-stats). Tiles outside the grid's
 * valid extent are never tested.
 */
export function tilesIntersecting(grid: GridSpec, lonLat: Polygonal): TileIndex[] {
  const tiles: TileIndex[] = [];
  for (const part of scanParts(grid, lonLat)) {
    for (let x = part.range.x0; x < part.range.x1; x++) pushColumnTiles(grid, part, x, tiles);
  }
  if (lonLat.length === 1) return tiles;
  const unique = new Map(tiles.map((t) => [`${t.x},${t.y}`, t]));
  return [...unique.values()].sort((a, b) => a.x - b.x || a.y - b.y);
}

/** A tile a geometry shares area with, and how much of the tile that area is. */
export interface TileCover extends TileIndex {
  /** The geometry's area inside the tile over the tile's area, 0 < cover ≤ 1. */
  cover: number;
}

/**
 * The tiles of tilesIntersecting, each with the part of it the geometry covers (measured in the
 * grid CRS), and the geometry's whole area in the grid CRS (within the grid's valid extent).
 */
export function tileCoversIntersecting(grid: GridSpec, lonLat: Polygonal): { tiles: TileCover[]; area: number } {
  const covers = new Map<string, TileCover>();
  let area = 0;
  const tileArea = grid.tileSize * grid.tileSize;
  for (const part of scanParts(grid, lonLat)) {
    area += Math.max(0, part.prepared.outerArea - part.prepared.rings.slice(1).reduce((sum, r) => sum + Math.abs(ringSignedArea(r)), 0));
    for (let x = part.range.x0; x < part.range.x1; x++) {
      for (let y = part.range.y0; y < part.range.y1; y++) {
        const box = tileBounds(grid, { x, y });
        const inside = preparedAreaInBox(part.prepared, box);
        if (!sharesArea(part.prepared, box, inside)) continue;
        const key = `${x},${y}`;
        const known = covers.get(key);
        if (known) known.cover = Math.min(1, known.cover + inside / tileArea);
        else covers.set(key, { x, y, cover: Math.min(1, inside / tileArea) });
      }
    }
  }
  return { tiles: [...covers.values()].sort((a, b) => a.x - b.x || a.y - b.y), area };
}

/**
 * Grid coordinates to lon/lat. Points beyond a pole in cylindrical grids (the polar rows of
 * EPSG:6933 grids reach past ±90°) have no latitude; they are pinned to the pole on their side.
 */
function toLonLatPinned(toLonLat: PointTransform, x: number, y: number): [number, number] {
  const [lon, lat] = toLonLat(x, y);
  return Number.isNaN(lat) ? [lon, y < 0 ? -90 : 90] : [lon, lat];
}

/**
 * A tile's square in lon/lat as GeoJSON: each edge divided into `pointsPerEdge` pieces, outer
 * ring counter-clockwise, and split into a MultiPolygon where it crosses the antimeridian.
 */
export function tileFootprintLonLat(grid: GridSpec, tile: TileIndex, pointsPerEdge = 16): LonLatFootprint {
  if (!Number.isInteger(pointsPerEdge) || pointsPerEdge < 1) {
    throw new RangeError(`pointsPerEdge must be a positive integer, got ${pointsPerEdge}`);
  }
  const { minX, minY, maxX, maxY } = tileBounds(grid, tile);
  const toLonLat = transformer(grid.crs, LONLAT);
  const corners: Array<[number, number]> = [
    [minX, minY],
    [maxX, minY],
    [maxX, maxY],
    [minX, maxY],
  ];
  const ring: Ring = [];
  for (let side = 0; side < 4; side++) {
    const [x0, y0] = corners[side]!;
    const [x1, y1] = corners[(side + 1) % 4]!;
    for (let k = 0; k < pointsPerEdge; k++) {
      const t = k / pointsPerEdge;
      ring.push(toLonLatPinned(toLonLat, x0 + t * (x1 - x0), y0 + t * (y1 - y0)));
    }
  }
  ring.push([ring[0]![0], ring[0]![1]]);

  let continuous = unwrapLongitudes(ring);
  if (ringSignedArea(continuous) < 0) continuous = continuous.reverse();
  const parts = splitUnwrappedAtAntimeridian([continuous]);
  const coordinates = parts.map((polygon) => polygon.map(withoutRepeatedPoints));
  if (coordinates.length === 1) return { type: 'Polygon', coordinates: coordinates[0]! };
  return { type: 'MultiPolygon', coordinates };
}

/** GeoJSON positions of a ring, dropping points equal to their predecessor (polar rows pin several to the pole). */
function withoutRepeatedPoints(ring: Ring): number[][] {
  const positions: number[][] = [];
  for (const [lon, lat] of ring) {
    const previous = positions[positions.length - 1];
    if (previous === undefined || previous[0] !== lon || previous[1] !== lat) positions.push([lon, lat]);
  }
  return positions;
}

/** The lon/lat of a tile's centre. */
export function tileCentreLonLat(grid: GridSpec, tile: TileIndex): [number, number] {
  const { minX, minY, maxX, maxY } = tileBounds(grid, tile);
  return toLonLatPinned(transformer(grid.crs, LONLAT), (minX + maxX) / 2, (minY + maxY) / 2);
}

/**
 * The lon/lat box [west, south, east, north] covering the footprints of some tiles; west > east
 * when the shortest such box crosses the antimeridian (as STAC's bbox writes it).
 */
export function lonLatBBoxOfTiles(grid: GridSpec, tiles: Iterable<TileIndex>): [number, number, number, number] | undefined {
  const longitudes: Array<[number, number]> = [];
  let south = Infinity;
  let north = -Infinity;
  for (const tile of tiles) {
    const footprint = tileFootprintLonLat(grid, tile);
    const polygons = footprint.type === 'Polygon' ? [footprint.coordinates] : footprint.coordinates;
    for (const [outer] of polygons) {
      let west = Infinity;
      let east = -Infinity;
      for (const [lon, lat] of outer!) {
        west = Math.min(west, lon!);
        east = Math.max(east, lon!);
        south = Math.min(south, lat!);
        north = Math.max(north, lat!);
      }
      longitudes.push([west, east]);
    }
  }
  if (longitudes.length === 0) return undefined;
  const [west, east] = shortestCoveringArc(longitudes);
  return [west, south, east, north];
}

/**
 * The shortest [west, east] run of longitudes containing every given interval (each within
 * [-180, 180]): the complement of the widest gap between them, counting the gap across ±180°.
 */
function shortestCoveringArc(intervals: Array<[number, number]>): [number, number] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [w, e] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && w <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([w, e]);
  }
  const first = merged[0]!;
  const last = merged[merged.length - 1]!;
  let arc: [number, number] = [first[0], last[1]];
  let widestGap = first[0] + 360 - last[1];
  for (let i = 0; i + 1 < merged.length; i++) {
    const gap = merged[i + 1]![0] - merged[i]![1];
    if (gap > widestGap) {
      widestGap = gap;
      arc = [merged[i + 1]![0], merged[i]![1]];
    }
  }
  return arc;
}
