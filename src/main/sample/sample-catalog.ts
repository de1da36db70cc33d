import { promises as fs } from 'node:fs';
import path from 'node:path';
import { transformer } from '../../shared/crs.js';
import type { StacItem } from '../../shared/stac.js';

/**
 * A small synthetic Sentinel-2 L2A collection, the embedded default that the demo and the
 * tests plan without any cloud account: two MGRS tiles in UTM zone 37S (Rift Valley, Kenya)
 * seen every ten days for a year, as a static STAC catalogue on disk. Every other pass is
 * from an orbit whose swath edge cuts the western part of the tile, as real S2 footprints do.
 */
export const SAMPLE_COLLECTION = 's2_l2a';
export const SAMPLE_CRS = 'EPSG:32737';
/** MGRS tile id → western and northern edge in UTM 37S metres; S2 tiles are 109 800 m wide. */
export const SAMPLE_TILES: Record<string, { west: number; north: number }> = {
  '37MBU': { west: 199_980, north: 9_900_040 },
  '37MCU': { west: 299_980, north: 9_900_040 },
};
export const SAMPLE_TILE_METRES = 109_800;
export const SAMPLE_START = Date.UTC(2021, 0, 3, 7, 58, 0);
export const SAMPLE_DATES = 37;
export const SAMPLE_REVISIT_DAYS = 10;
/** Band asset keys as Digital Earth Africa names them, with their pixel size in metres. */
export const SAMPLE_BANDS: Record<string, number> = {
  B02: 10,
  B03: 10,
  B04: 10,
  B08: 10,
  B11: 20,
  B12: 20,
  SCL: 20,
};
/** How far into the tile (metres from its western edge) a partial pass's swath edge lies. */
export const SWATH_EDGE_OFFSET = 45_000;

export interface SampleCatalog {
  root: string;
  catalogPath: string;
  items: StacItem[];
}

/** The footprint of one pass over a tile, in UTM metres (ring, counter-clockwise). */
export function sampleFootprintUtm(tile: string, partial: boolean): Array<[number, number]> {
  const { west, north } = SAMPLE_TILES[tile]!;
  const east = west + SAMPLE_TILE_METRES;
  const south = north - SAMPLE_TILE_METRES;
  const left = partial ? west + SWATH_EDGE_OFFSET : west;
  return [
    [left, south],
    [east, south],
    [east, north],
    [left, north],
    [left, south],
  ];
}

export function sampleItems(): StacItem[] {
  const toLonLat = transformer(SAMPLE_CRS, 'EPSG:4326');
  const items: StacItem[] = [];
  for (let d = 0; d < SAMPLE_DATES; d++) {
    const time = new Date(SAMPLE_START + d * SAMPLE_REVISIT_DAYS * 86_400_000);
    const partial = d % 2 === 1;
    Object.keys(SAMPLE_TILES).forEach((tile, t) => {
      const stamp = time.toISOString().slice(0, 10).replaceAll('-', '');
      const id = `S2${partial ? 'B' : 'A'}_${tile}_${stamp}_0_L2A`;
      const ring = sampleFootprintUtm(tile, partial).map(([x, y]) => roundPosition(toLonLat(x, y)));
      const lons = ring.map((p) => p[0]);
      const lats = ring.map((p) => p[1]);
      const { west, north } = SAMPLE_TILES[tile]!;
      const assets: StacItem['assets'] = {};
      for (const [band, res] of Object.entries(SAMPLE_BANDS)) {
        const shape = SAMPLE_TILE_METRES / res;
        assets[band] = {
          href: `./${id}/${band}.tif`,
          type: 'image/tiff; application=geotiff; profile=cloud-optimized',
          roles: [band === 'SCL' ? 'data-mask' : 'data'],
          'proj:shape': [shape, shape],
          'proj:transform': [res, 0, west, 0, -res, north],
        };
      }
      items.push({
        type: 'Feature',
        stac_version: '1.0.0',
        stac_extensions: ['https://stac-extensions.github.io/projection/v1.1.0/schema.json'],
        id,
        collection: SAMPLE_COLLECTION,
        geometry: { type: 'Polygon', coordinates: [ring] },
        bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
        properties: {
          datetime: new Date(time.getTime() + t * 4000).toISOString(),
          platform: partial ? 'sentinel-2b' : 'sentinel-2a',
          constellation: 'sentinel-2',
          'eo:cloud_cover': (d * 37) % 100,
          'proj:epsg': 32737,
          's2:mgrs_tile': tile,
        },
        assets,
        links: [],
      });
    });
  }
  return items;
}

function roundPosition([x, y]: [number, number]): [number, number] {
  return [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7];
}

/** Writes the catalogue (catalog.json → collection.json → items/…) under `root`. */
export async function writeSampleCatalog(root: string): Promise<SampleCatalog> {
  const items = sampleItems();
  const collectionDir = path.join(root, SAMPLE_COLLECTION);
  await fs.mkdir(collectionDir, { recursive: true });
  const lonLats = items.flatMap((i) => [i.bbox!]);
  const extent = [
    Math.min(...lonLats.map((b) => b[0]!)),
    Math.min(...lonLats.map((b) => b[1]!)),
    Math.max(...lonLats.map((b) => b[2]!)),
    Math.max(...lonLats.map((b) => b[3]!)),
  ];
  const catalog = {
    type: 'Catalog',
    stac_version: '1.0.0',
    id: 'odc-stats-sample',
    description: 'Synthetic Sentinel-2 L2A sample for odc-stats desktop',
    links: [
      { rel: 'root', href: './catalog.json', type: 'application/json' },
      { rel: 'child', href: `./${SAMPLE_COLLECTION}/collection.json`, type: 'application/json' },
    ],
  };
  const times = items.map((i) => i.properties.datetime!).sort();
  const collection = {
    type: 'Collection',
    stac_version: '1.0.0',
    id: SAMPLE_COLLECTION,
    description: 'Synthetic Sentinel-2 Level-2A surface reflectance (two MGRS tiles, 2021)',
    license: 'CC-BY-4.0',
    extent: { spatial: { bbox: [extent] }, temporal: { interval: [[times[0], times[times.length - 1]]] } },
    links: [
      { rel: 'root', href: '../catalog.json', type: 'application/json' },
      { rel: 'parent', href: '../catalog.json', type: 'application/json' },
      ...items.map((i) => ({ rel: 'item', href: `./${i.id}/${i.id}.json`, type: 'application/geo+json' })),
    ],
  };
  await fs.writeFile(path.join(root, 'catalog.json'), JSON.stringify(catalog, null, 2));
  await fs.writeFile(path.join(collectionDir, 'collection.json'), JSON.stringify(collection, null, 2));
  for (const item of items) {
    const dir = path.join(collectionDir, item.id);
    await fs.mkdir(dir, { recursive: true });
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
  return { root, catalogPath: path.join(root, 'catalog.json'), items };
}
