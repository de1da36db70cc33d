/**
 * Coordinate reference systems known to the tool, by EPSG code, and fast point transformers
 * between them. Every CRS a grid, a region or a dataset may use must be registered here.
 */
import proj4 from 'proj4';
import type { CoordinateOperation, Datum } from './coordinate-operations.js';
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
/** The datum of each CRS not on WGS 84. */
const DATUMS: ReadonlyMap<string, Datum> = new Map<string, Datum>([
  ['EPSG:3577', 'GDA94'],
  ['EPSG:9473', 'GDA2020'],
]);

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
 * Built once per CRS pair and cached, since planning transforms millions of points. Between
 * datums PROJ's ballpark (a null shift) applies unless `operation` names the transformation, as
 * odc-stats' `transform_code` does; an operation that does not join the two datums is refused.
 */
export function transformer(from: string, to: string, operation?: CoordinateOperation): PointTransform {
  // Keyed by the names as given, so repeated look-ups skip normalisation.
  const key = `${from}>${to}>${operation?.code ?? ''}`;
  let transform = transformCache.get(key);
  if (transform === undefined) {
    const source = normaliseCrs(from);
    const target = normaliseCrs(to);
    if (source === target) {
      transform = (x, y) => [x, y];
    } else {
      const converter = operation ? proj4(definitionUnder(source, operation, target), definitionUnder(target, operation, source)) : proj4(source, target);
      transform = (x, y) => converter.forward([x, y]) as [number, number];
    }
    transformCache.set(key, transform);
  }
  return transform;
}

const datumOf = (crs: string): Datum => DATUMS.get(crs) ?? 'WGS84';

/** The PROJ definition of `crs` with the operation's datum shift, when `crs` is on the operation's source datum. */
function definitionUnder(crs: string, operation: CoordinateOperation, other: string): string {
  const datums = [datumOf(crs), datumOf(other)];
  if (!(datums.includes(operation.from) && datums.includes(operation.to) && operation.from !== operation.to)) {
    throw new UserError(`transform_code ${operation.code} (${operation.name}) is no coordinate operation between ${crs} (${datums[0]}) and ${other} (${datums[1]})`);
  }
  const definition = PROJ_DEFINITIONS.get(crs)!;
  return datumOf(crs) === operation.from ? definition.replace(/\+towgs84=\S+/, `+towgs84=${operation.towgs84.join(',')}`) : definition;
}
