/** Shapes drawn on the map, as GeoJSON polygons in lon/lat. */
import type { Polygonal } from '../../shared/geometry.js';
import { regionFromGeoJSON } from '../../shared/region.js';
import type { RegionFeature } from '../stores/workspace-store.js';

export type LonLat = [number, number];

export function rectanglePolygon(a: LonLat, b: LonLat): number[][][] {
  const [w, e] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
  const [s, n] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
  return [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ];
}

export function regionFeature(id: string, name: string, coordinates: number[][][]): RegionFeature {
  return { type: 'Feature', properties: { id, name }, geometry: { type: 'Polygon', coordinates } };
}

/**
 * Regions from a GeoJSON text a user loads: its Polygons and MultiPolygons (of a geometry,
 * Feature or FeatureCollection), one region each, checked as the planner checks a region. A
 * file in a projected CRS (an old-style `crs` member) becomes one region, reprojected to
 * lon/lat. Throws an Error with one readable sentence otherwise.
 */
export function regionsFromGeoJSONText(text: string, name: string, newId: () => string): RegionFeature[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${name} is not GeoJSON (it is not valid JSON).`);
  }
  let lonLat: Polygonal;
  try {
    lonLat = regionFromGeoJSON(value);
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`);
  }
  const region = (geometry: RegionFeature['geometry'], label: string): RegionFeature => ({ type: 'Feature', properties: { id: newId(), name: label }, geometry });
  if (typeof value === 'object' && value !== null && 'crs' in value && value.crs) {
    return [region({ type: 'MultiPolygon', coordinates: lonLat }, name)];
  }
  const geometries: Array<RegionFeature['geometry']> = [];
  const visit = (g: unknown): void => {
    if (typeof g !== 'object' || g === null) return;
    const o = g as { type?: string; features?: unknown[]; geometry?: unknown; geometries?: unknown[]; coordinates?: unknown };
    if (o.type === 'FeatureCollection') o.features?.forEach(visit);
    else if (o.type === 'Feature') visit(o.geometry);
    else if (o.type === 'GeometryCollection') o.geometries?.forEach(visit);
    else if (o.type === 'Polygon' || o.type === 'MultiPolygon') geometries.push(o as RegionFeature['geometry']);
  };
  visit(value);
  return geometries.map((geometry, i) => region(geometry, geometries.length > 1 ? `${name} ${i + 1}` : name));
}

/** Where a vertex is in a region's geometry: polygon (0 for a Polygon), ring, vertex. */
export interface VertexPath {
  polygon: number;
  ring: number;
  vertex: number;
}

function polygonsOf(geometry: RegionFeature['geometry']): number[][][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Every vertex of the regions as a point, the closing repeat of each ring left out, for edit handles. */
export function regionVertices(regions: RegionFeature[]): Array<{ type: 'Feature'; properties: VertexPath & { id: string }; geometry: { type: 'Point'; coordinates: number[] } }> {
  const out: ReturnType<typeof regionVertices> = [];
  for (const region of regions) {
    polygonsOf(region.geometry).forEach((rings, polygon) =>
      rings.forEach((ring, r) =>
        ring.slice(0, -1).forEach((position, vertex) =>
          out.push({ type: 'Feature', properties: { id: region.properties.id, polygon, ring: r, vertex }, geometry: { type: 'Point', coordinates: position } }),
        ),
      ),
    );
  }
  return out;
}

/** The geometry with one vertex moved; moving the first vertex moves the ring's closing repeat too. */
export function moveVertex(geometry: RegionFeature['geometry'], at: VertexPath, to: LonLat): RegionFeature['geometry'] {
  const polygons = polygonsOf(geometry).map((rings, p) =>
    rings.map((ring, r) => {
      if (p !== at.polygon || r !== at.ring) return ring;
      const moved = ring.map((position) => [...position]);
      moved[at.vertex] = [...to];
      if (at.vertex === 0) moved[moved.length - 1] = [...to];
      return moved;
    }),
  );
  return geometry.type === 'Polygon' ? { type: 'Polygon', coordinates: polygons[0]! } : { type: 'MultiPolygon', coordinates: polygons };
}

type ToScreen = (p: LonLat) => { x: number; y: number };

/** Whether two points are within `tolerancePx` screen pixels of each other: one corner clicked or keyed twice. */
export function onSameSpot(a: LonLat, b: LonLat, toScreen: ToScreen, tolerancePx = 4): boolean {
  const [p, q] = [toScreen(a), toScreen(b)];
  return Math.hypot(p.x - q.x, p.y - q.y) <= tolerancePx;
}

/**
 * The corners clicked for a polygon without the repeats a double-click adds (a corner within
 * `tolerancePx` screen pixels of the one before) and without a last corner on the first one
 * (a click that closes the ring): either would put a vertex twice in the region.
 */
export function polygonCorners(clicked: readonly LonLat[], toScreen: ToScreen, tolerancePx = 4): LonLat[] {
  const near = (a: LonLat, b: LonLat) => onSameSpot(a, b, toScreen, tolerancePx);
  const corners: LonLat[] = [];
  for (const point of clicked) {
    const previous = corners[corners.length - 1];
    if (previous === undefined || !near(previous, point)) corners.push(point);
  }
  while (corners.length > 1 && near(corners[0]!, corners[corners.length - 1]!)) corners.pop();
  return corners;
}

/**
 * Why the planner would refuse a region's geometry ("it crosses itself near [36.9, -1.3];
 * redraw it without a loop or bow-tie"), or null when it would take it.
 */
export function regionProblem(geometry: RegionFeature['geometry']): string | null {
  try {
    regionFromGeoJSON(geometry);
    return null;
  } catch (e) {
    const message = (e as Error).message.replace(/^region:\s*/, '');
    return geometry.type === 'Polygon' ? message.replace(/^polygon 1 /, 'it ') : message;
  }
}
