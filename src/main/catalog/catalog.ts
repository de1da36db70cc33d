import { UserError } from '../../shared/errors.js';
import type { StacItem, StacLink } from '../../shared/stac.js';

/** Which items the planner wants from a catalogue. */
export interface CatalogQuery {
  /** Collection ids; never empty. */
  collections: string[];
  /** Longitude/latitude west, south, east, north; west > east crosses the antimeridian. */
  bbox?: [number, number, number, number];
  /** UTC milliseconds; `end` is exclusive. */
  datetime?: { start: number; end: number };
}

/**
 * A source of STAC items. Static catalogues apply the query cheaply and may yield more than it
 * asks for; the planner checks every item exactly.
 */
export interface Catalog {
  readonly uri: string;
  readonly kind: 'static' | 'api';
  items(query: CatalogQuery, signal?: AbortSignal): AsyncIterable<StacItem>;
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The well-formed links of a STAC document (or API response). */
export function stacLinks(json: JsonObject): StacLink[] {
  if (!Array.isArray(json.links)) return [];
  return json.links.filter(
    (link): link is StacLink => isJsonObject(link) && typeof link.rel === 'string' && typeof link.href === 'string',
  );
}

/** The error for a query naming a collection that a catalogue which lists its collections lacks. */
export function missingCollectionError(collection: string, catalogUri: string, available: Iterable<string>): UserError {
  const names = [...available].sort();
  const shown = names.length > 20 ? [...names.slice(0, 20), `and ${names.length - 20} more`] : names;
  return new UserError(
    `collection '${collection}' not found in catalogue ${catalogUri} (available: ${shown.join(', ') || 'none'})`,
  );
}
