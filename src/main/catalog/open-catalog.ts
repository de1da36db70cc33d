import { stat } from 'node:fs/promises';
import { UserError } from '../../shared/errors.js';
import { localPath } from '../../io/local-path.js';
import { listFiles, listUris, readLines, type ReadOptions } from '../io/uri.js';
import { parseS3Uri } from '../../io/s3-uri.js';
import { isJsonObject, type Catalog } from './catalog.js';
import { StacApiCatalog, isStacApiLandingPage } from './stac-api.js';
import { StaticCatalog, stacDocumentType } from './static-catalog.js';

const ONE_ITEM_A_LINE = /\.(ndjson|jsonl|geojsonl)$/i;
const WILDCARD = /[*?[{]/;

/**
 * The catalogue at `uri`: a STAC API, or a static catalogue given as a catalog, collection, item
 * or item collection document, a folder, a glob of item files, or a file of one item a line.
 * Local paths, file://, http(s):// and s3:// URIs are all accepted.
 */
export async function openCatalog(uri: string, options: { unsigned?: boolean; signal?: AbortSignal } = {}): Promise<Catalog> {
  const readOptions: ReadOptions = { unsigned: options.unsigned, signal: options.signal };
  const isS3 = /^s3:\/\//i.test(uri);
  const isHttp = /^https?:\/\//i.test(uri);
  const location = isS3 || isHttp ? uri : localPath(uri);

  if (isS3 && WILDCARD.test(uri)) return openGlob(uri, readOptions);
  if (isS3 && (uri.endsWith('/') || parseS3Uri(uri).key === '')) return openFolder(uri, location, readOptions);
  if (!isS3 && !isHttp) {
    const stats = await stat(location).catch(() => undefined);
    if (stats?.isDirectory()) return openFolder(uri, location, readOptions);
    if (!stats && WILDCARD.test(uri)) return openGlob(uri, readOptions);
  }
  const path = isHttp ? new URL(uri).pathname : location;
  if (ONE_ITEM_A_LINE.test(path)) return new StaticCatalog(uri, { type: 'lines', uri: location }, readOptions);
  return openDocument(uri, location, readOptions);
}

/**
 * The items under a location named as a product in `input_products` (a local folder, `file://`
 * or `s3://` prefix): every `*.stac-item.json` below it, whatever its collection, as odc-stats
 * reads the outputs of its own runs (`SaveTasks.create_dss_by_stac`).
 */
export async function openPrefix(uri: string, options: { unsigned?: boolean; signal?: AbortSignal } = {}): Promise<Catalog> {
  const readOptions: ReadOptions = { unsigned: options.unsigned, signal: options.signal };
  const isS3 = /^s3:\/\//i.test(uri);
  if (/^https?:\/\//i.test(uri)) {
    throw new UserError(`input product ${uri}: the items under an HTTP location cannot be listed; give an s3:// prefix or a local folder, or its catalogue as --catalog`);
  }
  const folder = isS3 ? uri : localPath(uri);
  if (!isS3 && !(await stat(folder).catch(() => undefined))?.isDirectory()) throw new UserError(`input product ${uri} is not a folder`);
  const files = await listFiles(folder, '**/*.stac-item.json', readOptions);
  if (files.length === 0) throw new UserError(`no STAC items (*.stac-item.json) under input product ${uri}`);
  return new StaticCatalog(uri, { type: 'files', uris: files, anyCollection: true }, readOptions);
}

async function openDocument(uri: string, location: string, options: ReadOptions): Promise<Catalog> {
  const content = await readDocument(location, options);
  if (content === 'lines') return new StaticCatalog(uri, { type: 'lines', uri: location }, options);
  const { json } = content;
  if (isJsonObject(json) && isStacApiLandingPage(json)) return new StacApiCatalog(uri, json);
  if (isJsonObject(json) && stacDocumentType(json)) {
    return new StaticCatalog(uri, { type: 'document', uri: location, document: json }, options);
  }
  throw new UserError(`${uri} is not a STAC catalogue, collection, item, item collection or STAC API`);
}

/** A folder's catalog.json or collection.json, else every item file in or below it. */
async function openFolder(uri: string, folder: string, options: ReadOptions): Promise<Catalog> {
  const [root] = await listFiles(folder, '{catalog,collection}.json', options);
  if (root) return openDocument(uri, root, options);
  const files = await listFiles(folder, '**/*.json', options);
  if (files.length === 0) throw new UserError(`no STAC catalogue or item files in ${uri}`);
  return new StaticCatalog(uri, { type: 'files', uris: files }, options);
}

async function openGlob(pattern: string, options: ReadOptions): Promise<Catalog> {
  const files = await listUris(pattern, options);
  if (files.length === 0) throw new UserError(`catalogue not found: ${pattern} (no files match)`);
  return new StaticCatalog(pattern, { type: 'files', uris: files }, options);
}

/**
 * The JSON document at `uri`, or 'lines' where it holds more than one JSON document, one a
 * line; such a file is read no further than its second document.
 */
async function readDocument(uri: string, options: ReadOptions): Promise<{ json: unknown } | 'lines'> {
  const lines: string[] = [];
  let oneDocumentALine = true;
  let firstDocument: unknown;
  let documents = 0;
  for await (const line of readLines(uri, options)) {
    lines.push(line);
    if (!oneDocumentALine || /^\s*$/.test(line)) continue;
    const parsed = parseJson(line);
    if (parsed === NOT_JSON) {
      oneDocumentALine = false;
    } else {
      documents += 1;
      if (documents === 2) return 'lines';
      firstDocument = parsed;
    }
  }
  return { json: oneDocumentALine ? firstDocument : parseJson(lines.join('\n')) };
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}
