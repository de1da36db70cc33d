import { UserError } from '../../shared/errors.js';
import { stacCatalogSchema, stacItemCollectionSchema, stacItemSchema, type StacItem, type StacLink } from '../../shared/stac.js';
import { readLines, readText, resolveHref, type ReadOptions } from '../io/uri.js';
import {
  isJsonObject,
  itemName,
  missingCollectionError,
  readStac,
  type Catalog,
  type CatalogQuery,
  type JsonObject,
} from './catalog.js';

/** Where a static catalogue's items come from. */
export type StaticSource =
  /** A catalog, collection, item or item collection, already read, and what it links to. */
  | { type: 'document'; uri: string; document: JsonObject }
  /**
   * Item (or item collection) files, such as a folder's or a glob's; other JSON is skipped.
   * `anyCollection`: every item is yielded whatever its collection (the items under a prefix product).
   */
  | { type: 'files'; uris: string[]; anyCollection?: boolean }
  /** One item a line. */
  | { type: 'lines'; uri: string };

type StacDocumentType = 'Catalog' | 'Collection' | 'Feature' | 'FeatureCollection';

interface StacDocument {
  uri: string;
  json: JsonObject;
  /** The id of the collection the document is, or lies in. */
  collectionId?: string;
}

/** A document of a catalogue's tree, with what the walk follows: the links of a catalog or collection. */
interface TreeDocument extends StacDocument {
  links: StacLink[];
  /** The id of the collection the document is, if it is one. */
  ownCollectionId?: string;
}

const READS_AT_ONCE = 16;

export class StaticCatalog implements Catalog {
  readonly kind = 'static';

  constructor(
    readonly uri: string,
    private readonly source: StaticSource,
    private readonly readOptions: { unsigned?: boolean } = {},
  ) {}

  async *items(query: CatalogQuery, signal?: AbortSignal): AsyncIterable<StacItem> {
    const matches = queryMatcher(query, this.source.type === 'files' && this.source.anyCollection === true);
    const options = { ...this.readOptions, signal };
    for await (const item of this.unfilteredItems(query, options)) {
      if (matches(item)) yield item;
    }
  }

  private unfilteredItems(query: CatalogQuery, options: ReadOptions): AsyncIterable<StacItem> {
    switch (this.source.type) {
      case 'document':
        return treeItems(this.uri, this.source.uri, this.source.document, query.collections, options);
      case 'files':
        return fileItems(this.source.uris, options);
      case 'lines':
        return lineItems(this.source.uri, options);
    }
  }
}

export function stacDocumentType(value: unknown): StacDocumentType | undefined {
  if (!isJsonObject(value)) return undefined;
  switch (value.type) {
    case 'Feature':
      return typeof value.id === 'string' ? 'Feature' : undefined;
    case 'FeatureCollection':
      return Array.isArray(value.features) ? 'FeatureCollection' : undefined;
    case 'Catalog':
    case 'Collection':
      return typeof value.id === 'string' ? value.type : undefined;
  }
  // STAC before 1.0 gave catalogs and collections no type.
  if (typeof value.stac_version === 'string' && typeof value.id === 'string' && Array.isArray(value.links)) {
    return 'extent' in value ? 'Collection' : 'Catalog';
  }
  return undefined;
}

async function readJson(uri: string, options: ReadOptions): Promise<unknown> {
  const text = await readText(uri, options);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`invalid JSON in ${uri}: ${(error as Error).message}`);
  }
}

