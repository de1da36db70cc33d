import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StacItem } from '../../shared/stac.js';
import { worldCollection } from './stac-items.js';

/** A request the server received; `url` is the path and query, `body` the parsed JSON body. */
interface RecordedRequest {
  method: string;
  url: string;
  body?: unknown;
}

export interface StacApiServer {
  /** The landing page, without a trailing slash. */
  url: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

interface SearchParameters {
  collections?: string[];
  bbox?: number[];
  datetime?: string;
  limit?: number;
  token?: number;
}

class BadRequest extends Error {}

const DEFAULT_LIMIT = 10;

/**
 * A STAC API with item search over `items`, on 127.0.0.1: GET and POST /search with collections,
 * bbox, datetime and limit, pages linked by `next` links that carry a token (a query parameter
 * for GET, a merged body for POST). `pageSize` caps the page size a client asks for;
 * `allowPost: false` answers POST searches with 405.
 */
export async function startStacApiServer(
  items: StacItem[],
  options: { allowPost?: boolean; pageSize?: number } = {},
): Promise<StacApiServer> {
  const requests: RecordedRequest[] = [];
  let url = '';

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const requestUrl = new URL(request.url ?? '/', url);
    const text = await readBody(request);
    const body = text ? JSON.parse(text) : undefined;
    requests.push({ method: request.method ?? 'GET', url: requestUrl.pathname + requestUrl.search, body });

    if (requestUrl.pathname === '/' && request.method === 'GET') return sendJson(response, 200, landingPage(url));
    if (requestUrl.pathname === '/collections' && request.method === 'GET') {
      return sendJson(response, 200, collectionsDocument(items));
    }
    if (requestUrl.pathname !== '/search') return sendJson(response, 404, { code: 'NotFound', description: 'no such path' });
    if (request.method === 'POST' && options.allowPost === false) {
      return sendJson(response, 405, { code: 'MethodNotAllowed', description: 'search by GET only' });
    }
    const parameters = request.method === 'POST' ? (body ?? {}) : queryParameters(requestUrl.searchParams);
    const results = searchResults(items, parameters, request.method === 'POST', url, options.pageSize);
    return sendJson(response, 200, results, 'application/geo+json');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof BadRequest || error instanceof SyntaxError ? 400 : 500;
      sendJson(response, status, { code: status === 400 ? 'BadRequest' : 'ServerError', description: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function landingPage(url: string) {
  return {
    type: 'Catalog',
    stac_version: '1.0.0',
    id: 'test-api',
    description: 'A STAC API for tests',
    conformsTo: [
      'https://api.stacspec.org/v1.0.0/core',
      'https://api.stacspec.org/v1.0.0/item-search',
      'https://api.stacspec.org/v1.0.0/collections',
    ],
    links: [
      { rel: 'self', href: `${url}/`, type: 'application/json' },
      { rel: 'root', href: `${url}/`, type: 'application/json' },
      { rel: 'data', href: `${url}/collections`, type: 'application/json' },
      { rel: 'search', href: `${url}/search`, type: 'application/geo+json', method: 'GET' },
      { rel: 'search', href: `${url}/search`, type: 'application/geo+json', method: 'POST' },
    ],
  };
}

function collectionsDocument(items: StacItem[]) {
  const ids = [...new Set(items.map((item) => item.collection).filter((id) => id !== undefined))].sort();
  return {
    collections: ids.map((id) => worldCollection(id)),
    links: [],
  };
}

function queryParameters(query: URLSearchParams): SearchParameters {
  const list = (name: string) => query.get(name)?.split(',');
  const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
  return {
    collections: list('collections'),
    bbox: list('bbox')?.map(Number),
    datetime: query.get('datetime') ?? undefined,
    limit: number('limit'),
    token: number('token'),
  };
}

function searchResults(
  items: StacItem[],
  parameters: SearchParameters,
  byPost: boolean,
  url: string,
  pageSize: number | undefined,
) {
  const { collections, bbox, datetime } = parameters;
  const interval = datetime === undefined ? undefined : parseInterval(datetime);
  if (bbox && (bbox.length !== 4 || bbox.some(Number.isNaN))) throw new BadRequest(`bad bbox: ${bbox.join(',')}`);
  const box = bbox && boxOf(bbox);
  const matching = items.filter(
    (item) =>
      (!collections || (item.collection !== undefined && collections.includes(item.collection))) &&
      (!box || bboxesIntersect(itemBbox(item), box)) &&
      (!interval || overlaps(itemInterval(item), interval)),
  );
  const limit = Math.min(parameters.limit ?? DEFAULT_LIMIT, pageSize ?? Infinity);
  const start = parameters.token ?? 0;
  const links = [];
  if (start + limit < matching.length) {
    const token = start + limit;
    if (byPost) {
      links.push({ rel: 'next', href: `${url}/search`, method: 'POST', body: { token }, merge: true });
    } else {
      const next = new URL(`${url}/search`);
      for (const [name, value] of Object.entries(parameters)) {
        if (value !== undefined && name !== 'token') next.searchParams.set(name, Array.isArray(value) ? value.join(',') : String(value));
      }
      next.searchParams.set('token', String(token));
      links.push({ rel: 'next', href: next.href, method: 'GET' });
    }
  }
  return {
    type: 'FeatureCollection',
    features: matching.slice(start, start + limit),
    numberMatched: matching.length,
    numberReturned: Math.min(limit, Math.max(0, matching.length - start)),
    links,
  };
}

/** A datetime parameter as an inclusive [start, end] in ms: an instant, `a/b`, `../b` or `a/..`. */
function parseInterval(datetime: string): [number, number] {
  const parse = (text: string) => {
    const time = Date.parse(text);
    if (Number.isNaN(time)) throw new BadRequest(`bad datetime: ${datetime}`);
    return time;
  };
  const parts = datetime.split('/');
  if (parts.length === 1) return [parse(datetime), parse(datetime)];
  if (parts.length !== 2) throw new BadRequest(`bad datetime: ${datetime}`);
  const [start, end] = parts.map((part) => (part === '..' || part === '' ? undefined : part));
  return [start === undefined ? -Infinity : parse(start), end === undefined ? Infinity : parse(end)];
}

function itemInterval({ properties }: StacItem): [number, number] {
  return [
    Date.parse(properties.start_datetime ?? properties.datetime ?? ''),
    Date.parse(properties.end_datetime ?? properties.datetime ?? ''),
  ];
}

function overlaps(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

type Box = [west: number, south: number, east: number, north: number];

/** A bbox of 4 numbers, or 6 with heights ([west, south, bottom, east, north, top]); NaN where one is missing. */
function boxOf(bbox: number[]): Box {
  const [west = NaN, south = NaN, east = NaN, north = NaN] = bbox.length === 6 ? [bbox[0], bbox[1], bbox[3], bbox[4]] : bbox;
  return [west, south, east, north];
}

function itemBbox(item: StacItem): Box {
  if (item.bbox) return boxOf(item.bbox);
  const lons: number[] = [];
  const lats: number[] = [];
  const collect = (coordinates: unknown): void => {
    if (!Array.isArray(coordinates)) return;
    const [lon, lat]: unknown[] = coordinates;
    if (typeof lon === 'number') {
      lons.push(lon);
      lats.push(Number(lat));
    } else {
      coordinates.forEach(collect);
    }
  };
  collect(item.geometry?.coordinates);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

function bboxesIntersect(a: Box, b: Box): boolean {
  const ranges = ([west, , east]: Box): Array<[number, number]> =>
    west <= east ? [[west, east]] : [[west, 180], [-180, east]];
  return a[1] <= b[3] && b[1] <= a[3] && ranges(a).some((x) => ranges(b).some((y) => overlaps(x, y)));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  response.writeHead(status, { 'Content-Type': type });
  response.end(JSON.stringify(body));
}
