/**
 * Coordinate reference systems known to the tool, by EPSG code, and fast point transformers
 * between them. Every CRS a grid, a region or a dataset may use must be registered here.
 */
import proj4 from 'proj4';
import { UserError } from './errors.js';

const WGS84_LONLAT = '+proj=longlat +datum=WGS84 +no_defs';
const AUSTRALIAN_ALBERS =
  '+proj=aea +lat_0=0 +lon_0=132 +lat_1=-18 +lat_2=-36 +x_0=0 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';

function utmDefinitions(): Array<[string, string]> {
  const definitions: Array<[string, string]> = [];
  for (let zone = 1; zone <= 60; zone++) {
    const code = String(zone).padStart(2, '0');
    definitions.push([`EPSG:326${code}`, `+proj=utm +zone=${zone} +datum=WGS84 +units=m +no_defs`]);
    definitions.push([`EPSG:327${code}`, `+proj=utm +zone=${zone} +south +datum=WGS84 +units=m +no_defs`]);
  }
  return definitions;
}

const PROJ_DEFINITIONS: ReadonlyMap<string, string> = new Map([
  ['EPSG:4326', WGS84_LONLAT],
  [
    'EPSG:3857',
    '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs',
  ],
  // GDA94 / Australian Albers
  ['EPSG:3577', AUSTRALIAN_ALBERS],
  // GDA2020 / Australian Albers: the same projection; GDA2020 and GDA94 differ by under 2 m
  ['EPSG:9473', AUSTRALIAN_ALBERS],
  // WGS 84 / NSIDC EASE-Grid 2.0 Global
  ['EPSG:6933', '+proj=cea +lat_ts=30 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs'],
  ...utmDefinitions(),
]);

const GEOGRAPHIC_CRS = new Set(['EPSG:4326']);

for (const [code, definition] of PROJ_DEFINITIONS) proj4.defs(code, definition);

const SUPPORTED_CRS_TEXT =
  'EPSG:4326, EPSG:3857, EPSG:3577, EPSG:9473, EPSG:6933 and the UTM zones EPSG:32601-32660 / EPSG:32701-32760';

/** 'epsg:3577', 'EPSG:3577' or '3577' → 'EPSG:3577'; anything not registered above is refused. */
export function normaliseCrs(crs: string): string {
  const match = /^\s*(?:epsg:)?(\d+)\s*$/i.exec(crs);
  const code = match ? `EPSG:${Number(match[1])}` : undefined;
  if (code === undefined || !PROJ_DEFINITIONS.has(code)) {
    throw new UserError(`unsupported CRS '${crs}': use one of ${SUPPORTED_CRS_TEXT}`);
  }
  return code;
}

/** True for CRSs whose coordinates are longitude/latitude degrees. */
export function isGeographicCrs(crs: string): boolean {
  return GEOGRAPHIC_CRS.has(normaliseCrs(crs));
}

export type PointTransform = (x: number, y: number) => [number, number];

const transformCache = new Map<string, PointTransform>();

/**
 * A function mapping one point from `from` to `to` (x/y, longitude/latitude for EPSG:4326).
 * Built once per CRS pair and cached, since planning transforms millions of points.
 */
export function transformer(from: string, to: string): PointTransform {
  // Keyed by the names as given, so repeated look-ups skip normalisation.
  const key = `${from}>${to}`;
  let transform = transformCache.get(key);
  if (transform === undefined) {
    const source = normaliseCrs(from);
    const target = normaliseCrs(to);
    if (source === target) {
      transform = (x, y) => [x, y];
    } else {
      const converter = proj4(source, target);
      transform = (x, y) => converter.forward([x, y]) as [number, number];
    }
    transformCache.set(key, transform);
  }
  return transform;
}
