/**
 * Small synthetic Landsat collections beside the Sentinel-2 sample, each a STAC collection of
 * COGs laid out as DEA publishes them: Landsat 8 ARD (`ga_ls8c_ard_3`: nbart bands, `oa_fmask`,
 * `oa_nbart_contiguity`), water observations (`ga_ls_wo_3`: `water`), fractional cover
 * (`ga_ls_fc_3`: `pv`, `npv`, `bs`, `ue`) and an elevation model (`ga_srtm_dem1sv1_0`:
 * `dem_h`). Two scenes of one path (rows 60 and 61, one above the other, 160 px of 120 m) on
 * the northern edge of the Sentinel-2 sample's tile 37MBU, seen every 16 days from 10 January
 * 2021, the second row 24 s after the first (the same solar day). Every third pass misses the
 * scenes' western quarter, and the two columns at its edge lack a band (non-contiguous). The
 * water observations and fractional cover of a pass share its time, region code, label and
 * footprint, as DEA's derivatives of one ARD dataset do, so that products fuse them. What each
 * pixel holds is `landsatPixel` (landsat-scene.ts says why).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { StacItem } from '../../shared/stac.js';
import type { SampleArray } from '../../worker/raster.js';
import {
  CONTIGUITY_NODATA,
  DEM_NODATA,
  FC_BANDS,
  FC_NODATA,
  NBART_BANDS,
  NBART_NODATA,
  WO_NODATA,
  type LandsatGround,
  type LandsatObservation,
  type Seen,
  landsatConditions,
  landsatGround,
  landsatObservation,
} from './landsat-scene.js';
import { lonLatFootprint, writeSampleCollection, writeSampleItem, type SampleBandRaster } from './sample-stac.js';

export const LANDSAT_ARD_COLLECTION = 'ga_ls8c_ard_3';
export const WATER_OBSERVATIONS_COLLECTION = 'ga_ls_wo_3';
export const FRACTIONAL_COVER_COLLECTION = 'ga_ls_fc_3';
export const DEM_COLLECTION = 'ga_srtm_dem1sv1_0';
export type LandsatCollection =
  | typeof LANDSAT_ARD_COLLECTION
  | typeof WATER_OBSERVATIONS_COLLECTION
  | typeof FRACTIONAL_COVER_COLLECTION
  | typeof DEM_COLLECTION;

const LANDSAT_CRS = 'EPSG:32737';
const LANDSAT_EPSG = 32737;
const LANDSAT_START = Date.UTC(2021, 0, 10, 7, 41, 0);
const LANDSAT_REVISIT_DAYS = 16;
const LANDSAT_DATES = 20;
/** Seconds between the passes over consecutive rows of a path. */
const ROW_SECONDS = 24;
const NONCONTIGUOUS_COLUMNS = 2;
/** SRTM's mission, the elevation model's time. */
const DEM_TIME = '2000-02-11T00:00:00Z';

/** Where the Landsat scenes lie (UTM 37S) and how their COGs are made. */
export interface LandsatLayout {
  pixelMetres: number;
  /** Pixels per scene side. */
  pixels: number;
  /** WRS-2 path and row (PPPRRR) → western and northern edge in UTM 37S metres. */
  scenes: Record<string, { west: number; north: number }>;
  /** COG block side, pixels (a multiple of 16). */
  blocksize: number;
}

/**
 * Scene origins are multiples of 19 200 m (160 × 120 m), so that each scene is one tile of the
 * grid 'EPSG:32737;120;160', pixel for pixel.
 */
export const LANDSAT_LAYOUT: LandsatLayout = {
  pixelMetres: 120,
  pixels: 160,
  scenes: {
    '168060': { west: 249_600, north: 9_907_200 },
    '168061': { west: 249_600, north: 9_888_000 },
  },
  blocksize: 64,
};

/** Which part of the Landsat sample to make. */
export interface LandsatChoice {
  dates?: number;
  scenes?: string[];
  layout?: LandsatLayout;
}

