/**
 * A dataset of an odc-dscache file — `{product, uris, metadata}` with metadata a datacube EO3
 * document — as the STAC item this application's tasks carry: measurements become assets
 * (paths resolved against the dataset's first URI), properties are kept, and the footprint in
 * longitude/latitude comes from the document's geometry, else its default grid, else its
 * longitude/latitude extent.
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { UserError } from '../../shared/errors.js';
import { polygonalBBox, polygonalFromLonLat, polygonsOfGeoJSON, projectPolygonal, type Polygonal } from '../../shared/geometry.js';
import type { StacAsset, StacItem } from '../../shared/stac.js';

const measurementSchema = z.looseObject({
  path: z.string().min(1),
  band: z.number().int().optional(),
  layer: z.unknown().optional(),
});

const eo3Schema = z.looseObject({
  crs: z.string().optional(),
  geometry: z.looseObject({ type: z.string() }).nullish(),
  grids: z.record(z.string(), z.looseObject({ shape: z.array(z.number()).length(2), transform: z.array(z.number()).min(6) })).optional(),
  extent: z
    .looseObject({
      lat: z.object({ begin: z.number(), end: z.number() }),
      lon: z.object({ begin: z.number(), end: z.number() }),
    })
    .optional(),
  properties: z.looseObject({ datetime: z.string() }),
  measurements: z.record(z.string(), measurementSchema),
});

const recordSchema = z.looseObject({
  product: z.string(),
  uris: z.array(z.string()).nullish(),
  metadata: z.looseObject({}),
});

export interface DscacheDataset {
  item: StacItem;
  /** UTC epoch milliseconds of `properties.datetime`. */
  time: number;
}

/** The dataset of id `id` from its decoded odc-dscache record; a one-line UserError for what it cannot read. */
export function dscacheDataset(id: string, record: unknown): DscacheDataset {
  const parsedRecord = recordSchema.safeParse(record);
  if (!parsedRecord.success) throw new UserError(`odc-dscache dataset ${id}: not a {product, uris, metadata} record`);
  const { product, uris, metadata } = parsedRecord.data;
  const parsed = eo3Schema.safeParse(metadata);
  if (!parsed.success) throw notEo3(id, product);
  const doc = parsed.data;
  const uri = uris?.[0];
  const assets: Record<string, StacAsset> = {};
  for (const [name, measurement] of Object.entries(doc.measurements)) {
    if ((measurement.band !== undefined && measurement.band !== 1) || measurement.layer !== undefined) {
      throw new UserError(`odc-dscache dataset ${id} of ${product}: measurement ${name} is a band or layer inside a multi-band file, which this version does not read`);
    }
    assets[name] = { href: resolveHref(measurement.path, uri, id), type: 'image/tiff; application=geotiff', roles: ['data'] };
  }
  const time = parseDatasetTime(doc.properties.datetime, id);
  const footprint = lonLatFootprint(doc, id);
  const { minX, minY, maxX, maxY } = polygonalBBox(footprint);
  const item: StacItem = {
    type: 'Feature',
    stac_version: '1.0.0',
    id,
    collection: product,
    geometry: footprint.length === 1 ? { type: 'Polygon', coordinates: footprint[0]! } : { type: 'MultiPolygon', coordinates: footprint },
    bbox: [minX, minY, maxX, maxY],
    properties: { ...doc.properties, datetime: new Date(time).toISOString() },
    assets,
    links: [],
  };
  return { item, time };
}

/** Only the time of a dataset record: enough to count a task's days without converting its datasets. */
export function dscacheDatasetTime(id: string, record: unknown): number {
  const { product, metadata } = (record ?? {}) as { product?: unknown; metadata?: { properties?: { datetime?: unknown } } };
  const datetime = metadata?.properties?.datetime;
  if (typeof datetime !== 'string') throw notEo3(id, String(product));
  return parseDatasetTime(datetime, id);
}

function notEo3(id: string, product: string): UserError {
  return new UserError(`odc-dscache dataset ${id} of ${product}: not an EO3 document with properties.datetime and measurements (legacy 'eo' documents are not read)`);
}

function resolveHref(measurementPath: string, uri: string | undefined, id: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(measurementPath)) return measurementPath;
  if (uri === undefined) throw new UserError(`odc-dscache dataset ${id}: measurement path '${measurementPath}' is relative but the dataset has no URI`);
  const base = /^[a-z][a-z0-9+.-]*:/i.test(uri) ? uri : pathToFileURL(uri).href;
  return new URL(measurementPath, base).href;
}

/** datacube writes naive datetimes meaning UTC, with a space or a T. */
function parseDatasetTime(text: string, id: string): number {
  const iso = text.trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(iso) ? iso : `${iso}Z`;
  const time = Date.parse(zoned);
  if (Number.isNaN(time)) throw new UserError(`odc-dscache dataset ${id}: properties.datetime '${text}' is not a date and time`);
  return time;
}

function lonLatFootprint(doc: z.infer<typeof eo3Schema>, id: string): Polygonal {
  const grid = doc.grids?.['default'];
  if (doc.crs !== undefined && (doc.geometry || grid)) {
    const polygons = doc.geometry ? polygonsOfGeoJSON(doc.geometry) : [[gridRing(grid!.shape, grid!.transform)]];
    return polygonalFromLonLat(projectPolygonal(polygons, doc.crs, 'EPSG:4326'));
  }
  if (doc.extent) {
    const { lon, lat } = doc.extent;
    return [[[[lon.begin, lat.begin], [lon.end, lat.begin], [lon.end, lat.end], [lon.begin, lat.end], [lon.begin, lat.begin]]]];
  }
  throw new UserError(`odc-dscache dataset ${id}: no footprint (needs crs with geometry or grids.default, or extent)`);
}

/** The outline of a grid of `shape` [rows, columns] under the affine `transform` [a, b, c, d, e, f]. */
function gridRing(shape: number[], transform: number[]): Array<[number, number]> {
  const [rows = 0, columns = 0] = shape;
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = transform;
  const at = (col: number, row: number): [number, number] => [a * col + b * row + c, d * col + e * row + f];
  return [at(0, 0), at(0, rows), at(columns, rows), at(columns, 0), at(0, 0)];
}
