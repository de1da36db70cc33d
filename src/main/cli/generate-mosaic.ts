/**
 * odc-stats `generate-mosaic` (odc/stats/_cli_generate_mosaic.py): one low-resolution COG of a
 * whole run's outputs, a continental overview. odc-stats finds the STAC items of a glob, loads
 * the bands it is given from all of them onto one grid of 120 m pixels in their CRS (the union
 * of their footprints, its edges on multiples of the pixel size; nearest sampling, which reads
 * each COG's overview of the matching resolution), and writes them as one COG of 1024-pixel
 * ZSTD (level 4) tiles whose overviews are made with `--resampling` (average by default).
 *
 * Here each band goes through the worker's loader (`loadBand`, which reads the overview that
 * matches the mosaic's pixels) and COG writer. Where items overlap, the first item's valid
 * pixel is kept, as datacube fuses datasets of one time. The mosaic is held in memory, so one
 * band of it may hold at most MAX_MOSAIC_BYTES; a larger one is refused, naming the pixel size
 * that fits.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { commitTemporary, discardTemporary, temporaryPathFor } from '../../io/atomic-file.js';
import { UserError } from '../../shared/errors.js';
import type { Affine, GeoBox } from '../../shared/geobox.js';
import type { StacItem } from '../../shared/stac.js';
import { encodeCog } from '../../worker/cog/cog-writer.js';
import { loadZstdForTiles } from '../../worker/cog/tiles.js';
import type { OverviewResampling } from '../../worker/cog/overviews.js';
import { loadBand } from '../../worker/load/load-band.js';
import { isFloatType } from '../../worker/load/sample-cast.js';
import { bytesPerSample, newSampleArray, type SampleArray, type SampleType } from '../../worker/raster.js';
import { closeCachedCogs, openCachedCog } from '../../worker/load/cog-cache.js';
import { StaticCatalog } from '../catalog/static-catalog.js';
import { listFiles, listUris } from '../io/uri.js';

export interface MosaicRequest {
  /** A glob of STAC item files (local or s3://), or a folder whose `*.stac-item.json` are read. */
  input: string;
  /** The COG to write; with several bands, one COG a band named `{stem}_{band}{ext}`. */
  output: string;
  bands: string[];
  /** Pixel size in the items' CRS units; odc-stats: 120. */
  resolution: number;
  /** How the mosaic COG's overviews are made; odc-stats: average. */
  resampling: OverviewResampling;
  unsigned?: boolean;
  signal?: AbortSignal;
}

export interface MosaicResult {
  items: number;
  geobox: GeoBox;
  files: Array<{ band: string; file: string }>;
}

/** The most bytes one band of the mosaic may hold in memory. */
const MAX_MOSAIC_BYTES = 2 ** 30;
const WILDCARD = /[*?[{]/;
/** odc-stats' tiles and compression of the mosaic COG. */
const MOSAIC_BLOCKSIZE = 1024;
const MOSAIC_ZSTD_LEVEL = 4;

export async function generateMosaic(request: MosaicRequest): Promise<MosaicResult> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(request.output) && !request.output.startsWith('file://')) {
    throw new UserError(`OUTPUT ${request.output} must be a local file: write the mosaic here and copy it where it belongs`);
  }
  const items = await readItems(request);
  checkOneTime(items);
  const footprints = new Map(request.bands.map((band) => [band, items.map((item) => bandFootprint(item, band))]));
  const crs = commonCrs([...footprints.values()].flat());
  const geobox = mosaicGeobox(crs, [...footprints.values()].flat(), request.resolution);
  const files: MosaicResult['files'] = [];
  try {
    for (const band of request.bands) files.push({ band, file: await writeBandMosaic(band, footprints.get(band)!, geobox, request) });
  } finally {
    await closeCachedCogs();
  }
  return { items: items.length, geobox, files };
}

async function writeBandMosaic(band: string, footprints: readonly Footprint[], geobox: GeoBox, request: MosaicRequest): Promise<string> {
  const file = outputFile(request.output, band, request.bands.length);
  const mosaic = await mosaicBand(footprints, geobox, request);
  const tmp = temporaryPathFor(file);
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await loadZstdForTiles();
    await fs.writeFile(tmp, encodeCog(mosaic, { blocksize: MOSAIC_BLOCKSIZE, compress: 'zstd', zstdLevel: MOSAIC_ZSTD_LEVEL, overviewResampling: request.resampling }));
    await commitTemporary(tmp, file);
  } catch (e) {
    await discardTemporary(tmp);
    throw e;
  }
  return file;
}

