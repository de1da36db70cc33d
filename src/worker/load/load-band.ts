/**
 * Loading one band of one dataset onto a destination pixel grid: read the source window the
 * destination needs (from the overview that matches its resolution), then copy it where the
 * grids align or resample it where they do not.
 */
import type { CoordinateOperation } from '../../shared/coordinate-operations.js';
import { normaliseCrs } from '../../shared/crs.js';
import { UserError } from '../../shared/errors.js';
import { subGeobox, type Affine, type GeoBox } from '../../shared/geobox.js';
import { type Raster, type SampleArray, type SampleType } from '../raster.js';
import { newSampleArrayIn, type SampleArena } from '../sample-arena.js';
import type { CogLevel } from './cog-metadata.js';
import { openCachedCog } from './cog-cache.js';
import type { OpenCog } from './open-cog.js';
import { readWindow, type Sweep } from './read-window.js';
import { ControlGrid, invertAffine } from './reproject.js';
import { resample, type Resampling } from './resample.js';
import { isFloatType, isRepresentable, rowWriter } from './sample-cast.js';

export { DatasetReadError } from './dataset-read-error.js';
export { closeCachedCogs } from './cog-cache.js';
export type { Resampling } from './resample.js';

export interface LoadOptions {
  /** Default nearest. */
  resampling?: Resampling;
  /**
   * The fill for destination pixels outside the source or on source nodata, and the result's
   * nodata. Default: the source's nodata where the dtype can hold it; else NaN for float
   * results, and for integer results 0 with no nodata. null: no nodata (0 or NaN fill).
   */
  dstNodata?: number | null;
  /** Default: the source's sample type. */
  dtype?: SampleType;
  /** S3 without credentials. */
  unsigned?: boolean;
  /** The datum transformation between the source's CRS and the destination's; PROJ's default without. */
  operation?: CoordinateOperation;
  signal?: AbortSignal;
  /**
   * Set when reading a task's chunks, row after row: how many destination pixels the next
   * chunk's window shares with this one (twice the halo; 0 for a read without one). Decoded
   * blocks the next windows will not read are then not kept. Without it, every block is kept
   * while the cache has room (previews read the same blocks in any order).
   */
  chunkOverlap?: number;
  /**
   * The result covers `dst` grown by this many pixels on every side, left as the fill: only `dst`
   * is read (a band a task reads without its chunks' halo, placed in the halo'd chunk).
   */
  margin?: number;
  /** Where the result's samples go: a chunk's arena (see ../sample-arena.ts); an array of its own without. */
  arena?: SampleArena;
}

/** Source pixels of margin around the window the destination maps to, for bilinear's neighbours. */
const WINDOW_PADDING = 2;
/** How far from whole pixels a grid offset may be and still count as aligned. */
const ALIGNMENT_TOLERANCE_PX = 1e-6;

