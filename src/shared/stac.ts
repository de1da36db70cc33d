/** The parts of the STAC model the planner and the workers read. Unknown fields are kept. */

export type Position = [number, number] | [number, number, number];

export type StacGeometry =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

export interface StacLink {
  rel: string;
  href: string;
  type?: string;
  method?: string;
  body?: unknown;
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
  geometry: StacGeometry | null;
  bbox?: number[];
  properties: {
    datetime: string | null;
    start_datetime?: string;
    end_datetime?: string;
    [key: string]: unknown;
  };
  assets: Record<string, StacAsset>;
  links?: StacLink[];
  [key: string]: unknown;
}

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
