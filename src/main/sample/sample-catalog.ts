import { promises as fs } from 'node:fs';
import path from 'node:path';
import { transformer } from '../../shared/crs.js';
import type { StacItem } from '../../shared/stac.js';
import { encodeCog } from '../../worker/cog/cog-writer.js';
import {
  REFLECTANCE_BANDS,
  type SampleBand,
  coverAt,
  dnOf,
  observedReflectance,
  sclOf,
  skyAt,
  surfaceReflectance,
  textureAt,
  type Cover,
} from './sample-scene.js';

/**
 * A small synthetic Sentinel-2 L2A collection, the embedded default that the demo and the
 * tests use without any cloud account: two MGRS-like tiles in UTM zone 37S (Rift Valley,
 * Kenya) seen every 20 days through 2021, as a static STAC catalogue of COGs on disk. Every
 * other pass is from an orbit whose swath edge leaves the western part of the tile without
 * data, as real Sentinel-2 footprints do. Pixels are 120 m (not S2's 10–20 m) to keep the
 * sample small; tile origins are multiples of 120 m so that a grid of 120 m pixels aligns.
 */
export const SAMPLE_COLLECTION = 's2_l2a';
const SAMPLE_CRS = 'EPSG:32737';
export const SAMPLE_PIXEL_METRES = 120;
const SAMPLE_TILE_METRES = 109_800;
const SAMPLE_TILE_PIXELS = SAMPLE_TILE_METRES / SAMPLE_PIXEL_METRES;
/** MGRS-like tile id → western and northern edge in UTM 37S metres. */
const SAMPLE_TILES: Record<string, { west: number; north: number }> = {
  '37MBU': { west: 199_920, north: 9_900_000 },
  '37MCU': { west: 299_880, north: 9_900_000 },
};
const SAMPLE_START = Date.UTC(2021, 0, 3, 7, 58, 0);
const SAMPLE_DATES = 18;
const SAMPLE_REVISIT_DAYS = 20;
/** How far into the tile (metres from its western edge) a partial pass's swath edge lies. */
const SWATH_EDGE_OFFSET = 45_000;

/**
 * Where the sample's tiles lie and how its COGs are made. The default is the embedded sample;
 * benchmarks make larger ones (10 m pixels, ten bands, 512 px blocks).
 */
export interface SampleLayout {
  /** Pixel size, metres (UTM 37S). */
  pixelMetres: number;
  /** Pixels per tile side. */
  pixels: number;
  /** Tile id → western and northern edge in UTM 37S metres (multiples of `pixelMetres`). */
  tiles: Record<string, { west: number; north: number }>;
  /** The reflectance bands written beside SCL. */
  bands: readonly SampleBand[];
  /** COG block side, pixels (a multiple of 16). */
  blocksize: number;
  /** Whether every other pass misses the western part of the tile, as a swath edge does. */
  partialPasses: boolean;
}

const DEFAULT_LAYOUT: SampleLayout = {
  pixelMetres: SAMPLE_PIXEL_METRES,
  pixels: SAMPLE_TILE_PIXELS,
  tiles: SAMPLE_TILES,
  bands: REFLECTANCE_BANDS,
  blocksize: 256,
  partialPasses: true,
};

/** The first column of a partial pass's data: the default sample's swath edge, scaled to the layout. */
function swathEdgeColumn(layout: SampleLayout): number {
  return Math.round((SWATH_EDGE_OFFSET / SAMPLE_TILE_METRES) * layout.pixels);
}

export interface SampleCatalog {
  root: string;
  catalogPath: string;
  items: StacItem[];
}

export interface SamplePass {
  id: string;
  tile: string;
  /** Index of the acquisition date, 0 … SAMPLE_DATES − 1. */
  date: number;
  time: Date;
  partial: boolean;
}

/** Which part of the sample to make: fewer dates or tiles make a quicker sample for tests. */
export interface SampleChoice {
  dates?: number;
  tiles?: string[];
  /** Another layout than the embedded sample's. */
  layout?: SampleLayout;
}