export async function loadBand(href: string, dst: GeoBox, options: LoadOptions = {}): Promise<Raster> {
  if (!(Number.isInteger(dst.width) && Number.isInteger(dst.height) && dst.width > 0 && dst.height > 0)) {
    throw new Error(`the destination must be at least 1×1 whole pixels, not ${dst.width}×${dst.height}`);
  }
  const { signal } = options;
  try {
    const cog = await openCachedCog(href, { unsigned: options.unsigned, signal });
    const dtype = options.dtype ?? cog.sampleType;
    const nodata = resultNodata(options.dstNodata, cog.nodata, dtype);
    const fill = nodata ?? (isFloatType(dtype) ? Number.NaN : 0);
    const margin = options.margin ?? 0;
    const result = margin === 0 ? dst : subGeobox(dst, -margin, -margin, dst.width + 2 * margin, dst.height + 2 * margin);
    const data = newSampleArrayIn(options.arena, dtype, result.width * result.height);
    if (fill !== 0) data.fill(fill);
    const target = { data, dtype, fill, width: dst.width, stride: result.width, col: margin, row: margin };
    const full = cog.levels[0]!;
    const offset = normaliseCrs(dst.crs) === cog.crs ? alignedOffset(full.affine, dst.affine) : null;
    if (offset) await copyAligned(cog, dst, offset, target, options);
    else await reprojectOnto(cog, dst, options.resampling ?? 'nearest', target, options);
    return { geobox: result, data, nodata };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

/** Where the destination's pixels go: `width` of them a row, in an array `stride` wide, its first at (col, row). */
interface Target {
  data: SampleArray;
  dtype: SampleType;
  fill: number;
  width: number;
  stride: number;
  col: number;
  row: number;
}

function resultNodata(
  requested: number | null | undefined,
  sourceNodata: number | null,
  dtype: SampleType,
): number | null {
  if (requested !== undefined) {
    if (requested !== null && !isRepresentable(dtype, requested)) {
      throw new UserError(`the nodata value ${requested} does not fit the sample type ${dtype}`);
    }
    return requested;
  }
  if (sourceNodata !== null && isRepresentable(dtype, sourceNodata)) return sourceNodata;
  return isFloatType(dtype) ? Number.NaN : null;
}

/**
 * The whole-pixel offset of the destination grid within the source grid, where both are
 * north-up with the same pixel size; null where resampling is needed.
 */
function alignedOffset(source: Affine, dst: Affine): { col: number; row: number } | null {
  const [a, b, c, d, e, f] = source;
  const [da, db, dc, dd, de, df] = dst;
  if (b !== 0 || d !== 0 || db !== 0 || dd !== 0) return null;
  if (Math.abs(da - a) > 1e-9 * Math.abs(a) || Math.abs(de - e) > 1e-9 * Math.abs(e)) return null;
  const col = (dc - c) / a;
  const row = (df - f) / e;
  const wholeCol = Math.round(col);
  const wholeRow = Math.round(row);
  const aligned = Math.abs(col - wholeCol) <= ALIGNMENT_TOLERANCE_PX && Math.abs(row - wholeRow) <= ALIGNMENT_TOLERANCE_PX;
  return aligned ? { col: wholeCol, row: wholeRow } : null;
}

async function copyAligned(
  cog: OpenCog,
  dst: GeoBox,
  offset: { col: number; row: number },
  target: Target,
  { signal, chunkOverlap }: LoadOptions,
): Promise<void> {
  const level = cog.levels[0]!;
  const x0 = Math.max(0, offset.col);
  const y0 = Math.max(0, offset.row);
  const x1 = Math.min(level.width, offset.col + dst.width);
  const y1 = Math.min(level.height, offset.row + dst.height);
  if (x0 >= x1 || y0 >= y1) return;
  const sweep: Sweep | undefined = chunkOverlap === undefined ? undefined : { across: [1, 0], down: [0, 1], margin: chunkOverlap };
  const count = x1 - x0;
  // Where the window's first pixel goes in the target's array.
  const col = target.col + x0 - offset.col;
  const row = target.row + y0 - offset.row;
  const firstOut = row * target.stride + col;
  if (copiesUnchanged(cog, target)) {
    // Straight into the destination where the blocks are decoded here: no window to copy from.
    const into = { data: target.data, width: target.stride, col, row };
    const source = await readWindow(cog, level, [x0, y0, x1, y1], { signal, sweep, into });
    if (source === target.data) return;
    for (let y = 0; y < y1 - y0; y++) {
      target.data.set(source.subarray(y * count, (y + 1) * count), firstOut + y * target.stride);
    }
    return;
  }
  const source = await readWindow(cog, level, [x0, y0, x1, y1], { signal, sweep });
  const write = rowWriter(target.dtype, target.fill);
  const values = new Float64Array(count);
  const nodata = cog.nodata;
  for (let y = 0; y < y1 - y0; y++) {
    for (let k = 0; k < count; k++) {
      const value = source[y * count + k]!;
      values[k] = value === nodata ? Number.NaN : value;
    }
    write(target.data, firstOut + y * target.stride, values, count);
  }
}

/**
 * The sweep of reprojected chunks: the next window reaches back by the overlap, and by the
 * source pixels of padding around each window, counted in destination pixels (more of them
 * where a destination pixel spans less than a source pixel).
 */
function reprojectedSweep(steps: { across: [number, number]; down: [number, number] }, chunkOverlap: number): Sweep {
  const shortestStep = Math.min(Math.hypot(...steps.across), Math.hypot(...steps.down));
  return { ...steps, margin: chunkOverlap + Math.ceil(WINDOW_PADDING / Math.max(shortestStep, 1e-6)) + 1 };
}

/** Whether source samples may be copied as they are: same type, and nodata already the fill. */
function copiesUnchanged(cog: OpenCog, target: Target): boolean {
  if (cog.sampleType !== target.dtype) return false;
  if (isFloatType(target.dtype)) {
    // NaN samples stay NaN, so only a NaN fill leaves them right.
    return Number.isNaN(target.fill) && (cog.nodata === null || Number.isNaN(cog.nodata));
  }
  return cog.nodata === null || cog.nodata === target.fill;
}

async function reprojectOnto(
  cog: OpenCog,
  dst: GeoBox,
  method: Resampling,
  target: Target,
  { signal, operation, chunkOverlap }: LoadOptions,
): Promise<void> {
  const world = ControlGrid.forDestination(dst, cog.crs, operation);
  const level = overviewFor(cog.levels, world);
  const pixels = world.mapped(invertAffine(level.affine));
  const extent = pixels.extent();
  if (!extent) return;
  const x0 = clamp(Math.floor(extent.minX) - WINDOW_PADDING, 0, level.width);
  const y0 = clamp(Math.floor(extent.minY) - WINDOW_PADDING, 0, level.height);
  const x1 = clamp(Math.ceil(extent.maxX) + WINDOW_PADDING, 0, level.width);
  const y1 = clamp(Math.ceil(extent.maxY) + WINDOW_PADDING, 0, level.height);
  if (x0 >= x1 || y0 >= y1) return;
  const data = await readWindow(cog, level, [x0, y0, x1, y1], { signal, sweep: chunkOverlap === undefined ? undefined : reprojectedSweep(pixels.stepsAtCentre(), chunkOverlap) });
  const window = {
    data,
    col0: x0,
    row0: y0,
    width: x1 - x0,
    height: y1 - y0,
    levelWidth: level.width,
    levelHeight: level.height,
    nodata: cog.nodata,
  };
  const write = rowWriter(target.dtype, target.fill);
  resample(method, pixels, window, (row, values) => write(target.data, (target.row + row) * target.stride + target.col, values, target.width));
}

/**
 * The coarsest level whose pixels are still no larger than the destination's, measured at the
 * destination's centre along its finer axis (as odc-stac and GDAL pick overviews).
 */
function overviewFor(levels: CogLevel[], world: ControlGrid): CogLevel {
  const full = levels[0]!;
  const { across, down } = world.mapped(invertAffine(full.affine)).scaleAtCentre();
  const shrink = Math.min(across, down);
  let chosen = full;
  for (const level of levels) if (level.decimation <= shrink * (1 + 1e-6)) chosen = level;
  return chosen;
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