export interface LandsatPass {
  scene: string;
  /** Index of the acquisition date, 0 … dates − 1. */
  date: number;
  time: Date;
  /** The first column with data when the pass misses the scene's western part; null when it sees it whole. */
  edgeColumn: number | null;
}

export function landsatPasses(choice: LandsatChoice = {}): LandsatPass[] {
  const layout = choice.layout ?? LANDSAT_LAYOUT;
  const passes: LandsatPass[] = [];
  for (let date = 0; date < (choice.dates ?? LANDSAT_DATES); date++) {
    Object.keys(layout.scenes).forEach((scene, s) => {
      if (choice.scenes && !choice.scenes.includes(scene)) return;
      const time = new Date(LANDSAT_START + date * LANDSAT_REVISIT_DAYS * 86_400_000 + s * ROW_SECONDS * 1000);
      passes.push({ scene, date, time, edgeColumn: date % 3 === 2 ? Math.round(layout.pixels / 4) : null });
    });
  }
  return passes;
}

/** UTM 37S coordinates of the centre of pixel (col, row) of a scene. */
export function landsatPixelCentre(layout: LandsatLayout, scene: string, col: number, row: number): [number, number] {
  const { west, north } = layout.scenes[scene]!;
  return [west + (col + 0.5) * layout.pixelMetres, north - (row + 0.5) * layout.pixelMetres];
}

function seenBy(pass: LandsatPass, col: number): Seen {
  if (pass.edgeColumn === null || col >= pass.edgeColumn + NONCONTIGUOUS_COLUMNS) return 'observed';
  return col < pass.edgeColumn ? 'nodata' : 'noncontiguous';
}

