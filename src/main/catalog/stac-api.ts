import { UserError } from '../../shared/errors.js';
import { stacItemCollectionSchema, stacItemSchema, type StacItem, type StacItemCollection, type StacLink } from '../../shared/stac.js';
import { fetchUri } from '../io/uri.js';
import {
  isJsonObject,
  itemName,
  missingCollectionError,
  readStac,
  stacLinks,
  type Catalog,
  type CatalogQuery,
  type JsonObject,
} from './catalog.js';

const DEFAULT_PAGE_SIZE = 500;
// How servers without POST search answer a POST.
const POST_UNSUPPORTED = new Set([404, 405, 501]);

interface SearchRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: JsonObject;
  headers?: Record<string, string>;
}

/** Whether a JSON document is the landing page of a STAC API that offers item search. */
export function isStacApiLandingPage(json: JsonObject): boolean {
  const conformance = Array.isArray(json.conformsTo) ? json.conformsTo : [];
  return (
    conformance.some((conformanceClass) => typeof conformanceClass === 'string' && /\/item-search$/.test(conformanceClass)) ||
    stacLinks(json).some((link) => link.rel === 'search')
  );
}

export class StacApiCatalog implements Catalog {
  readonly kind = 'api';

  constructor(
    readonly uri: string,
    private readonly landingPage: JsonObject,
    private readonly options: { limit?: number } = {},
  ) {}

  async *items(query: CatalogQuery, signal?: AbortSignal): AsyncIterable<StacItem> {
    await this.checkCollections(query.collections, signal);
    let { request, page } = await this.firstPage(query, signal);
    const requested = new Set<string>();
    for (;;) {
      requested.add(JSON.stringify(request));
      const from = `${request.method} ${request.url}`;
      for (const [index, feature] of page.features.entries()) {
        yield readStac(stacItemSchema, feature, () => `${itemName(feature)} from ${from} feature ${index + 1}`);
      }
      const next = page.links?.find((link) => link.rel === 'next');
      if (!next) return;
      request = nextRequest(next, request);
      // Some servers repeat their last next link; asking again would never end.
      if (requested.has(JSON.stringify(request))) return;
      page = await searchPage(request, signal);
    }
  }

  /** The first page of results: by POST unless the API offers only GET or refuses the POST. */
  private async firstPage(query: CatalogQuery, signal: AbortSignal | undefined) {
    const searchLinks = stacLinks(this.landingPage).filter((link) => link.rel === 'search');
    const postLink = searchLinks.find((link) => link.method?.toUpperCase() === 'POST');
    // An API that conforms to item search without linking it serves it at /search.
    const searchUrl = new URL(postLink?.href ?? searchLinks[0]?.href ?? 'search', withTrailingSlash(this.uri)).href;
    const parameters = searchParameters(query, this.options.limit ?? DEFAULT_PAGE_SIZE);
    const getOnly = searchLinks.length > 0 && searchLinks.every((link) => link.method?.toUpperCase() === 'GET');
    if (!getOnly) {
      const post: SearchRequest = { method: 'POST', url: searchUrl, body: parameters };
      const response = await send(post, signal);
      if (!POST_UNSUPPORTED.has(response.status)) return { request: post, page: await pageOf(response, post) };
      await response.body?.cancel();
    }
    const request: SearchRequest = { method: 'GET', url: withQueryParameters(searchUrl, parameters) };
    return { request, page: await searchPage(request, signal) };
  }

  private async checkCollections(collections: string[], signal: AbortSignal | undefined): Promise<void> {
    const available = await this.collectionIds(signal);
    if (!available) return;
    const missing = collections.find((collection) => !available.has(collection));
    if (missing !== undefined) throw missingCollectionError(missing, this.uri, available);
  }

  /** The ids of the API's collections; undefined where it does not list them. */
  private async collectionIds(signal: AbortSignal | undefined): Promise<Set<string> | undefined> {
    const dataHref = stacLinks(this.landingPage).find((link) => link.rel === 'data')?.href ?? 'collections';
    let url: string | undefined = new URL(dataHref, withTrailingSlash(this.uri)).href;
    const ids = new Set<string>();
    const fetched = new Set<string>();
    while (url !== undefined && !fetched.has(url)) {
      fetched.add(url);
      const response = await fetchUri(url, { headers: { Accept: 'application/json' }, signal });
      if (!response.ok) {
        await response.body?.cancel();
        return undefined;
      }
      const json: unknown = await response.json().catch(() => undefined);
      if (!isJsonObject(json) || !Array.isArray(json.collections)) return undefined;
      for (const collection of json.collections) {
        if (isJsonObject(collection) && typeof collection.id === 'string') ids.add(collection.id);
      }
      const next = stacLinks(json).find((link) => link.rel === 'next');
      url = next ? new URL(next.href, url).href : undefined;
    }
    return ids;
  }
}

/**
 * The search body (or, by GET, query parameters). STAC API datetime intervals are closed, so the
 * exclusive end of the query is sent as the millisecond before it.
 */
function searchParameters(query: CatalogQuery, limit: number): JsonObject {
  const parameters: JsonObject = { collections: query.collections, limit };
  if (query.bbox) parameters.bbox = query.bbox;
  if (query.datetime) {
    const { start, end } = query.datetime;
    parameters.datetime = `${new Date(start).toISOString()}/${new Date(end - 1).toISOString()}`;
  }
  return parameters;
}

function withQueryParameters(url: string, parameters: JsonObject): string {
  const withParameters = new URL(url);
  for (const [name, value] of Object.entries(parameters)) {
    withParameters.searchParams.set(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  return withParameters.href;
}

/** The request a `next` link asks for, as the STAC API spec defines its `method`, `body` and `merge`. */
function nextRequest(link: StacLink, previous: SearchRequest): SearchRequest {
  const url = new URL(link.href, previous.url).href;
  // A header given as a list has its values joined, as HTTP joins repeated headers.
  const headers =
    link.headers && Object.fromEntries(Object.entries(link.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
  if (link.method?.toUpperCase() !== 'POST') return { method: 'GET', url, headers };
  const body = link.merge ? { ...previous.body, ...link.body } : (link.body ?? previous.body);
  return { method: 'POST', url, body, headers };
}

async function searchPage(request: SearchRequest, signal: AbortSignal | undefined): Promise<StacItemCollection> {
  return pageOf(await send(request, signal), request);
}

function send({ method, url, body, headers }: SearchRequest, signal: AbortSignal | undefined): Promise<Response> {
  return fetchUri(url, {
    method,
    headers: {
      Accept: 'application/geo+json, application/json',
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
    signal,
  });
}

async function pageOf(response: Response, request: SearchRequest): Promise<StacItemCollection> {
  if (!response.ok) {
    throw new UserError(
      `STAC API search failed: HTTP ${response.status} from ${request.method} ${request.url}${await errorDescription(response)}`,
    );
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!isJsonObject(json) || !Array.isArray(json.features)) {
    throw new UserError(`STAC API search at ${request.url} did not answer with an item collection`);
  }
  return readStac(stacItemCollectionSchema, json, () => `STAC API search page ${request.method} ${request.url}`);
}

/** The `description` of a STAC API error response, as ": description", or nothing. */
async function errorDescription(response: Response): Promise<string> {
  const json: unknown = await response.json().catch(() => undefined);
  return isJsonObject(json) && typeof json.description === 'string' ? `: ${json.description.split('\n')[0]}` : '';
}

function withTrailingSlash(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}
