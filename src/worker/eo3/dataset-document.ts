/**
 * The EO3 dataset document of a task's outputs (`.odc-metadata.yaml`), as odc-stats writes it
 * through eodatasets3 with `apply_eodatasets3` (odc/stats/model.py
 * `Task.render_assembler_metadata`, odc/stats/io.py `dump_with_eodatasets3`), so that datacube
 * can index the outputs and Explorer show them. The schema is eodatasets3's
 * `dataset.schema.yaml` (https://schemas.opendatacube.org/dataset).
 *
 * `eo:platform` and `eo:instrument` are the inputs' platforms joined by `,` and instruments by
 * `_`, each sorted and once, as odc-stats sets them; the other properties eodatasets3 inherits
 * from the inputs are inherited-properties.ts's. The lineage lists each input, and for a fused
 * input each dataset it was fused from, as odc-stats notes a fusion's sources.
 */
import type { Period } from '../../shared/daterange.js';
import { pixelToWorld, type GeoBox } from '../../shared/geobox.js';
import { regionCode } from '../../shared/grid.js';
import { taskFilePrefix, type ProductNaming } from '../../shared/output-layout.js';
import type { Eo3Packaging, OutputProduct } from '../../shared/run-config.js';
import type { TaskId } from '../../shared/task-id.js';
import type { TaskDatasetRef } from '../../shared/task-messages.js';
import { isoLastMicrosecondBefore, isoSeconds, uuid5 } from '../output/stac-item.js';
import { inheritedProperties } from './inherited-properties.js';

const EO3_SCHEMA = 'https://schemas.opendatacube.org/dataset';
/** RFC 4122's namespace for URLs, which Python's `uuid.NAMESPACE_URL` names too. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Eo3Product = OutputProduct & { eo3: Eo3Packaging };

interface Eo3Grid {
  shape: [number, number];
  transform: number[];
}

export interface Eo3Dataset {
  $schema: string;
  id: string;
  label: string;
  product: { name: string; href: string };
  crs: string;
  geometry: { type: 'Polygon'; coordinates: number[][][] };
  grids: { default: Eo3Grid };
  properties: Record<string, unknown>;
  measurements: Record<string, { path: string }>;
  accessories: Record<string, { path: string }>;
  lineage: Record<string, string[]>;
}

/** A dataset of a task, as its document names it in the lineage and inherits from it. */
export type Eo3Input = Pick<TaskDatasetRef, 'id' | 'collection' | 'platform' | 'instruments' | 'properties' | 'sources'>;

export interface Eo3DocumentRequest {
  /** The dataset's id: the task's STAC item's id, so both documents name one dataset. */
  id: string;
  product: Eo3Product;
  task: TaskId;
  period: Period;
  tile: GeoBox;
  /** Band name → its COG's file name, in the plugin's order. */
  measurements: ReadonlyArray<readonly [string, string]>;
  /** In the task's order, which decides which input's value of a property is inherited. */
  inputs: readonly Eo3Input[];
  /** File names of the accessories written beside the document. */
  accessories: { checksum: string; processor: string; thumbnail?: string };
  /** When the task was computed (ISO 8601). */
  processed: string;
}

/** The EO3 document's file name: the task's prefix and `.odc-metadata.yaml`. */
export function odcMetadataFileName(product: ProductNaming, task: TaskId): string {
  return `${taskFilePrefix(product, task)}.odc-metadata.yaml`;
}

/** The processing record's file name: the task's prefix and `.proc-info.yaml`. */
export function procInfoFileName(product: ProductNaming, task: TaskId): string {
  return `${taskFilePrefix(product, task)}.proc-info.yaml`;
}

/**
 * The id an input dataset has in the lineage. datacube wants UUIDs, as DEA's STAC items' ids
 * are (then taken as they are, in lower case); any other item id is turned into the UUID 5 of
 * `{collection}/{id}` in the URL namespace, the same for the same item whatever the run.
 */
export function lineageId(input: { id: string; collection: string }): string {
  return UUID_PATTERN.test(input.id) ? input.id.toLowerCase() : uuid5(URL_NAMESPACE, `${input.collection}/${input.id}`);
}

/**
 * The label of eodatasets3's `dea_c3` naming for derived products: product name, region code,
 * the period's first day and the maturity (left out where the product has none).
 */
export function datasetLabel(product: Pick<OutputProduct, 'name' | 'regionCodeFormat' | 'maturity'>, task: TaskId, period: Period): string {
  const parts = [product.name, regionCode(task, product.regionCodeFormat), new Date(period.start).toISOString().slice(0, 10)];
  if (product.maturity !== undefined) parts.push(product.maturity);
  return parts.join('_');
}

export function renderDatasetDocument(request: Eo3DocumentRequest): Eo3Dataset {
  const { product, task, period, tile } = request;
  const start = isoSeconds(period.start);
  const properties: Record<string, unknown> = {
    ...inheritedProperties(request.inputs, product.eo3.inheritSkipProperties),
    ...product.properties,
    datetime: start,
    'dtr:start_datetime': start,
    'dtr:end_datetime': isoLastMicrosecondBefore(period.end),
    'odc:processing_datetime': request.processed,
    'odc:product': product.name,
    'odc:dataset_version': product.version,
    'odc:region_code': regionCode(task, product.regionCodeFormat),
    'odc:collection_number': product.eo3.collectionNumber,
    ...(product.maturity !== undefined && { 'dea:dataset_maturity': product.maturity }),
  };
  const platforms = sortedOnce(request.inputs.flatMap((input) => (input.platform ? [input.platform] : [])));
  const instruments = sortedOnce(request.inputs.flatMap((input) => input.instruments ?? []));
  if (platforms.length > 0) properties['eo:platform'] = platforms.join(',');
  if (instruments.length > 0) properties['eo:instrument'] = instruments.join('_');
  const accessories: Record<string, { path: string }> = {
    'checksum:sha1': { path: request.accessories.checksum },
    'metadata:processor': { path: request.accessories.processor },
  };
  if (request.accessories.thumbnail !== undefined) accessories.thumbnail = { path: request.accessories.thumbnail };
  return {
    $schema: EO3_SCHEMA,
    id: request.id,
    label: datasetLabel(product, task, period),
    product: { name: product.name, href: product.href },
    crs: eo3Crs(tile.crs),
    geometry: tilePolygon(tile),
    grids: { default: { shape: [tile.height, tile.width], transform: [...tile.affine, 0, 0, 1] } },
    properties: sortedByKey(properties),
    measurements: Object.fromEntries(request.measurements.map(([band, file]) => [band, { path: file }])),
    accessories,
    lineage: { [product.eo3.classifier]: sortedOnce(request.inputs.flatMap((input) => (input.sources ?? [input]).map(lineageId))) },
  };
}

/** An EPSG code in eodatasets3's lower-case form (`epsg:3577`); any other CRS text as it is. */
function eo3Crs(crs: string): string {
  const match = /^EPSG:(\d+)$/i.exec(crs);
  return match ? `epsg:${match[1]}` : crs;
}

/** The tile's outline in its CRS, as eodatasets3 writes a grid's extent: top left, bottom left, bottom right, top right, closed. */
function tilePolygon(tile: GeoBox): Eo3Dataset['geometry'] {
  const corners = [
    [0, 0],
    [0, tile.height],
    [tile.width, tile.height],
    [tile.width, 0],
    [0, 0],
  ].map(([col, row]) => pixelToWorld(tile.affine, col!, row!));
  return { type: 'Polygon', coordinates: [corners] };
}

function sortedByKey(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const sortedOnce = (values: readonly string[]): string[] => [...new Set(values)].sort();
