/**
 * Writing the sample's collections as a static STAC catalogue: catalog.json → COLLECTION/
 * collection.json → COLLECTION/ID/ID.json beside its COGs (ID/BAND.tif). Shared by the
 * Sentinel-2 sample and the Landsat-like ones.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { transformer } from '../../shared/crs.js';
import type { GeoBox } from '../../shared/geobox.js';
import type { StacItem } from '../../shared/stac.js';
import { encodeCog } from '../../worker/cog/cog-writer.js';
import type { SampleArray } from '../../worker/raster.js';

/** One band of an item: its pixels, nodata and how its overviews are made. */
export interface SampleBandRaster {
  data: SampleArray;
  nodata: number | null;
  overviewResampling: 'average' | 'mode' | 'nearest';
}

/**
 * The lon/lat ring and bbox of a footprint given in the sample's projected CRS (ring,
 * counter-clockwise), positions rounded to 1e-7°.
 */
export function lonLatFootprint(crs: string, ring: Array<[number, number]>): { geometry: StacItem['geometry']; bbox: number[] } {
  const toLonLat = transformer(crs, 'EPSG:4326');
  const lonLat = ring.map((p) => roundPosition(toLonLat(p[0], p[1])));
  const lons = lonLat.map((p) => p[0]);
  const lats = lonLat.map((p) => p[1]);
  return { geometry: { type: 'Polygon', coordinates: [lonLat] }, bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)] };
}

function roundPosition([x, y]: [number, number]): [number, number] {
  return [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7];
}

/**
 * Writes an item's COGs (DEFLATE at level 1, the horizontal predictor for integer bands, as
 * satellite COGs are made), records their sizes in its assets, then the item with its links.
 */
export async function writeSampleItem(
  collectionDir: string,
  item: StacItem,
  geobox: GeoBox,
  rasters: Record<string, SampleBandRaster>,
  blocksize: number,
): Promise<void> {
  const dir = path.join(collectionDir, item.id);
  await fs.mkdir(dir, { recursive: true });
  for (const [band, raster] of Object.entries(rasters)) {
    const cog = encodeCog({ geobox, data: raster.data, nodata: raster.nodata }, { zlevel: 1, blocksize, overviewResampling: raster.overviewResampling });
    await fs.writeFile(path.join(dir, `${band}.tif`), cog);
    item.assets[band]!['file:size'] = cog.byteLength;
  }
  const withLinks = {
    ...item,
    links: [
      { rel: 'collection', href: '../collection.json', type: 'application/json' },
      { rel: 'parent', href: '../collection.json', type: 'application/json' },
      { rel: 'root', href: '../../catalog.json', type: 'application/json' },
    ],
  };
  await fs.writeFile(path.join(dir, `${item.id}.json`), JSON.stringify(withLinks, null, 2));
}

/** Writes COLLECTION/collection.json, linking every item. */
export async function writeSampleCollection(root: string, id: string, description: string, items: StacItem[]): Promise<void> {
  const boxes = items.map((i) => i.bbox!);
  const extent = [
    Math.min(...boxes.map((b) => b[0]!)),
    Math.min(...boxes.map((b) => b[1]!)),
    Math.max(...boxes.map((b) => b[2]!)),
    Math.max(...boxes.map((b) => b[3]!)),
  ];
  const times = items.map((i) => i.properties.datetime!).sort();
  const collection = {
    type: 'Collection',
    stac_version: '1.0.0',
    id,
    description,
    license: 'CC-BY-4.0',
    extent: { spatial: { bbox: [extent] }, temporal: { interval: [[times[0], times[times.length - 1]]] } },
    links: [
      { rel: 'root', href: '../catalog.json', type: 'application/json' },
      { rel: 'parent', href: '../catalog.json', type: 'application/json' },
      ...items.map((i) => ({ rel: 'item', href: `./${i.id}/${i.id}.json`, type: 'application/geo+json' })),
    ],
  };
  await fs.writeFile(path.join(root, id, 'collection.json'), JSON.stringify(collection, null, 2));
}

/** Writes catalog.json, linking the collections; last, since a catalogue whose catalog.json exists is complete. */
export async function writeSampleRoot(root: string, description: string, collections: readonly string[]): Promise<void> {
  const catalog = {
    type: 'Catalog',
    stac_version: '1.0.0',
    id: 'odc-stats-sample',
    description,
    links: [
      { rel: 'root', href: './catalog.json', type: 'application/json' },
      ...collections.map((id) => ({ rel: 'child', href: `./${id}/collection.json`, type: 'application/json' })),
    ],
  };
  await fs.writeFile(path.join(root, 'catalog.json'), JSON.stringify(catalog, null, 2));
}
