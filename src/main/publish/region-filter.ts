import { promises as fs } from 'node:fs';
import { UserError } from '../../shared/errors.js';
import { polygonalFromGeoJSON, tilesIntersecting, type Polygonal } from '../../shared/geometry.js';
import type { GridSpec } from '../../shared/grid.js';
import type { TaskId } from '../../shared/task-id.js';

const LON_LAT_CRS_NAMES = /^(EPSG:4326|urn:ogc:def:crs:OGC:1\.3:CRS84|urn:ogc:def:crs:EPSG::4326|CRS84|OGC:CRS84)$/i;

/** The polygons of a GeoJSON file, in longitude/latitude (the only CRS GeoJSON has since RFC 7946). */
export async function readRegionFile(file: string): Promise<Polygonal> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`GeoJSON filter not found: ${file}`);
    throw e;
  }
  let geojson: unknown;
  try {
    geojson = JSON.parse(text);
  } catch {
    throw new UserError(`GeoJSON filter ${file} is not JSON`);
  }
  const crsName = (geojson as { crs?: { properties?: { name?: unknown } } }).crs?.properties?.name;
  if (typeof crsName === 'string' && !LON_LAT_CRS_NAMES.test(crsName)) {
    throw new UserError(`GeoJSON filter ${file} is in ${crsName}: give it in longitude/latitude (EPSG:4326)`);
  }
  return polygonalFromGeoJSON(geojson);
}

/** The tasks whose tiles share area with the region (lon/lat), in their order. */
export function tasksInRegion<T extends TaskId>(tasks: readonly T[], grid: GridSpec, region: Polygonal): T[] {
  const inside = new Set(tilesIntersecting(grid, region).map((t) => `${t.x},${t.y}`));
  return tasks.filter((t) => inside.has(`${t.x},${t.y}`));
}