async function* treeItems(
  catalogUri: string,
  rootUri: string,
  root: JsonObject,
  collections: string[],
  options: ReadOptions,
): AsyncIterable<StacItem> {
  const wanted = new Set(collections);
  const visited = new Set([rootUri]);
  const unvisitedLinks = (from: TreeDocument, rel: string): string[] => {
    const uris: string[] = [];
    for (const link of from.links) {
      if (link.rel !== rel) continue;
      const uri = resolveHref(from.uri, link.href);
      if (visited.has(uri)) continue;
      visited.add(uri);
      uris.push(uri);
    }
    return uris;
  };
  const readLinked = async (uri: string, from: TreeDocument): Promise<TreeDocument> => {
    const json = await readJson(uri, options).catch((error: unknown) => {
      throw error instanceof UserError ? new UserError(`${error.message} (linked from ${from.uri})`) : error;
    });
    if (!isJsonObject(json)) throw new UserError(`${uri} (linked from ${from.uri}) is not a STAC document`);
    return treeDocument(uri, json, from.collectionId);
  };

  // Catalogs and collections first, breadth first: a missing collection is reported before any
  // item is read, and collections nobody asked for are never entered.
  const containers: TreeDocument[] = [];
  const collectionsFound = new Set<string>();
  let level: TreeDocument[] = [treeDocument(rootUri, root, undefined)];
  while (level.length > 0) {
    const children: Array<{ uri: string; from: TreeDocument }> = [];
    for (const document of level) {
      const collectionId = document.ownCollectionId;
      if (collectionId !== undefined) {
        collectionsFound.add(collectionId);
        if (!wanted.has(collectionId)) continue;
      }
      containers.push(document);
      for (const uri of unvisitedLinks(document, 'child')) children.push({ uri, from: document });
    }
    level = [];
    for await (const child of mapConcurrently(children, ({ uri, from }) => readLinked(uri, from))) level.push(child);
  }
  if (collectionsFound.size > 0) {
    const missing = collections.find((collection) => !collectionsFound.has(collection));
    if (missing !== undefined) throw missingCollectionError(missing, catalogUri, collectionsFound);
  }

  const itemLinks: Array<{ uri: string; from: TreeDocument }> = [];
  for (const container of containers) {
    yield* documentItems(container);
    for (const uri of unvisitedLinks(container, 'item')) itemLinks.push({ uri, from: container });
  }
  for await (const linked of mapConcurrently(itemLinks, ({ uri, from }) => readLinked(uri, from))) {
    yield* documentItems(linked);
  }
}

/** A document of the tree, the links and id of a catalog or collection checked by its schema. */
function treeDocument(uri: string, json: JsonObject, parentCollectionId: string | undefined): TreeDocument {
  const type = stacDocumentType(json);
  if (type !== 'Catalog' && type !== 'Collection') return { uri, json, links: [], collectionId: parentCollectionId };
  const { id, links } = readStac(stacCatalogSchema, json, () => `${type.toLowerCase()} ${String(json.id)} in ${uri}`);
  const ownCollectionId = type === 'Collection' ? id : undefined;
  return { uri, json, links, collectionId: ownCollectionId ?? parentCollectionId, ownCollectionId };
}

async function* fileItems(uris: string[], options: ReadOptions): AsyncIterable<StacItem> {
  const documents = mapConcurrently(uris, async (uri) => ({ uri, json: await readJson(uri, options) }));
  for await (const { uri, json } of documents) {
    if (isJsonObject(json)) yield* documentItems({ uri, json });
  }
}

async function* lineItems(uri: string, options: ReadOptions): AsyncIterable<StacItem> {
  let lineNumber = 0;
  for await (const line of readLines(uri, options)) {
    lineNumber += 1;
    if (/^\s*$/.test(line)) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new UserError(`invalid JSON on line ${lineNumber} of ${uri}: ${(error as Error).message}`);
    }
    yield absoluteItem(
      readStac(stacItemSchema, value, () => `${itemName(value)} in ${uri} line ${lineNumber}`),
      uri,
    );
  }
}

/** The items a document is or holds; none for catalogs, collections and other JSON. */
function documentItems({ uri, json, collectionId }: StacDocument): StacItem[] {
  switch (stacDocumentType(json)) {
    case 'Feature':
      return [absoluteItem(readStac(stacItemSchema, json, () => `${itemName(json)} in ${uri}`), uri, collectionId, true)];
    case 'FeatureCollection':
      return readStac(stacItemCollectionSchema, json, () => `item collection ${uri}`).features.map((feature, index) =>
        absoluteItem(readStac(stacItemSchema, feature, () => `${itemName(feature)} in ${uri} feature ${index + 1}`), uri, collectionId),
      );
    default:
      return [];
  }
}

/**
 * The item, changed in place: asset hrefs and the self link made absolute against the document
 * it was read from, which becomes the self link of an item that is a document of its own and
 * has none; the collection filled in from the collection it lies in or, failing that, from its
 * `odc:product`, as odc-stac names the product of such an item (odc-stats' own outputs name no
 * collection).
 */
