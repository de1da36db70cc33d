import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { StacItem } from '../../shared/stac.js';
import { startWorker } from '../../io/source-entry.js';
import { landsatItems, writeLandsatCollection, type LandsatChoice, type LandsatCollection } from './landsat-sample.js';
import { lonLatFootprint, writeSampleCollection, writeSampleItem, writeSampleRoot, type SampleBandRaster } from './sample-stac.js';
import {
  REFLECTANCE_BANDS,
  type SampleBand,
  coverAt,
  dnOf,
  observedReflectance,
  sclOf,
  coverReflectance,
  skyOn,
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

/** The collections the sample can hold: Sentinel-2 L2A (the default) and the Landsat-like ones (landsat-sample.ts). */
type SampleCollection = typeof SAMPLE_COLLECTION | LandsatCollection;

/** Which part of the sample to make: fewer dates or tiles make a quicker sample for tests. */
export interface SampleChoice {
  /** Sentinel-2's dates. */
  dates?: number;
  /** Sentinel-2's tiles. */
  tiles?: string[];
  /** Another layout than the embedded sample's, for Sentinel-2. */
  layout?: SampleLayout;
  /** The collections to write; default Sentinel-2 only. */
  collections?: readonly SampleCollection[];
  /** Dates, scenes and layout of the Landsat-like collections. */
  landsat?: LandsatChoice;
  /** Threads rendering and encoding Sentinel-2's passes (default 1: this one). */
  threads?: number;
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
  const { geometry, bbox } = lonLatFootprint(SAMPLE_CRS, sampleFootprintUtm(layout, pass.tile, pass.partial));
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
    geometry,
    bbox,
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

/** UTM coordinates of the centre of pixel (col, row) of a tile. */
function pixelCentre(layout: SampleLayout, tile: string, col: number, row: number): [number, number] {
  const { west, north } = layout.tiles[tile]!;
  return [west + (col + 0.5) * layout.pixelMetres, north - (row + 0.5) * layout.pixelMetres];
}

/** The rasters of one pass: the reflectance bands as DN (uint16, nodata 0) and SCL (uint8, nodata 0). */
function renderPass(pass: SamplePass, ground: TileGround, layout: SampleLayout): Record<string, SampleBandRaster> {
  const side = layout.pixels;
  const n = side * side;
  const scl = new Uint8Array(n);
  const bands = layout.bands.map(() => new Uint16Array(n));
  const dayOfYear = Math.floor((pass.time.getTime() - Date.UTC(pass.time.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const skyHere = skyOn(pass.date);
  // Each cover's reflectance in each band on this day: a pixel's is its cover's times its texture.
  const spectra = COVERS.map((cover) => layout.bands.map((band) => coverReflectance(band, cover, dayOfYear)));
  const firstCol = pass.partial ? swathEdgeColumn(layout) : 0;
  for (let row = 0; row < side; row++) {
    for (let col = firstCol; col < side; col++) {
      const p = row * side + col;
      const [x, y] = pixelCentre(layout, pass.tile, col, row);
      const coverIndex = ground.cover[p]!;
      const spectrum = spectra[coverIndex]!;
      const texture = ground.texture[p]!;
      const sky = skyHere(x, y);
      scl[p] = sclOf(sky, COVERS[coverIndex]!);
      for (let b = 0; b < bands.length; b++) bands[b]![p] = dnOf(observedReflectance(spectrum[b]! * texture, sky));
    }
  }
  const out: Record<string, SampleBandRaster> = {};
  layout.bands.forEach((band, b) => (out[band] = { data: bands[b]!, nodata: 0, overviewResampling: 'average' }));
  out['SCL'] = { data: scl, nodata: 0, overviewResampling: 'mode' };
  return out;
}

const COVERS: readonly Cover[] = ['water', 'bare', 'vegetation'];

/** What does not change from date to date in a tile: its cover (an index into COVERS) and texture. */
interface TileGround {
  cover: Uint8Array;
  texture: Float32Array;
}

function tileGround(tile: string, layout: SampleLayout): TileGround {
  const side = layout.pixels;
  const cover = new Uint8Array(side * side);
  const texture = new Float32Array(side * side);
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const [x, y] = pixelCentre(layout, tile, col, row);
      cover[row * side + col] = COVERS.indexOf(coverAt(x, y));
      texture[row * side + col] = textureAt(x, y);
    }
  }
  return { cover, texture };
}

/** Writes the catalogue: catalog.json → one folder per collection (collection.json, ID/ID.json + ID/BAND.tif) under `root`. */
export async function writeSampleCatalog(
  root: string,
  options: SampleChoice & { onItem?: (done: number, total: number) => void } = {},
): Promise<SampleCatalog> {
  const collections = options.collections ?? [SAMPLE_COLLECTION];
  const landsat = collections.filter((c): c is LandsatCollection => c !== SAMPLE_COLLECTION);
  const passes = collections.includes(SAMPLE_COLLECTION) ? samplePasses(options) : [];
  const total = passes.length + landsat.reduce((sum, c) => sum + landsatItems(c, options.landsat).length, 0);
  let done = 0;
  const onItem = () => options.onItem?.(++done, total);
  const items = await writeSentinel2Collection(root, passes, options.layout ?? DEFAULT_LAYOUT, options.threads ?? 1, onItem);
  for (const collection of landsat) items.push(...(await writeLandsatCollection(root, collection, options.landsat, onItem)));
  const description =
    landsat.length === 0 ? 'Synthetic Sentinel-2 L2A sample for odc-stats desktop' : `Synthetic satellite data for odc-stats desktop: ${collections.join(', ')}`;
  await writeSampleRoot(root, description, collections);
  return { root, catalogPath: path.join(root, 'catalog.json'), items };
}

/** The Sentinel-2 collection's items and COGs under ROOT/s2_l2a, its passes shared out among `threads` threads. */
async function writeSentinel2Collection(root: string, passes: SamplePass[], layout: SampleLayout, threads: number, onItem: () => void): Promise<StacItem[]> {
  if (passes.length === 0) return [];
  const collectionDir = path.join(root, SAMPLE_COLLECTION);
  await fs.mkdir(collectionDir, { recursive: true });
  const count = Math.max(1, Math.min(threads, passes.length));
  const shares = Array.from({ length: count }, (_, t) => passes.filter((_, i) => i % count === t));
  const written =
    count === 1
      ? await writeSentinel2Passes(collectionDir, passes, layout, onItem)
      : (await Promise.all(shares.map((share) => writePassesOnThread({ collectionDir, passes: share, layout }, onItem)))).flat();
  const byId = new Map(written.map((item) => [item.id, item]));
  const items = passes.map((pass) => byId.get(pass.id)!);
  await writeSampleCollection(root, SAMPLE_COLLECTION, 'Synthetic Sentinel-2 Level-2A surface reflectance (two tiles, 2021, 120 m)', items);
  return items;
}

/** Renders and writes the items of `passes` (COGs, then the item), in order; returns them with their files' sizes. */
export async function writeSentinel2Passes(
  collectionDir: string,
  passes: SamplePass[],
  layout: SampleLayout,
  onItem: (item: StacItem) => void,
): Promise<StacItem[]> {
  const items = passes.map((pass) => sampleItem(pass, layout));
  const grounds = new Map([...new Set(passes.map((p) => p.tile))].map((t) => [t, tileGround(t, layout)]));
  for (const [i, pass] of passes.entries()) {
    const { west, north } = layout.tiles[pass.tile]!;
    const geobox = {
      crs: SAMPLE_CRS,
      affine: [layout.pixelMetres, 0, west, 0, -layout.pixelMetres, north] as const,
      width: layout.pixels,
      height: layout.pixels,
    };
    await writeSampleItem(collectionDir, items[i]!, geobox, renderPass(pass, grounds.get(pass.tile)!, layout), layout.blocksize);
    onItem(items[i]!);
  }
  return items;
}

/** What a sample thread (sample-passes-thread.ts) is given to write. */
export interface SamplePassesWork {
  collectionDir: string;
  passes: SamplePass[];
  layout: SampleLayout;
}

/**
 * A message from a sample thread: an item written, or the error that stopped it, with the system
 * error's code and path (a full disk stays a one-line user error, not a bug).
 */
export type SamplePassesMessage = { item: StacItem } | { error: { message: string; code?: string; path?: string } };

const PASSES_THREAD_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './sample-passes-thread.ts' : './sample-passes-thread.js', import.meta.url);

function writePassesOnThread(work: SamplePassesWork, onItem: () => void): Promise<StacItem[]> {
  return new Promise((resolve, reject) => {
    const items: StacItem[] = [];
    const worker = startWorker(PASSES_THREAD_ENTRY, { workerData: work });
    worker.on('message', (message: SamplePassesMessage) => {
      if ('error' in message) return reject(Object.assign(new Error(message.error.message), message.error));
      items.push(message.item);
      onItem();
    });
    worker.on('error', reject);
    worker.on('exit', () => (items.length === work.passes.length ? resolve(items) : reject(new Error('a sample thread stopped before writing its items'))));
  });
}
