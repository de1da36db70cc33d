/**
 * The STAC item of a finished task: STAC 1.0 with the projection and raster extensions, the
 * odc-stats properties (odc/stats/model.py `Task.render_metadata`) and its deterministic id.
 */
import { createHash } from 'node:crypto';
import type { Affine } from '../../shared/geobox.js';
import type { LonLatFootprint } from '../../shared/geometry.js';
import type { Period } from '../../shared/daterange.js';
import { regionCode, tileGeobox, type GridSpec } from '../../shared/grid.js';
import type { OutputProduct } from '../../shared/run-config.js';
import type { Position, StacAsset, StacGeometry, StacItem, StacLink } from '../../shared/stac.js';
import type { TaskId } from '../../shared/task-id.js';
import type { SampleType } from '../raster.js';

const STAC_VERSION = '1.0.0';
const PROJECTION_EXTENSION = 'https://stac-extensions.github.io/projection/v1.1.0/schema.json';
const RASTER_EXTENSION = 'https://stac-extensions.github.io/raster/v1.1.0/schema.json';

const COG_MEDIA_TYPE = 'image/tiff; application=geotiff; profile=cloud-optimized';
const JSON_MEDIA_TYPE = 'application/json';

/** odc-stats' namespace for the UUIDs of derived datasets (`ODC_NS` in model.py). */
const ODC_NAMESPACE = '6f34c6f4-13d6-43c0-8e4e-42b6c13203af';

type StacItemProduct = Pick<OutputProduct, 'name' | 'version' | 'productFamily' | 'regionCodeFormat' | 'properties'> &
  Partial<Pick<OutputProduct, 'href'>>;

export interface OutputBand {
  name: string;
  dtype: SampleType;
  nodata: number | null;
  /** The file name, relative to the item. */
  href: string;
  /** Rows, columns. */
  shape: readonly [number, number];
  transform: Affine;
}

interface InputDataset {
  id: string;
  collection: string;
  /** The input's own STAC item, linked as `derived_from` when known. */
  href?: string;
}

export interface StacItemRequest {
  product: StacItemProduct;
  task: TaskId;
  period: Period;
  grid: GridSpec;
  bands: readonly OutputBand[];
  inputs: readonly InputDataset[];
  footprintLonLat: LonLatFootprint;
  /** Properties of this task only; the product's own come from `product.properties`. */
  properties?: Record<string, unknown>;
  /** When the outputs were computed, as an ISO 8601 time. */
  created: string;
  /** Relative href of the RGBA quicklook COG. */
  quicklookHref?: string;
  /** Relative href of the preview image (JPEG or PNG). */
  previewHref?: string;
  /** Absolute URL of the item itself. */
  selfHref?: string;
  /** Absolute URL of the product's STAC collection; sets the item's `collection`. */
  collectionHref?: string;
}