async function readItems(request: MosaicRequest): Promise<StacItem[]> {
  const options = { unsigned: request.unsigned ?? false, signal: request.signal };
  const uris = WILDCARD.test(request.input) ? await listUris(request.input, options) : await listFolder(request.input, options);
  if (uris.length === 0) throw new UserError(`no STAC items match ${request.input}`);
  const catalog = new StaticCatalog(request.input, { type: 'files', uris, anyCollection: true }, options);
  const items: StacItem[] = [];
  for await (const item of catalog.items({ collections: [] }, request.signal)) items.push(item);
  if (items.length === 0) throw new UserError(`no STAC items among the ${uris.length} files of ${request.input}`);
  return items;
}

async function listFolder(folder: string, options: { unsigned: boolean; signal: AbortSignal | undefined }): Promise<string[]> {
  const isLocal = !/^s3:\/\//i.test(folder);
  if (isLocal && !(await fs.stat(folder.replace(/^file:\/\//, '')).catch(() => undefined))?.isDirectory()) {
    throw new UserError(`INPUT ${folder} is neither a folder nor a glob of STAC item files`);
  }
  return listFiles(folder, '**/*.stac-item.json', options);
}

/** As odc-stats (`squeeze("time")`), the items must be of one time: one period of one product. */
function checkOneTime(items: readonly StacItem[]): void {
  const times = new Set(items.map((item) => String(item.properties['start_datetime'] ?? item.properties.datetime)));
  if (times.size > 1) {
    const [first, second] = [...times].sort();
    throw new UserError(`the items are of ${times.size} times (${first}, ${second}, …): a mosaic is of one period; give a glob of one period's items`);
  }
}

/** Where one band of an item lies: its CRS and its pixel grid's bounds. */
interface Footprint {
  item: string;
  href: string;
  crs: string;
  bounds: [number, number, number, number];
}

function bandFootprint(item: StacItem, band: string): Footprint {
  const asset = item.assets[band];
  if (!asset) throw new UserError(`item ${item.id} has no band '${band}' (its assets: ${Object.keys(item.assets).join(', ')})`);
  const value = (key: string): unknown => (asset as Record<string, unknown>)[key] ?? item.properties[key];
  const transform = value('proj:transform');
  const shape = value('proj:shape');
  const epsg = value('proj:epsg');
  const code = value('proj:code');
  const crs = typeof epsg === 'number' ? `EPSG:${epsg}` : typeof code === 'string' ? code.toUpperCase() : undefined;
  if (!isNumbers(transform, 6) || !isNumbers(shape, 2) || crs === undefined) {
    throw new UserError(`item ${item.id} does not say where band '${band}' lies: it needs proj:transform, proj:shape and proj:epsg (or proj:code)`);
  }
  const [a, b, c, d, e, f] = transform as [number, number, number, number, number, number];
  if (b !== 0 || d !== 0 || a <= 0 || e >= 0) throw new UserError(`item ${item.id}: band '${band}' is not on a north-up grid (proj:transform ${JSON.stringify(transform)})`);
  const [height, width] = shape as [number, number];
  return { item: item.id, href: asset.href, crs, bounds: [c, f + e * height, c + a * width, f] };
}

function isNumbers(value: unknown, length: number): value is number[] {
  return Array.isArray(value) && value.length >= length && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

function commonCrs(footprints: readonly Footprint[]): string {
  const crss = new Set(footprints.map((f) => f.crs));
  if (crss.size > 1) throw new UserError(`the items are in ${crss.size} CRSs (${[...crss].join(', ')}): a mosaic is made in one`);
  return footprints[0]!.crs;
}

/** The union of the footprints on pixels of `resolution`, their edges on multiples of it (datacube's alignment). */
function mosaicGeobox(crs: string, footprints: readonly Footprint[], resolution: number): GeoBox {
  if (!(resolution > 0) || !Number.isFinite(resolution)) throw new UserError(`invalid --resolution ${resolution}: expected a positive pixel size such as 120`);
  const west = Math.min(...footprints.map((f) => f.bounds[0]));
  const south = Math.min(...footprints.map((f) => f.bounds[1]));
  const east = Math.max(...footprints.map((f) => f.bounds[2]));
  const north = Math.max(...footprints.map((f) => f.bounds[3]));
  const left = Math.floor(west / resolution) * resolution;
  const top = Math.ceil(north / resolution) * resolution;
  // A tenth of a pixel of slack, as datacube's GeoBox.from_geopolygon, so rounding adds no pixel.
  const width = Math.max(1, Math.ceil((east - left - 0.1 * resolution) / resolution));
  const height = Math.max(1, Math.ceil((top - south - 0.1 * resolution) / resolution));
  return { crs, affine: [resolution, 0, left, 0, -resolution, top], width, height };
}

/** One band of every item on the mosaic's grid: each item loaded on its part of it, the first valid pixel kept. */
async function mosaicBand(footprints: readonly Footprint[], geobox: GeoBox, request: MosaicRequest): Promise<{ geobox: GeoBox; data: SampleArray; nodata: number | null }> {
  const readOptions = { unsigned: request.unsigned ?? false, ...(request.signal && { signal: request.signal }) };
  // The first item's COG says the band's sample type and nodata, which the mosaic keeps.
  const first = await openCachedCog(footprints[0]!.href, readOptions);
  const mosaic = newMosaic(geobox, first.sampleType, first.nodata);
  for (const footprint of footprints) {
    const part = partOf(geobox, footprint.bounds);
    if (!part) continue;
    const loaded = await loadBand(footprint.href, part.geobox, { ...readOptions, resampling: 'nearest', dtype: first.sampleType, dstNodata: mosaic.nodata });
    paste(mosaic, geobox.width, loaded.data, loaded.nodata, part);
  }
  return { geobox, data: mosaic.data, nodata: mosaic.nodata };
}

function newMosaic(geobox: GeoBox, type: SampleType, sourceNodata: number | null): { data: SampleArray; nodata: number | null; filled: Uint8Array } {
  const pixels = geobox.width * geobox.height;
  const bytes = pixels * bytesPerSample(type);
  if (bytes > MAX_MOSAIC_BYTES) {
    const fits = geobox.affine[0] * Math.sqrt(bytes / MAX_MOSAIC_BYTES);
    throw new UserError(
      `the mosaic would be ${geobox.width} × ${geobox.height} pixels, ${(bytes / 2 ** 30).toFixed(1)} GiB a band, more than the 1 GiB held in memory: give a --resolution of at least ${Math.ceil(fits)}`,
    );
  }
  const nodata = sourceNodata ?? (isFloatType(type) ? Number.NaN : null);
  const data = newSampleArray(type, pixels);
  const fill = nodata ?? 0;
  if (fill !== 0) data.fill(fill);
  return { data, nodata, filled: new Uint8Array(pixels) };
}

interface Part {
  geobox: GeoBox;
  col0: number;
  row0: number;
}

/** The whole pixels of the mosaic that `bounds` reach into, as a geobox of their own. */
function partOf(mosaic: GeoBox, [west, south, east, north]: Footprint['bounds']): Part | undefined {
  const [res, , left, , , top] = mosaic.affine;
  const col0 = Math.max(0, Math.floor((west - left) / res));
  const col1 = Math.min(mosaic.width, Math.ceil((east - left) / res));
  const row0 = Math.max(0, Math.floor((top - north) / res));
  const row1 = Math.min(mosaic.height, Math.ceil((top - south) / res));
  if (col0 >= col1 || row0 >= row1) return undefined;
  const affine: Affine = [res, 0, left + col0 * res, 0, -res, top - row0 * res];
  return { geobox: { crs: mosaic.crs, affine, width: col1 - col0, height: row1 - row0 }, col0, row0 };
}

function paste(mosaic: { data: SampleArray; filled: Uint8Array }, width: number, data: SampleArray, nodata: number | null, part: Part): void {
  const { width: partWidth, height: partHeight } = part.geobox;
  for (let row = 0; row < partHeight; row++) {
    for (let col = 0; col < partWidth; col++) {
      const value = data[row * partWidth + col]!;
      if (value === nodata || Number.isNaN(value)) continue;
      const at = (part.row0 + row) * width + part.col0 + col;
      if (mosaic.filled[at]) continue;
      mosaic.data[at] = value;
      mosaic.filled[at] = 1;
    }
  }
}

/** OUTPUT for one band; with several, `{stem}_{band}{ext}` each. */
function outputFile(output: string, band: string, bands: number): string {
  const file = output.replace(/^file:\/\//, '');
  if (bands === 1) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}_${band}${ext || '.tif'}`;
}
