/**
 * A region to plan, read from GeoJSON as a user gives it (a file, a drawn or loaded shape): in
 * lon/lat, or in a projected CRS named by an old-style `crs` member, with every ring checked,
 * since a bad ring silently changes which tiles are planned.
 */
import { isGeographicCrs, normaliseCrs, transformer } from './crs.js';
import { UserError } from './errors.js';
import { polygonalFromLonLat, polygonsOfGeoJSON, projectPolygonal, unwrapLongitudes, type Polygonal, type Ring } from './geometry.js';

const LONLAT = 'EPSG:4326';

/** The region's polygons in lon/lat, split at the antimeridian; a UserError names what is wrong. */
export function regionFromGeoJSON(geojson: unknown): Polygonal {
  const crs = crsMemberOf(geojson);
  const projectedCrs = crs !== undefined && !isGeographicCrs(crs) ? crs : undefined;
  const polygons = polygonsOfGeoJSON(geojson);
  polygons.forEach((polygon, i) => checkPolygon(polygon, i + 1, projectedCrs === undefined));
  return polygonalFromLonLat(projectedCrs === undefined ? polygons : toLonLat(polygons, projectedCrs));
}

/**
 * The CRS of GeoJSON's 2008 `crs` member ({"type": "name", "properties": {"name": ...}}) on
 * the top-level object, or undefined when there is none (RFC 7946: lon/lat).
 */
function crsMemberOf(geojson: unknown): string | undefined {
  if (typeof geojson !== 'object' || geojson === null || !('crs' in geojson)) return undefined;
  const member = (geojson as { crs: unknown }).crs;
  if (member === null || member === undefined) return undefined;
  const name = (member as { type?: unknown; properties?: { name?: unknown } }).properties?.name;
  if ((member as { type?: unknown }).type !== 'name' || typeof name !== 'string') {
    throw new UserError(`region: unreadable crs member ${JSON.stringify(member).slice(0, 80)}: expected {"type": "name", "properties": {"name": "EPSG:32737"}}`);
  }
  if (/(^|:)CRS84$/i.test(name)) return LONLAT;
  // EPSG:32737, urn:ogc:def:crs:EPSG::32737, urn:ogc:def:crs:EPSG:6.6:32737, http://www.opengis.net/def/crs/EPSG/0/32737
  const code = /EPSG(?::[\d.]*)?:(\d+)$/i.exec(name) ?? /\/EPSG\/[\d.]+\/(\d+)$/i.exec(name);
  if (code === null) throw new UserError(`region: unknown crs '${name}': name it as EPSG:CODE`);
  try {
    return normaliseCrs(`EPSG:${code[1]!}`);
  } catch (e) {
    throw e instanceof UserError ? new UserError(`region: ${e.message}`) : e;
  }
}

function toLonLat(polygons: Polygonal, crs: string): Polygonal {
  const project = transformer(crs, LONLAT);
  polygons.forEach((polygon, p) => {
    for (const ring of polygon) {
      for (const [x, y] of ring) {
        const [lon, lat] = project(x, y);
        if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
          throw new UserError(`region: position [${x}, ${y}] of polygon ${p + 1} lies outside where ${crs} is defined`);
        }
      }
    }
  });
  return projectPolygonal(polygons, crs, LONLAT);
}

/** Refuses rings that enclose no area or cross themselves: both make the region's tiles wrong. */
function checkPolygon(polygon: Ring[], number: number, geographic: boolean): void {
  for (const [r, written] of polygon.entries()) {
    const which = r === 0 ? `polygon ${number}` : `hole ${r} of polygon ${number}`;
    const ring = geographic ? unwrapLongitudes(written) : written;
    const points = distinctConsecutive(ring);
    if (new Set(points.map(([x, y]) => `${x},${y}`)).size < 3) {
      throw new UserError(`region: ${which} has fewer than 3 distinct corners`);
    }
    const crossing = selfIntersection(points);
    if (crossing !== undefined) {
      throw new UserError(`region: ${which} crosses itself near [${round(crossing[0])}, ${round(crossing[1])}]; redraw it without a loop or bow-tie`);
    }
    if (ringArea(points) === 0) throw new UserError(`region: ${which} encloses no area (its corners lie on one line)`);
  }
}

/** The ring's corners without the closing point and without repeats of the previous corner. */
function distinctConsecutive(ring: Ring): Ring {
  const points: Ring = [];
  for (const p of ring) {
    const previous = points[points.length - 1];
    if (previous === undefined || previous[0] !== p[0] || previous[1] !== p[1]) points.push(p);
  }
  const first = points[0];
  const last = points[points.length - 1];
  if (points.length > 1 && first![0] === last![0] && first![1] === last![1]) points.pop();
  return points;
}

function ringArea(points: Ring): number {
  let twice = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    twice += points[j]![0] * points[i]![1] - points[i]![0] * points[j]![1];
  }
  return Math.abs(twice / 2);
}

/**
 * A point where two edges of a closed ring (corners without the closing point) that are not
 * neighbours meet, or undefined. Edges are swept by their west ends, so only edges whose x
 * ranges overlap are compared.
 */
function selfIntersection(points: Ring): [number, number] | undefined {
  const n = points.length;
  const edges = points.map((a, i) => {
    const b = points[(i + 1) % n]!;
    return { i, a, b, minX: Math.min(a[0], b[0]), maxX: Math.max(a[0], b[0]) };
  });
  edges.sort((e, f) => e.minX - f.minX);
  for (let k = 0; k < n; k++) {
    const e = edges[k]!;
    for (let m = k + 1; m < n && edges[m]!.minX <= e.maxX; m++) {
      const f = edges[m]!;
      const gap = Math.abs(e.i - f.i);
      if (gap === 1 || gap === n - 1) continue;
      const meeting = segmentsMeet(e.a, e.b, f.a, f.b);
      if (meeting !== undefined) return meeting;
    }
  }
  return undefined;
}

function cross(o: [number, number], a: [number, number], b: [number, number]): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function onSegment(p: [number, number], a: [number, number], b: [number, number]): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

/** A point the closed segments ab and cd share, or undefined. */
function segmentsMeet(a: [number, number], b: [number, number], c: [number, number], d: [number, number]): [number, number] | undefined {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    const t = d1 / (d1 - d2);
    return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  }
  if (d1 === 0 && onSegment(a, c, d)) return a;
  if (d2 === 0 && onSegment(b, c, d)) return b;
  if (d3 === 0 && onSegment(c, a, b)) return c;
  if (d4 === 0 && onSegment(d, a, b)) return d;
  return undefined;
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