function dayOfYear(time: Date): number {
  return Math.floor((time.getTime() - Date.UTC(time.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** Every value a pass writes at pixel (col, row) of its scene, in every collection of the pass. */
export function landsatPixel(pass: LandsatPass, col: number, row: number, layout: LandsatLayout = LANDSAT_LAYOUT): LandsatObservation {
  const [x, y] = landsatPixelCentre(layout, pass.scene, col, row);
  return observationAt(pass, col, landsatGround(x, y), x, y);
}

function observationAt(pass: LandsatPass, col: number, ground: LandsatGround, x: number, y: number): LandsatObservation {
  return landsatObservation(seenBy(pass, col), landsatConditions(ground, x, y, pass.date, dayOfYear(pass.time)));
}

/** The elevation model's value at pixel (col, row) of a scene (float32). */
export function demPixel(scene: string, col: number, row: number, layout: LandsatLayout = LANDSAT_LAYOUT): number {
  const [x, y] = landsatPixelCentre(layout, scene, col, row);
  return Math.fround(landsatGround(x, y).elevation);
}

interface AssetSpec {
  dtype: 'int16' | 'uint8' | 'float32';
  nodata: number;
  role: string;
  overviewResampling: SampleBandRaster['overviewResampling'];
}

const nbart: AssetSpec = { dtype: 'int16', nodata: NBART_NODATA, role: 'data', overviewResampling: 'average' };
const COLLECTIONS: Record<LandsatCollection, { family: string; description: string; assets: Record<string, AssetSpec> }> = {
  [LANDSAT_ARD_COLLECTION]: {
    family: 'ard',
    description: 'Synthetic Landsat 8 analysis ready data, DEA Collection 3 style (two scenes, 2021, 120 m)',
    assets: {
      ...Object.fromEntries(NBART_BANDS.map((b) => [b, nbart])),
      oa_fmask: { dtype: 'uint8', nodata: 0, role: 'data-mask', overviewResampling: 'mode' },
      oa_nbart_contiguity: { dtype: 'uint8', nodata: CONTIGUITY_NODATA, role: 'data-mask', overviewResampling: 'mode' },
    },
  },
  [WATER_OBSERVATIONS_COLLECTION]: {
    family: 'wo',
    description: 'Synthetic Landsat water observations, DEA Collection 3 style (bit flags)',
    assets: { water: { dtype: 'uint8', nodata: WO_NODATA, role: 'data', overviewResampling: 'mode' } },
  },
  [FRACTIONAL_COVER_COLLECTION]: {
    family: 'fc',
    description: 'Synthetic Landsat fractional cover, DEA Collection 3 style (percent)',
    assets: Object.fromEntries(FC_BANDS.map((b) => [b, { dtype: 'uint8', nodata: FC_NODATA, role: 'data', overviewResampling: 'average' }])),
  },
  [DEM_COLLECTION]: {
    family: 'dem',
    description: 'Synthetic elevation model, SRTM style (metres)',
    assets: { dem_h: { dtype: 'float32', nodata: DEM_NODATA, role: 'data', overviewResampling: 'average' } },
  },
};

/**
 * A pass's footprint (UTM ring): a metre inside the edges of its data, as footprints traced from
 * the data lie inside them, so that a scene does not reach the neighbouring tiles of a grid
 * aligned with it.
 */
function footprint(layout: LandsatLayout, scene: string, edgeColumn: number | null): Array<[number, number]> {
  const { west, north } = layout.scenes[scene]!;
  const metres = layout.pixels * layout.pixelMetres;
  const [left, right] = [west + (edgeColumn ?? 0) * layout.pixelMetres + 1, west + metres - 1];
  const [bottom, top] = [north - metres + 1, north - 1];
  return [
    [left, bottom],
    [right, bottom],
    [right, top],
    [left, top],
    [left, bottom],
  ];
}

/** One item: a pass's, or (the elevation model) a scene's. */
function landsatItem(collection: LandsatCollection, layout: LandsatLayout, scene: string, pass?: LandsatPass): StacItem {
  const spec = COLLECTIONS[collection];
  const { west, north } = layout.scenes[scene]!;
  const { geometry, bbox } = lonLatFootprint(LANDSAT_CRS, footprint(layout, scene, pass?.edgeColumn ?? null));
  const assets: StacItem['assets'] = {};
  for (const [band, asset] of Object.entries(spec.assets)) {
    assets[band] = {
      href: `./${band}.tif`,
      type: 'image/tiff; application=geotiff; profile=cloud-optimized',
      roles: [asset.role],
      'proj:shape': [layout.pixels, layout.pixels],
      'proj:transform': [layout.pixelMetres, 0, west, 0, -layout.pixelMetres, north],
      'raster:bands': [{ data_type: asset.dtype, nodata: asset.nodata }],
    };
  }
  // DEA labels a derivative as its source: product, region, day, maturity; fusing matches them without the product.
  const id = pass ? `${collection}_${scene}_${pass.time.toISOString().slice(0, 10)}_final` : `${collection}_${scene}`;
  const properties: StacItem['properties'] = {
    title: id,
    datetime: pass ? pass.time.toISOString() : DEM_TIME,
    ...(pass && { platform: 'landsat-8', instruments: ['oli', 'tirs'], 'dea:dataset_maturity': 'final' }),
    'odc:product': collection,
    'odc:product_family': spec.family,
    'odc:region_code': scene,
    'landsat:wrs_path': Number(scene.slice(0, 3)),
    'landsat:wrs_row': Number(scene.slice(3)),
    'proj:epsg': LANDSAT_EPSG,
  };
  return {
    type: 'Feature',
    stac_version: '1.0.0',
    stac_extensions: ['https://stac-extensions.github.io/projection/v1.1.0/schema.json', 'https://stac-extensions.github.io/raster/v1.1.0/schema.json'],
    id,
    collection,
    geometry,
    bbox,
    properties,
    assets,
    links: [],
  };
}

/** The items of one collection, one per pass (the elevation model: one per scene). */
export function landsatItems(collection: LandsatCollection, choice: LandsatChoice = {}): StacItem[] {
  const layout = choice.layout ?? LANDSAT_LAYOUT;
  if (collection === DEM_COLLECTION) {
    return Object.keys(layout.scenes)
      .filter((scene) => !choice.scenes || choice.scenes.includes(scene))
      .map((scene) => landsatItem(collection, layout, scene));
  }
  return landsatPasses(choice).map((pass) => landsatItem(collection, layout, pass.scene, pass));
}

/** The rasters of one item: each pixel's observation (or elevation), split into the collection's bands. */
function renderItem(collection: LandsatCollection, layout: LandsatLayout, grounds: Map<string, LandsatGround[]>, scene: string, pass?: LandsatPass): Record<string, SampleBandRaster> {
  const spec = COLLECTIONS[collection];
  const side = layout.pixels;
  const data: Record<string, SampleArray> = {};
  for (const [band, asset] of Object.entries(spec.assets)) {
    data[band] = asset.dtype === 'int16' ? new Int16Array(side * side) : asset.dtype === 'uint8' ? new Uint8Array(side * side) : new Float32Array(side * side);
  }
  const ground = grounds.get(scene)!;
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const p = row * side + col;
      const [x, y] = landsatPixelCentre(layout, scene, col, row);
      if (!pass) {
        data['dem_h']![p] = ground[p]!.elevation;
        continue;
      }
      const observation = observationAt(pass, col, ground[p]!, x, y);
      for (const band of Object.keys(data)) data[band]![p] = valueOf(observation, band);
    }
  }
  return Object.fromEntries(Object.entries(spec.assets).map(([band, asset]) => [band, { data: data[band]!, nodata: asset.nodata, overviewResampling: asset.overviewResampling }]));
}

function valueOf(o: LandsatObservation, band: string): number {
  switch (band) {
    case 'oa_fmask':
      return o.fmask;
    case 'oa_nbart_contiguity':
      return o.contiguity;
    case 'water':
      return o.water;
    case 'pv':
    case 'npv':
    case 'bs':
    case 'ue':
      return o.fc[band];
    default:
      return o.nbart[band as keyof LandsatObservation['nbart']];
  }
}

function sceneGround(layout: LandsatLayout, scene: string): LandsatGround[] {
  const ground: LandsatGround[] = [];
  for (let row = 0; row < layout.pixels; row++) {
    for (let col = 0; col < layout.pixels; col++) ground.push(landsatGround(...landsatPixelCentre(layout, scene, col, row)));
  }
  return ground;
}

/** Writes one collection under ROOT/COLLECTION (its catalog.json is the caller's); `onItem` after each item. */
export async function writeLandsatCollection(root: string, collection: LandsatCollection, choice: LandsatChoice = {}, onItem?: () => void): Promise<StacItem[]> {
  const layout = choice.layout ?? LANDSAT_LAYOUT;
  const items = landsatItems(collection, choice);
  const passes = collection === DEM_COLLECTION ? [] : landsatPasses(choice);
  const collectionDir = path.join(root, collection);
  await fs.mkdir(collectionDir, { recursive: true });
  const grounds = new Map<string, LandsatGround[]>();
  for (const [i, item] of items.entries()) {
    const pass = passes[i];
    const scene = String(item.properties['odc:region_code']);
    if (!grounds.has(scene)) grounds.set(scene, sceneGround(layout, scene));
    const { west, north } = layout.scenes[scene]!;
    const geobox = { crs: LANDSAT_CRS, affine: [layout.pixelMetres, 0, west, 0, -layout.pixelMetres, north] as const, width: layout.pixels, height: layout.pixels };
    await writeSampleItem(collectionDir, item, geobox, renderItem(collection, layout, grounds, scene, pass), layout.blocksize);
    onItem?.();
  }
  await writeSampleCollection(root, collection, COLLECTIONS[collection].description, items);
  return items;
}
