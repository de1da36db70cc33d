import type { StacItem } from '../../shared/stac.js';

export type LonLatBox = [west: number, south: number, east: number, north: number];

const GEOTIFF = 'image/tiff; application=geotiff';

/** The asset of one band, a GeoTIFF beside the item, as a test catalogue names it. */
export function tiffAsset(href: string): NonNullable<StacItem['assets']>[string] {
  return { href, type: GEOTIFF };
}

/**
 * A STAC item of collection `prod` (unless told) whose footprint is a lon/lat box, with a red
 * band by default: the shape of every item a planning test makes up.
 */
export function boxItem(id: string, [w, s, e, n]: LonLatBox, datetime: string, more: Partial<StacItem> = {}): StacItem {
  return {
    type: 'Feature',
    stac_version: '1.0.0',
    id,
    collection: 'prod',
    geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] },
    bbox: [w, s, e, n],
    properties: { datetime },
    assets: { red: tiffAsset(`./${id}/red.tif`) },
    links: [],
    ...more,
  };
}

/** Items as newline-delimited JSON, a catalogue in one file. */
export function ndjson(items: object[]): string {
  return items.map((i) => `${JSON.stringify(i)}\n`).join('');
}

/** A STAC Collection document covering the world at all times, with `links`. */
export function worldCollection(id: string, links: unknown[] = []) {
  return {
    type: 'Collection',
    stac_version: '1.0.0',
    id,
    description: id,
    license: 'proprietary',
    extent: { spatial: { bbox: [[-180, -90, 180, 90]] }, temporal: { interval: [[null, null]] } },
    links,
  };
}