export function samplePasses(choice: SampleChoice = {}): SamplePass[] {
  const passes: SamplePass[] = [];
  const layout = choice.layout ?? DEFAULT_LAYOUT;
  for (let date = 0; date < (choice.dates ?? SAMPLE_DATES); date++) {
    const partial = layout.partialPasses && date % 2 === 1;
    Object.keys(layout.tiles).forEach((tile, t) => {
      if (choice.tiles && !choice.tiles.includes(tile)) return;
      const time = new Date(SAMPLE_START + date * SAMPLE_REVISIT_DAYS * 86_400_000 + t * 4000);
      const stamp = time.toISOString().slice(0, 10).replaceAll('-', '');
      passes.push({ id: `S2${partial ? 'B' : 'A'}_${tile}_${stamp}_0_L2A`, tile, date, time, partial });
    });
  }
  return passes;
}

/** The footprint of one pass over a tile, in UTM metres (ring, counter-clockwise). */
function sampleFootprintUtm(layout: SampleLayout, tile: string, partial: boolean): Array<[number, number]> {
  const { west, north } = layout.tiles[tile]!;
  const metres = layout.pixels * layout.pixelMetres;
  const east = west + metres;
  const south = north - metres;
  const left = partial ? west + swathEdgeColumn(layout) * layout.pixelMetres : west;
  return [
    [left, south],
    [east, south],
    [east, north],
    [left, north],
    [left, south],
  ];
}

function sampleItem(pass: SamplePass, layout: SampleLayout): StacItem {
  const toLonLat = transformer(SAMPLE_CRS, 'EPSG:4326');
  const ring = sampleFootprintUtm(layout, pass.tile, pass.partial).map(([x, y]) => roundPosition(toLonLat(x, y)));
  const lons = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  const { west, north } = layout.tiles[pass.tile]!;
  const assets: StacItem['assets'] = {};
  for (const band of [...layout.bands, 'SCL']) {
    assets[band] = {
      href: `./${band}.tif`,
      type: 'image/tiff; application=geotiff; profile=cloud-optimized',
      roles: [band === 'SCL' ? 'data-mask' : 'data'],
      'proj:shape': [layout.pixels, layout.pixels],
      'proj:transform': [layout.pixelMetres, 0, west, 0, -layout.pixelMetres, north],
      'raster:bands': [{ data_type: band === 'SCL' ? 'uint8' : 'uint16', nodata: 0 }],
    };
  }
  return {
    type: 'Feature',
    stac_version: '1.0.0',
    stac_extensions: ['https://stac-extensions.github.io/projection/v1.1.0/schema.json'],
    id: pass.id,
    collection: SAMPLE_COLLECTION,
    geometry: { type: 'Polygon', coordinates: [ring] },
    bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
    properties: {
      datetime: pass.time.toISOString(),
      platform: pass.partial ? 'sentinel-2b' : 'sentinel-2a',
      constellation: 'sentinel-2',
      'proj:epsg': 32737,
      's2:mgrs_tile': pass.tile,
    },
    assets,
    links: [],
  };
}

export function sampleItems(choice: SampleChoice = {}): StacItem[] {
  return samplePasses(choice).map((pass) => sampleItem(pass, choice.layout ?? DEFAULT_LAYOUT));
}

function roundPosition([x, y]: [number, number]): [number, number] {
  return [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7];
}

/** UTM coordinates of the centre of pixel (col, row) of a tile. */
function pixelCentre(layout: SampleLayout, tile: string, col: number, row: number): [number, number] {
  const { west, north } = layout.tiles[tile]!;
  return [west + (col + 0.5) * layout.pixelMetres, north - (row + 0.5) * layout.pixelMetres];
}

