import type { z } from 'zod';
import { UserError } from '../../shared/errors.js';
import { describeIssue, pathText } from '../../shared/schema-issue.js';
import { stacLinkSchema, type StacItem, type StacLink } from '../../shared/stac.js';

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

/** The well-formed links of a JSON document that need not be STAC (an API's landing page or collection list). */
export function stacLinks(json: JsonObject): StacLink[] {
  if (!Array.isArray(json.links)) return [];
  return json.links.flatMap((link: unknown) => {
    const parsed = stacLinkSchema.safeParse(link);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * A STAC document (or part of one) from outside, checked by its schema: a UserError names the
 * document, as `document()` describes it ("item X in items.ndjson line 3"), and the first field at fault.
 */
export function readStac<T>(schema: z.ZodType<T>, json: unknown, document: () => string): T {
  const parsed = schema.safeParse(json, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const fault = issue.path.length === 0 ? describeIssue(issue) : `'${pathText(issue.path)}' ${describeIssue(issue)}`;
  throw new UserError(`${document()}${issue.path.length === 0 ? ' ' : ': '}${fault}`);
}

/** How messages name an item that may not be well formed: by its id where it has one. */
export function itemName(json: unknown): string {
  return isJsonObject(json) && typeof json.id === 'string' ? `item ${json.id}` : 'item';
}

/** The error for a query naming a collection that a catalogue which lists its collections lacks. */
export function missingCollectionError(collection: string, catalogUri: string, available: Iterable<string>): UserError {
  const names = [...available].sort();
  const shown = names.length > 20 ? [...names.slice(0, 20), `and ${names.length - 20} more`] : names;
  return new UserError(
    `collection '${collection}' not found in catalogue ${catalogUri} (available: ${shown.join(', ') || 'none'})`,
  );
}
