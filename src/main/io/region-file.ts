import { promises as fs } from 'node:fs';
import { UserError } from '../../shared/errors.js';
import type { Polygonal } from '../../shared/geometry.js';
import { regionFromGeoJSON } from '../../shared/region.js';

/**
 * The region of a GeoJSON file in lon/lat (a `crs` member reprojects it), checked as every
 * region is; `label` names the file's role in errors ("region file", "GeoJSON filter").
 */
export async function readRegionFile(file: string, label: string): Promise<Polygonal> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`${label} not found: ${file}`);
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(`${label} ${file} is not valid GeoJSON (JSON syntax error)`);
  }
  return regionFromGeoJSON(json);
}