/** The rasters of one pass: the reflectance bands as DN (uint16, nodata 0) and SCL (uint8, nodata 0). */
function renderPass(pass: SamplePass, ground: TileGround, layout: SampleLayout): Record<string, Uint16Array | Uint8Array> {
  const side = layout.pixels;
  const n = side * side;
  const scl = new Uint8Array(n);
  const bands = layout.bands.map(() => new Uint16Array(n));
  const dayOfYear = Math.floor((pass.time.getTime() - Date.UTC(pass.time.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const firstCol = pass.partial ? swathEdgeColumn(layout) : 0;
  for (let row = 0; row < side; row++) {
    for (let col = firstCol; col < side; col++) {
      const p = row * side + col;
      const [x, y] = pixelCentre(layout, pass.tile, col, row);
      const cover = ground.cover[p]!;
      const sky = skyAt(pass.date, x, y);
      scl[p] = sclOf(sky, cover);
      layout.bands.forEach((band, b) => {
        bands[b]![p] = dnOf(observedReflectance(surfaceReflectance(band, cover, ground.texture[p]!, dayOfYear), sky));
      });
    }
  }
  const out: Record<string, Uint16Array | Uint8Array> = {};
  layout.bands.forEach((band, b) => (out[band] = bands[b]!));
  out['SCL'] = scl;
  return out;
}

/** What does not change from date to date in a tile: its cover and texture. */
interface TileGround {
  cover: Cover[];
  texture: Float32Array;
}

function tileGround(tile: string, layout: SampleLayout): TileGround {
  const side = layout.pixels;
  const cover = new Array<Cover>(side * side);
  const texture = new Float32Array(side * side);
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const [x, y] = pixelCentre(layout, tile, col, row);
      cover[row * side + col] = coverAt(x, y);
      texture[row * side + col] = textureAt(x, y);
    }
  }
  return { cover, texture };
}

/** Writes the catalogue (catalog.json → s2_l2a/collection.json → ID/ID.json + ID/BAND.tif) under `root`. */
export async function writeSampleCatalog(
  root: string,
  options: SampleChoice & { onItem?: (done: number, total: number) => void } = {},
): Promise<SampleCatalog> {
  const layout = options.layout ?? DEFAULT_LAYOUT;
  const passes = samplePasses(options);
  const items = passes.map((pass) => sampleItem(pass, layout));
  const collectionDir = path.join(root, SAMPLE_COLLECTION);
  await fs.mkdir(collectionDir, { recursive: true });
  const grounds = new Map([...new Set(passes.map((p) => p.tile))].map((t) => [t, tileGround(t, layout)]));
  for (const [i, pass] of passes.entries()) {
    const dir = path.join(collectionDir, pass.id);
    await fs.mkdir(dir, { recursive: true });
    const { west, north } = layout.tiles[pass.tile]!;
    const geobox = {
      crs: SAMPLE_CRS,
      affine: [layout.pixelMetres, 0, west, 0, -layout.pixelMetres, north] as const,
      width: layout.pixels,
      height: layout.pixels,
    };
    const rasters = renderPass(pass, grounds.get(pass.tile)!, layout);
    const item = items[i]!;
    for (const [band, data] of Object.entries(rasters)) {
      // DEFLATE with the horizontal predictor (the default for integer bands), as Sentinel-2 COGs are made.
      const cog = encodeCog({ geobox, data, nodata: 0 }, { zlevel: 1, blocksize: layout.blocksize, overviewResampling: band === 'SCL' ? 'mode' : 'average' });
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
    options.onItem?.(i + 1, passes.length);
  }
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
    id: SAMPLE_COLLECTION,
    description: 'Synthetic Sentinel-2 Level-2A surface reflectance (two tiles, 2021, 120 m)',
    license: 'CC-BY-4.0',
    extent: { spatial: { bbox: [extent] }, temporal: { interval: [[times[0], times[times.length - 1]]] } },
    links: [
      { rel: 'root', href: '../catalog.json', type: 'application/json' },
      { rel: 'parent', href: '../catalog.json', type: 'application/json' },
      ...items.map((i) => ({ rel: 'item', href: `./${i.id}/${i.id}.json`, type: 'application/geo+json' })),
    ],
  };
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
  await fs.writeFile(path.join(collectionDir, 'collection.json'), JSON.stringify(collection, null, 2));
  // The root last: a catalogue whose catalog.json exists is complete.
  await fs.writeFile(path.join(root, 'catalog.json'), JSON.stringify(catalog, null, 2));
  return { root, catalogPath: path.join(root, 'catalog.json'), items };
}