function absoluteItem(item: StacItem, documentUri: string, collectionId?: string, ownDocument = false): StacItem {
  const product = item.properties['odc:product'];
  const fallback = collectionId ?? (typeof product === 'string' && product !== '' ? product : undefined);
  if (item.collection === undefined && fallback !== undefined) item.collection = fallback;
  for (const asset of Object.values(item.assets)) asset.href = resolveHref(documentUri, asset.href);
  const self = item.links?.find((link) => link.rel === 'self');
  if (self) self.href = resolveHref(documentUri, self.href);
  else if (ownDocument) (item.links ??= []).push({ rel: 'self', href: documentUri });
  return item;
}

/** `transform` applied to every input, `READS_AT_ONCE` at a time, results in input order. */
async function* mapConcurrently<T, R>(inputs: T[], transform: (input: T) => Promise<R>): AsyncIterable<R> {
  const pending: Array<Promise<R>> = [];
  const remaining = inputs.values();
  const fill = () => {
    while (pending.length < READS_AT_ONCE) {
      const input = remaining.next();
      if (input.done) return;
      const result = transform(input.value);
      // Marks a failure as handled until its turn comes (where it is thrown), so that Node does
      // not report it as unhandled, or lose it when the reader stops early.
      result.catch(() => undefined);
      pending.push(result);
    }
  };
  fill();
  while (pending.length > 0) {
    const result = await pending.shift()!;
    fill();
    yield result;
  }
}

// The query, checked loosely: an item whose place or time is unknown is kept.
function queryMatcher(query: CatalogQuery, anyCollection: boolean): (item: StacItem) => boolean {
  const collections = new Set(query.collections);
  const { bbox, datetime } = query;
  return (item) => {
    if (!anyCollection && (item.collection === undefined || !collections.has(item.collection))) return false;
    if (bbox) {
      const itemBox = itemBbox(item);
      if (itemBox && !boxesIntersect(itemBox, bbox)) return false;
    }
    if (datetime) {
      const range = itemTimeRange(item);
      if (range && (range[0] >= datetime.end || range[1] < datetime.start)) return false;
    }
    return true;
  };
}

type Box = [west: number, south: number, east: number, north: number];
/** STAC's bbox with heights: [west, south, bottom, east, north, top]. */
type Box3d = [west: number, south: number, bottom: number, east: number, north: number, top: number];

function itemBbox(item: StacItem): Box | undefined {
  const { bbox, geometry } = item;
  if (bbox && isBox(bbox)) return [...bbox];
  if (bbox && isBox3d(bbox)) {
    const [west, south, , east, north] = bbox;
    return [west, south, east, north];
  }
  if (!geometry?.coordinates) return undefined;
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  forEachPosition(geometry.coordinates, (lon, lat) => {
    box[0] = Math.min(box[0], lon);
    box[1] = Math.min(box[1], lat);
    box[2] = Math.max(box[2], lon);
    box[3] = Math.max(box[3], lat);
  });
  return box[0] <= box[2] ? box : undefined;
}

function isBox(bbox: number[]): bbox is Box {
  return bbox.length === 4;
}

function isBox3d(bbox: number[]): bbox is Box3d {
  return bbox.length === 6;
}

/** Each position of a geometry's coordinates, the latitude read by Number(): NaN where it is missing. */
function forEachPosition(coordinates: unknown, visit: (lon: number, lat: number) => void): void {
  if (!Array.isArray(coordinates)) return;
  const [lon, lat]: unknown[] = coordinates;
  if (typeof lon === 'number') visit(lon, Number(lat));
  else for (const nested of coordinates) forEachPosition(nested, visit);
}

function boxesIntersect(a: Box, b: Box): boolean {
  if (a[1] > b[3] || b[1] > a[3]) return false;
  return longitudeRanges(a).some(([aWest, aEast]) =>
    longitudeRanges(b).some(([bWest, bEast]) => aWest <= bEast && bWest <= aEast),
  );
}

/** A box's longitudes as ranges that do not cross the antimeridian. */
function longitudeRanges([west, , east]: Box): Array<[number, number]> {
  return west <= east ? [[west, east]] : [[west, 180], [-180, east]];
}

function itemTimeRange({ properties }: StacItem): [number, number] | undefined {
  const start = Date.parse(properties.start_datetime ?? properties.datetime ?? '');
  const end = Date.parse(properties.end_datetime ?? properties.datetime ?? '');
  return Number.isNaN(start) || Number.isNaN(end) ? undefined : [start, end];
}
