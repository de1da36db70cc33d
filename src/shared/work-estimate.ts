import { isGeographicCrs } from './crs.js';
import { formatBytes } from './format-bytes.js';
import type { GridSpec } from './grid.js';
import type { StacAsset, StacItem } from './stac.js';

/**
 * What a planned run will cost, so that a user can size it before starting it. The plan does
 * not know the run's plugin: every raster asset of a dataset counts as an input band.
 */
export interface WorkEstimate {
  /** Output pixels × observations (same-day observations fused), summed over tasks. */
  pixelObservations: number;
  /**
   * Pixels the decoder produces, in bytes at each input's sample size: for every task and
   * dataset, each band over the part of the tile the dataset's footprint covers, at the
   * resolution read (the native one, or the overview a coarser output reads), in whole blocks
   * (see ASSUMED_BLOCK).
   */
  decodedBytes: number;
  /**
   * Compressed bytes fetched from storage, from the assets' `file:size` scaled by the part of
   * the file in the blocks read; null when some asset has no `file:size`.
   */
  fileBytes: number | null;
  /** Peak memory of the process computing the largest task (see largestTaskMemory). */
  largestTaskBytes: number;
}

/** A raster asset as a reader meets it. */
export interface RasterAsset {
  /** Bytes of one decoded sample: `raster:bands` data type, else 16-bit. */
  sampleBytes: number;
  /** Pixel size in the item's CRS units (metres for projected CRSs); undefined when unknown. */
  nativeResolution: number | undefined;
  /** `file:size`, when the catalogue gives it. */
  fileSize: number | undefined;
  /** `proj:shape` (rows, columns), when the catalogue gives it. */
  shape: readonly [number, number] | undefined;
}

/** What a plan adds up over its task–dataset links, and the largest dataset. */
export interface PlanReads {
  decodedBytes: number;
  fileBytes: number | null;
  /** The most raster bands of one dataset. */
  bands: number;
  /** The most decoded bytes of one dataset's bands at one pixel. */
  sampleBytes: number;
}

export interface TaskLoad {
  datasets: number;
  days: number;
}

const DEFAULT_SAMPLE_BYTES = 2;
/**
 * The side of a COG's blocks, which catalogues do not give: GDAL's COG default. A reader decodes
 * whole blocks, so a window of s × s pixels at an unknown offset spans about (s + block)² of
 * them, but never more than the image has.
 */
const ASSUMED_BLOCK = 512;
const SAMPLE_BYTES: Record<string, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  float16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
  cint16: 4,
  cint32: 8,
  cfloat32: 8,
  cfloat64: 16,
};

/**
 * The memory model of a task process, for the task engine of `src/worker/run-task.ts` as it is:
 * - the process itself (Node, its modules, the WebAssembly kernel): TASK_PROCESS_BYTES, and
 *   REDUCE_THREAD_BYTES more for each reduce thread (its own V8 heap and kernel);
 * - the chunks alive: the one being reduced and, with reduce threads (which share it, each a
 *   run of its rows), the next one being loaded (as far as the tile has chunks), each every
 *   input band of every observation as decoded;
 * - for each thread reducing, the reduction's float32 stack of a batch of pixels
 *   (REDUCE_BATCH_PIXELS, the geomedian's) twice: the plugin's and the kernel's copy in its
 *   WebAssembly memory, which never shrinks;
 * - the outputs gathered into stripes of the tile's width and a chunk's height, two at once as
 *   chunks finish out of order, OUTPUT_BYTES a pixel (a geomedian's ten uint16 bands, three
 *   float32 MADs and a count); the COGs stream their tiles through scratch files.
 * Without `memory_limit` a task computes chunks of DEFAULT_CHUNK_SIDE (run-task.ts's
 * DEFAULT_CHUNK), with one reduce thread per CPU when it is the only task process.
 * Checked against runs by src/main/run/work-estimate-run.test.ts, and in docs/benchmarks.md.
 */
export const TASK_PROCESS_BYTES = 160 * 2 ** 20;
const REDUCE_THREAD_BYTES = 40 * 2 ** 20;
const DEFAULT_CHUNK_SIDE = 512;
const REDUCE_BATCH_PIXELS = 32_768;
const STACK_BYTES = 4 + 4;
const OUTPUT_BYTES = 10 * 2 + 3 * 4 + 2;
const STRIPES = 2;

/** How a run computes its tasks, as far as the memory of one task process goes. */
export interface TaskEngine {
  /** Threads reducing a task's chunks beside the one loading them (1: the loading thread reduces too). */
  reduceThreads: number;
  chunkSide?: number;
}

export function estimateWork(grid: GridSpec, tasks: Iterable<TaskLoad>, reads: PlanReads, engine: TaskEngine): WorkEstimate {
  let days = 0;
  let maxDays = 0;
  for (const t of tasks) {
    days += t.days;
    if (t.days > maxDays) maxDays = t.days;
  }
  return {
    pixelObservations: grid.tileShape * grid.tileShape * days,
    decodedBytes: Math.round(reads.decodedBytes),
    fileBytes: reads.fileBytes === null ? null : Math.round(reads.fileBytes),
    largestTaskBytes: maxDays === 0 ? 0 : largestTaskMemory(grid.tileShape, maxDays, reads.bands, reads.sampleBytes, engine),
  };
}

