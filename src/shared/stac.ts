/**
 * The parts of the STAC model the planner and the workers read, and the schemas that check
 * STAC documents from outside against it. Unknown fields are allowed and kept.
 */
import { z } from 'zod';

export type Position = [number, number] | [number, number, number];

/** The footprints this application writes. */
export type StacGeometry =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** A GeoJSON geometry as a catalogue gives it: the planner reads polygons and skips the rest. */
interface GeoJsonGeometry {
  type: string;
  [key: string]: unknown;
}

export interface StacLink {
  rel: string;
  href: string;
  type?: string;
  /** How to follow the link, for STAC API `next` links: HTTP method, headers, body. */
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: Record<string, unknown>;
  /** Whether `body` is merged into the body of the request the link came with. */
  merge?: boolean;
  [key: string]: unknown;
}

export interface StacAsset {
  href: string;
  type?: string;
  roles?: string[];
  [key: string]: unknown;
}

export interface StacItem {
  type: 'Feature';
  stac_version?: string;
  id: string;
  collection?: string;
  geometry: GeoJsonGeometry | null;
  bbox?: number[];
  properties: {
    /** Null (or absent) when the item covers a range of time, from `start_datetime` to `end_datetime`. */
    datetime?: string | null;
    start_datetime?: string;
    end_datetime?: string;
    [key: string]: unknown;
  };
  assets: Record<string, StacAsset>;
  links?: StacLink[];
  [key: string]: unknown;
}

/** A catalog or a collection, as far as a reader follows it: its id and links. */
export interface StacCatalog {
  type?: 'Catalog' | 'Collection';
  id: string;
  links: StacLink[];
  [key: string]: unknown;
}

/** An item collection (a STAC API search page); its features are checked one by one, as items. */
export interface StacItemCollection {
  /** Required by STAC; some APIs' search pages leave it out. */
  type?: 'FeatureCollection';
  features: unknown[];
  links?: StacLink[];
  [key: string]: unknown;
}

export const stacLinkSchema: z.ZodType<StacLink> = z.looseObject({
  rel: z.string(),
  href: z.string(),
  type: z.string().optional(),
  method: z.string().optional(),
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  body: z.record(z.string(), z.unknown()).optional(),
  merge: z.boolean().optional(),
});

const stacAssetSchema: z.ZodType<StacAsset> = z.looseObject({
  href: z.string(),
  type: z.string().optional(),
  roles: z.array(z.string()).optional(),
});

const itemPropertiesSchema = z
  .looseObject({
    datetime: z.string().nullable().optional(),
    start_datetime: z.string().optional(),
    end_datetime: z.string().optional(),
  })
  .refine((p) => typeof p.datetime === 'string' || (p.start_datetime !== undefined && p.end_datetime !== undefined), {
    path: ['datetime'],
    message: "must be a date and time, or null with 'start_datetime' and 'end_datetime' given",
  });

export const stacItemSchema: z.ZodType<StacItem> = z.looseObject({
  type: z.literal('Feature'),
  stac_version: z.string().optional(),
  id: z.string(),
  collection: z.string().optional(),
  geometry: z.looseObject({ type: z.string() }).nullable(),
  bbox: z.array(z.number()).optional(),
  properties: itemPropertiesSchema,
  assets: z.record(z.string(), stacAssetSchema),
  links: z.array(stacLinkSchema).optional(),
});

export const stacCatalogSchema: z.ZodType<StacCatalog> = z.looseObject({
  // STAC before 1.0 gave catalogs and collections no type.
  type: z.enum(['Catalog', 'Collection']).optional(),
  id: z.string(),
  links: z.array(stacLinkSchema),
});

export const stacItemCollectionSchema: z.ZodType<StacItemCollection> = z.looseObject({
  type: z.literal('FeatureCollection').optional(),
  features: z.array(z.unknown()),
  links: z.array(stacLinkSchema).optional(),
});

/** The acquisition time of an item in UTC milliseconds: `datetime`, else the middle of its range. */
export function itemTime(item: StacItem): number | undefined {
  const p = item.properties ?? {};
  if (p.datetime) {
    const t = Date.parse(p.datetime);
    return Number.isNaN(t) ? undefined : t;
  }
  if (p.start_datetime && p.end_datetime) {
    const a = Date.parse(p.start_datetime);
    const b = Date.parse(p.end_datetime);
    if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
    return a + (b - a) / 2;
  }
  return undefined;
}