/** The RFC 4122 version-5 (SHA-1) UUID of `name` in `namespace`. */
export function uuid5(namespace: string, name: string): string {
  const digest = createHash('sha1').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of a task's output: odc-stats' `odc_uuid` of the product name and version, the
 * period, the tile and the sorted input ids, so that it equals the UUID odc-stats gives the
 * same task over the same input datasets. The same inputs in any order give the same id.
 */
export function outputItemId(
  product: Pick<OutputProduct, 'name' | 'version'>,
  task: TaskId,
  inputIds: readonly string[],
): string {
  const sources = [...new Set(inputIds.map((id) => id.toLowerCase()))].sort();
  // The tags as Python writes `time=…` and `tile=(x, y)`; the empty line is odc_uuid's deployment id.
  const tags = [`time=${task.period}`, `tile=(${task.x}, ${task.y})`].sort();
  const lines = [product.name, product.version, '', ...tags, ...sources];
  return uuid5(ODC_NAMESPACE, lines.map((line) => line.toLowerCase()).join('\n'));
}

export function isoSeconds(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The last microsecond of a period that ends at `end`, as odc-stats (from pandas) writes period ends. */
export function isoLastMicrosecondBefore(end: number): string {
  return new Date(end - 1).toISOString().replace(/Z$/, '999Z');
}

function lonLatGeometry(footprint: LonLatFootprint): StacGeometry {
  const position = (p: number[]): Position => [p[0]!, p[1]!];
  if (footprint.type === 'Polygon') {
    return { type: 'Polygon', coordinates: footprint.coordinates.map((ring) => ring.map(position)) };
  }
  return {
    type: 'MultiPolygon',
    coordinates: footprint.coordinates.map((polygon) => polygon.map((ring) => ring.map(position))),
  };
}

function bboxOf(geometry: StacGeometry): [number, number, number, number] {
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  const positions = rings.flat();
  const lons = positions.map((p) => p[0]);
  const lats = positions.map((p) => p[1]);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

function epsgCode(crs: string): number | null {
  const match = /^EPSG:(\d+)$/i.exec(crs);
  return match ? Number(match[1]) : null;
}

function projTransform(affine: Affine): number[] {
  return [...affine, 0, 0, 1];
}

/** The raster extension writes non-finite nodata values as text. */
function rasterNodata(nodata: number): number | string {
  if (Number.isNaN(nodata)) return 'nan';
  if (nodata === Infinity) return 'inf';
  if (nodata === -Infinity) return '-inf';
  return nodata;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function mediaTypeOfImage(href: string): string {
  return /\.png$/i.test(href) ? 'image/png' : 'image/jpeg';
}

/**
 * The STAC item of one task's outputs. Asset hrefs are as given (relative file names), so the
 * item stays valid wherever the folder is copied; `self` is absolute, as STAC asks.
 * `datetime` is the period's start and `end_datetime` its last microsecond, as in odc-stats.
 * The item-level projection is the tile's; a band on another pixel grid carries its own.
 */
export function renderStacItem(request: StacItemRequest): StacItem {
  const { product, task, period } = request;
  if (period.label !== task.period) {
    throw new Error(`renderStacItem: period ${period.label} is not the task's period ${task.period}`);
  }
  const createdTime = Date.parse(request.created);
  if (Number.isNaN(createdTime)) throw new Error(`renderStacItem: created '${request.created}' is not a time`);
  const geobox = tileGeobox(request.grid, task);
  const tile: TileProjection = { shape: [geobox.height, geobox.width], transform: projTransform(geobox.affine) };
  const inputIds = [...new Set(request.inputs.map((input) => input.id))].sort();
  const geometry = lonLatGeometry(request.footprintLonLat);
  const assets = itemAssets(request, tile);
  const links = itemLinks(request);
  return {
    type: 'Feature',
    stac_version: STAC_VERSION,
    stac_extensions: [PROJECTION_EXTENSION, RASTER_EXTENSION],
    id: outputItemId(product, task, inputIds),
    ...(request.collectionHref === undefined ? {} : { collection: product.name }),
    geometry,
    bbox: bboxOf(geometry),
    properties: itemProperties(request, tile, inputIds, isoSeconds(createdTime)),
    assets,
    links,
  };
}

/** The tile's pixel grid: rows and columns, and the 3 × 3 affine transform row by row. */
interface TileProjection {
  shape: number[];
  transform: number[];
}

function itemProperties(request: StacItemRequest, tile: TileProjection, inputIds: string[], created: string): Record<string, unknown> {
  const { product, task, period } = request;
  return {
    ...product.properties,
    ...request.properties,
    datetime: isoSeconds(period.start),
    start_datetime: isoSeconds(period.start),
    end_datetime: isoLastMicrosecondBefore(period.end),
    created,
    'odc:processing_datetime': created,
    'odc:product': product.name,
    'odc:product_family': product.productFamily,
    'odc:dataset_version': product.version,
    'odc:region_code': regionCode(task, product.regionCodeFormat),
    'proj:epsg': epsgCode(request.grid.crs),
    'proj:shape': tile.shape,
    'proj:transform': tile.transform,
    'odc:lineage': { inputs: inputIds },
  };
}

/** One asset per band, then the quicklook and the preview; a band off the tile's pixel grid carries its own. */
function itemAssets(request: StacItemRequest, tile: TileProjection): Record<string, StacAsset> {
  const assets: Record<string, StacAsset> = {};
  const addAsset = (key: string, asset: StacAsset) => {
    if (key in assets) throw new Error(`renderStacItem: two assets named '${key}'`);
    assets[key] = asset;
  };
  for (const band of request.bands) addAsset(band.name, bandAsset(band, tile));
  if (request.quicklookHref !== undefined) {
    addAsset('quicklook', { href: request.quicklookHref, type: COG_MEDIA_TYPE, roles: ['overview'], title: 'RGBA quicklook' });
  }
  if (request.previewHref !== undefined) {
    addAsset('thumbnail', {
      href: request.previewHref,
      type: mediaTypeOfImage(request.previewHref),
      roles: ['thumbnail'],
      title: 'Preview',
    });
  }
  return assets;
}

function bandAsset(band: OutputBand, tile: TileProjection): StacAsset {
  const shape = [...band.shape];
  const transform = projTransform(band.transform);
  return {
    href: band.href,
    type: COG_MEDIA_TYPE,
    roles: ['data'],
    title: band.name,
    ...(sameNumbers(shape, tile.shape) ? {} : { 'proj:shape': shape }),
    ...(sameNumbers(transform, tile.transform) ? {} : { 'proj:transform': transform }),
    'raster:bands': [{ data_type: band.dtype, ...(band.nodata === null ? {} : { nodata: rasterNodata(band.nodata) }) }],
  };
}

/** `self`, the collection, the product, and the inputs (`derived_from`) sorted by id. */
function itemLinks(request: StacItemRequest): StacLink[] {
  const links: StacLink[] = [];
  if (request.selfHref !== undefined) links.push({ rel: 'self', href: request.selfHref, type: JSON_MEDIA_TYPE });
  if (request.collectionHref !== undefined) {
    links.push({ rel: 'collection', href: request.collectionHref, type: JSON_MEDIA_TYPE });
  }
  if (request.product.href !== undefined) links.push({ rel: 'product_overview', href: request.product.href, type: JSON_MEDIA_TYPE });
  for (const input of [...request.inputs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (input.href === undefined) continue;
    links.push({ rel: 'derived_from', href: input.href, type: 'application/geo+json', title: input.id });
  }
  return links;
}