/** Peak memory of a task process computing a tile of `tileShape`² pixels from `days` observations (see TASK_PROCESS_BYTES). */
export function largestTaskMemory(tileShape: number, days: number, bands: number, sampleBytes: number, engine: TaskEngine): number {
  const side = Math.min(engine.chunkSide ?? DEFAULT_CHUNK_SIDE, tileShape);
  const chunks = Math.ceil(tileShape / side) ** 2;
  const threads = engine.reduceThreads > 1 ? engine.reduceThreads : 0;
  const loading = threads > 0 && chunks > 1 ? 1 : 0;
  const chunkInputs = side * side * days * sampleBytes;
  const stack = Math.min(side * side, REDUCE_BATCH_PIXELS) * days * bands * STACK_BYTES;
  const stripes = Math.min(STRIPES, Math.ceil(tileShape / side)) * tileShape * side * OUTPUT_BYTES;
  return TASK_PROCESS_BYTES + threads * REDUCE_THREAD_BYTES + (1 + loading) * chunkInputs + Math.max(1, threads) * stack + stripes;
}

/**
 * The estimate's bytes in words, as the CLI and the app print them after the pixel-observations:
 * "about 1.20 GiB of pixels to decode (180 MiB of files to read); largest task about 300 MiB of memory".
 */
export function describeWorkBytes(e: WorkEstimate): string {
  const files = e.fileBytes === null ? '' : ` (${formatBytes(e.fileBytes)} of files to read)`;
  return `about ${formatBytes(e.decodedBytes)} of pixels to decode${files}; largest task about ${formatBytes(e.largestTaskBytes)} of memory`;
}

/** How a raster asset of an item reads: its sample size, pixel size and file size, as far as the catalogue says. */
export function rasterAsset(asset: StacAsset, item: StacItem): RasterAsset {
  return {
    sampleBytes: sampleBytesOf(asset),
    nativeResolution: nativeResolutionOf(asset, item),
    fileSize: positiveNumber(asset['file:size']),
    shape: shapeOf(asset['proj:shape'] ?? item.properties['proj:shape']),
  };
}

/**
 * What one dataset adds to a task's reads: `cover` is the part of the tile its footprint
 * covers, `footprintShare` the part of its footprint inside the tile.
 */
export function datasetReads(grid: GridSpec, assets: readonly RasterAsset[], cover: number, footprintShare: number): { decodedBytes: number; fileBytes: number | null } {
  let decodedBytes = 0;
  let fileBytes: number | null = 0;
  for (const a of assets) {
    const native = isGeographicCrs(grid.crs) ? undefined : a.nativeResolution;
    const read = readResolution(native, grid.resolution);
    // The covered part of the tile as a square, in pixels read, widened to whole blocks.
    const span = Math.sqrt(cover) * grid.tileShape * (grid.resolution / read) + ASSUMED_BLOCK;
    const scale = native === undefined ? 1 : native / read;
    const rows = a.shape ? Math.min(span, Math.ceil(a.shape[0] * scale)) : span;
    const columns = a.shape ? Math.min(span, Math.ceil(a.shape[1] * scale)) : span;
    decodedBytes += rows * columns * a.sampleBytes;
    // The file's share in the blocks read where its size in pixels is known, else its
    // footprint's share in the tile; at an overview of factor f, about 1/f² of the file.
    const share = a.shape ? Math.min(1, (rows * columns) / (a.shape[0] * a.shape[1] * scale * scale)) : footprintShare;
    fileBytes = fileBytes === null || a.fileSize === undefined ? null : fileBytes + a.fileSize * share * scale * scale;
  }
  return { decodedBytes, fileBytes };
}

/**
 * The pixel size a reader decodes for an output of `output` pixels: the native one where the
 * output is as fine or finer, else the coarsest power-of-two overview no coarser than the
 * output (how load-band picks a COG's overview).
 */
function readResolution(native: number | undefined, output: number): number {
  if (native === undefined || !(native > 0) || output <= native) return native !== undefined && native > 0 ? native : output;
  return native * 2 ** Math.floor(Math.log2(output / native) + 1e-9);
}

function sampleBytesOf(asset: StacAsset): number {
  const bands = asset['raster:bands'];
  if (!Array.isArray(bands) || bands.length === 0) return DEFAULT_SAMPLE_BYTES;
  let bytes = 0;
  for (const band of bands as unknown[]) {
    const type = typeof band === 'object' && band !== null ? (band as Record<string, unknown>)['data_type'] : undefined;
    bytes += (typeof type === 'string' ? SAMPLE_BYTES[type] : undefined) ?? DEFAULT_SAMPLE_BYTES;
  }
  // A multi-band asset is read one band at a time: its first band is what a plugin input reads.
  return bytes / bands.length;
}

function nativeResolutionOf(asset: StacAsset, item: StacItem): number | undefined {
  const epsg = asset['proj:epsg'] ?? item.properties['proj:epsg'];
  const code = asset['proj:code'] ?? item.properties['proj:code'];
  if (epsg === 4326 || code === 'EPSG:4326') return undefined;
  const transform = asset['proj:transform'] ?? item.properties['proj:transform'];
  if (Array.isArray(transform) && typeof transform[0] === 'number' && transform[0] !== 0) return Math.abs(transform[0]);
  return positiveNumber(asset['gsd']) ?? positiveNumber(item.properties['gsd']);
}

function shapeOf(value: unknown): [number, number] | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [rows, columns] = value.map(positiveNumber);
  return rows !== undefined && columns !== undefined ? [rows, columns] : undefined;
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
