/** A region's area, extent and label point, for its label on the map, the regions list and zooming to it. */
import { projectPolygonal, unwrapLongitudes, type Polygonal, type Ring } from '../../shared/geometry.js';
import { regionFromGeoJSON } from '../../shared/region.js';
import type { RegionFeature } from '../stores/workspace-store.js';

type RegionGeometry = RegionFeature['geometry'];

function polygonsOf(geometry: RegionGeometry): number[][][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

function shoelace(ring: Ring): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) twice += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
  return twice / 2;
}

/**
 * The region's area on the WGS 84 ellipsoid in km², holes left out: measured in EPSG:6933, an
 * equal-area projection, after regionFromGeoJSON has checked the rings and split them at the
 * antimeridian. Null for a region the planner would refuse (a ring crossing itself, say).
 */
export function regionAreaKm2(geometry: RegionGeometry): number | null {
  let lonLat: Polygonal;
  try {
    lonLat = regionFromGeoJSON(geometry);
  } catch {
    return null;
  }
  let area = 0;
  for (const [outer, ...holes] of projectPolygonal(lonLat, 'EPSG:4326', 'EPSG:6933', 0.05)) {
    area += Math.abs(shoelace(outer!)) - holes.reduce((sum, hole) => sum + Math.abs(shoelace(hole)), 0);
  }
  return area / 1e6;
}

/** "0.42 km²", "12.5 km²", "1,234 km²". */
export function formatArea(km2: number): string {
  const digits = km2 < 1 ? 2 : km2 < 100 ? 1 : 0;
  return `${km2.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })} km²`;
}

/**
 * The lon/lat box [west, south, east, north] of a region, each ring taken as continuous across
 * the antimeridian (east may then pass 180°, as maplibre's fitBounds takes it).
 */
export function regionBounds(geometry: RegionGeometry): [number, number, number, number] | null {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of polygonsOf(geometry)) {
    const outer = polygon[0];
    if (!outer || outer.length === 0) continue;
    for (const [lon, lat] of unwrapLongitudes(outer as Ring)) {
      w = Math.min(w, lon);
      e = Math.max(e, lon);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  }
  return Number.isFinite(w) ? [w, s, e, n] : null;
}

/** Where a region's label goes: the centroid of its largest polygon's outer ring (its box's centre when that ring has no area). */
export function regionLabelPoint(geometry: RegionGeometry): [number, number] | null {
  let best: { area: number; ring: Ring } | undefined;
  for (const polygon of polygonsOf(geometry)) {
    const outer = polygon[0];
    if (!outer || outer.length < 3) continue;
    const ring = unwrapLongitudes(outer as Ring);
    const area = Math.abs(shoelace(ring));
    if (!best || area > best.area) best = { area, ring };
  }
  if (!best) return null;
  const signed = shoelace(best.ring);
  let [cx, cy] = [0, 0];
  if (signed !== 0) {
    const { ring } = best;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const f = ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
      cx += (ring[j]![0] + ring[i]![0]) * f;
      cy += (ring[j]![1] + ring[i]![1]) * f;
    }
    [cx, cy] = [cx / (6 * signed), cy / (6 * signed)];
  } else {
    const xs = best.ring.map((p) => p[0]);
    const ys = best.ring.map((p) => p[1]);
    [cx, cy] = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  }
  return [((((cx + 180) % 360) + 360) % 360) - 180, cy];
}
