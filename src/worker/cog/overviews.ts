/**
 * Reduced-resolution copies of a band for a COG's internal overviews.
 *
 * Every overview is computed straight from the full-resolution samples, so `average` is a true
 * area average even where nodata is scattered. GDAL instead builds each level from the previous
 * (rounded) one, so integer averages can differ from GDAL's by 1 from factor 8 on; nearest and
 * mode matched GDAL's in cog-gdal.test.ts. An overview of factor f is ceil(width / f) × ceil(height / f)
 * pixels, as gdaladdo makes them; readers (GDAL, geotiff.js) take its pixel size to be
 * width / overview width times the full-resolution one, so the sampling windows use that ratio.
 */
import { newSampleArray, sampleTypeOf, type SampleArray, type SampleType } from '../raster.js';
import type { PixelGrid } from './tiles.js';

export type OverviewResampling = 'nearest' | 'average' | 'mode';

/** One resolution level: `width × height` samples, row-major. */
export interface SampleGrid {
  width: number;
  height: number;
  data: SampleArray;
}

export interface OverviewSize {
  factor: number;
  width: number;
  height: number;
}

function overviewSize(width: number, height: number, factor: number): OverviewSize {
  return { factor, width: Math.ceil(width / factor), height: Math.ceil(height / factor) };
}

/** Factors 2, 4, 8… until the overview fits in one tile, as GDAL's COG driver chooses them. */
export function defaultOverviewFactors(width: number, height: number, tileSize: number): number[] {
  const factors: number[] = [];
  let factor = 1;
  while (Math.ceil(width / factor) > tileSize || Math.ceil(height / factor) > tileSize) {
    factor *= 2;
    factors.push(factor);
  }
  return factors;
}

/**
 * The overview sizes for the given factors, dropping any factor that would not shrink the
 * image below the previous level (large factors on a small image all give 1 × 1).
 */
export function overviewSizes(width: number, height: number, factors: readonly number[]): OverviewSize[] {
  const sizes: OverviewSize[] = [];
  let previous = { width, height };
  for (const factor of factors) {
    if (!Number.isInteger(factor) || factor < 2) {
      throw new Error(`overview level ${factor} is not an integer of 2 or more`);
    }
    const size = overviewSize(width, height, factor);
    if (size.width < previous.width || size.height < previous.height) {
      sizes.push(size);
      previous = size;
    }
  }
  return sizes;
}

/**
 * The source pixels under each overview pixel along one axis: overview pixel `i` covers
 * source coordinates [i·ratio, (i+1)·ratio), and each touched source pixel is weighted by the
 * length of its overlap (1 everywhere when the ratio is an integer).
 */
interface AxisWindows {
  /** First source index of window i. */
  start: Int32Array;
  /** Index into `weights` where window i's weights begin; window i has offset[i+1] - offset[i] of them. */
  offset: Int32Array;
  weights: Float64Array;
}

// Overlaps shorter than this are floating-point noise at window edges, not real coverage.
const NEGLIGIBLE_OVERLAP = 1e-9;

function axisWindows(sourceSize: number, targetSize: number): AxisWindows {
  const ratio = sourceSize / targetSize;
  const start = new Int32Array(targetSize);
  const offset = new Int32Array(targetSize + 1);
  const weights: number[] = [];
  for (let i = 0; i < targetSize; i++) {
    const from = i * ratio;
    const to = Math.min(sourceSize, (i + 1) * ratio);
    let first = Math.floor(from);
    if (Math.min(first + 1, to) - from < NEGLIGIBLE_OVERLAP) first++;
    start[i] = first;
    offset[i] = weights.length;
    for (let source = first; source < sourceSize && source < to; source++) {
      const overlap = Math.min(source + 1, to) - Math.max(source, from);
      if (overlap < NEGLIGIBLE_OVERLAP) break;
      weights.push(overlap);
    }
  }
  offset[targetSize] = weights.length;
  return { start, offset, weights: Float64Array.from(weights) };
}

/**
 * The source index GDAL's nearest-neighbour overviews take for overview index i: the source
 * pixel nearest the overview pixel's leading edge, i.e. round(i · ratio). For factor 2 that is
 * every even pixel.
 */
function nearestIndices(sourceSize: number, targetSize: number): Int32Array {
  const ratio = sourceSize / targetSize;
  const indices = new Int32Array(targetSize);
  for (let i = 0; i < targetSize; i++) indices[i] = Math.min(sourceSize - 1, Math.floor(i * ratio + 0.5));
  return indices;
}

/** The nodata value as the array stores it (e.g. float32-rounded), or null. */
function storedNodata(type: SampleType, nodata: number | null): number | null {
  if (nodata === null) return null;
  const probe = newSampleArray(type, 1);
  probe[0] = nodata;
  return probe[0]!;
}

function isFloatType(type: SampleType): boolean {
  return type === 'float32' || type === 'float64';
}

/** What an overview pixel holds when every source pixel under it is missing. */
function missingFill(type: SampleType, nodata: number | null): number {
  if (nodata !== null) return nodata;
  return isFloatType(type) ? Number.NaN : 0;
}

/**
 * Rows `from`–`to` (exclusive) of an overview of an image `fullHeight` rows high, computed from
 * `base`, which holds the image's rows from `baseRow` on: what a writer streaming the image row
 * by row computes, sample for sample what the whole image would give.
 */
export interface RowPart {
  fullHeight: number;
  baseRow: number;
  from: number;
  to: number;
}

function wholeImage(base: SampleGrid, height: number): RowPart {
  return { fullHeight: base.height, baseRow: 0, from: 0, to: height };
}

function resampleNearest(base: SampleGrid, width: number, height: number, part = wholeImage(base, height)): SampleArray {
  const output = newSampleArray(sampleTypeOf(base.data), width * (part.to - part.from));
  const columns = nearestIndices(base.width, width);
  const rows = nearestIndices(part.fullHeight, height);
  for (let y = part.from; y < part.to; y++) {
    const sourceRow = (rows[y]! - part.baseRow) * base.width;
    const targetRow = (y - part.from) * width;
    for (let x = 0; x < width; x++) output[targetRow + x] = base.data[sourceRow + columns[x]!]!;
  }
  return output;
}

function resampleAverage(base: SampleGrid, width: number, height: number, nodata: number | null, part = wholeImage(base, height)): SampleArray {
  const type = sampleTypeOf(base.data);
  const output = newSampleArray(type, width * (part.to - part.from));
  const roundToInteger = !isFloatType(type);
  const missing = storedNodata(type, nodata);
  const fill = missingFill(type, nodata);
  const columns = axisWindows(base.width, width);
  const rows = axisWindows(part.fullHeight, height);
  const source = base.data;
  for (let y = part.from; y < part.to; y++) {
    const rowStart = rows.start[y]! - part.baseRow;
    const rowWeightsFrom = rows.offset[y]!;
    const rowCount = rows.offset[y + 1]! - rowWeightsFrom;
    for (let x = 0; x < width; x++) {
      const columnStart = columns.start[x]!;
      const columnWeightsFrom = columns.offset[x]!;
      const columnCount = columns.offset[x + 1]! - columnWeightsFrom;
      let weightedSum = 0;
      let totalWeight = 0;
      for (let r = 0; r < rowCount; r++) {
        const rowWeight = rows.weights[rowWeightsFrom + r]!;
        const sourceRow = (rowStart + r) * base.width + columnStart;
        for (let c = 0; c < columnCount; c++) {
          const value = source[sourceRow + c]!;
          if (value !== value || value === missing) continue; // NaN or nodata
          const weight = rowWeight * columns.weights[columnWeightsFrom + c]!;
          weightedSum += value * weight;
          totalWeight += weight;
        }
      }
      let result = fill;
      if (totalWeight > 0) {
        const mean = weightedSum / totalWeight;
        result = roundToInteger ? Math.round(mean) : mean;
      }
      output[(y - part.from) * width + x] = result;
    }
  }
  return output;
}

/** Count tables indexed by value, for types whose whole range is small enough to tabulate. */
function countTableOffset(type: SampleType): number | null {
  switch (type) {
    case 'uint8':
    case 'uint16':
      return 0;
    case 'int8':
      return 128;
    case 'int16':
      return 32768;
    default:
      return null;
  }
}

/**
 * Majority of the valid samples under each overview pixel. On a tie the value that reached the
 * top count first, scanning the window row by row, wins: that is what GDAL's MODE does, so
 * overviews match the ones GDAL would build.
 */
function resampleMode(base: SampleGrid, width: number, height: number, nodata: number | null, part = wholeImage(base, height)): SampleArray {
  const type = sampleTypeOf(base.data);
  const output = newSampleArray(type, width * (part.to - part.from));
  const missing = storedNodata(type, nodata);
  const fill = missingFill(type, nodata);
  const columns = axisWindows(base.width, width);
  const rows = axisWindows(part.fullHeight, height);
  const source = base.data;
  const tableOffset = countTableOffset(type);
  const counter =
    tableOffset === null
      ? new MapCounter()
      : new TableCounter(type === 'uint8' || type === 'int8' ? 256 : 65536, tableOffset);

  for (let y = part.from; y < part.to; y++) {
    const rowStart = rows.start[y]! - part.baseRow;
    const rowCount = rows.offset[y + 1]! - rows.offset[y]!;
    for (let x = 0; x < width; x++) {
      const columnStart = columns.start[x]!;
      const columnCount = columns.offset[x + 1]! - columns.offset[x]!;
      let best = fill;
      let bestCount = 0;
      for (let r = 0; r < rowCount; r++) {
        const sourceRow = (rowStart + r) * base.width + columnStart;
        for (let c = 0; c < columnCount; c++) {
          const value = source[sourceRow + c]!;
          if (value !== value || value === missing) continue;
          const count = counter.increment(value);
          if (count > bestCount) {
            best = value;
            bestCount = count;
          }
        }
      }
      counter.reset();
      output[(y - part.from) * width + x] = best;
    }
  }
  return output;
}

/** Per-window value counts in a table indexed by value, for 8- and 16-bit integers. */
class TableCounter {
  private readonly counts: Uint32Array;
  private readonly touched: number[] = [];

  constructor(
    size: number,
    private readonly offset: number,
  ) {
    this.counts = new Uint32Array(size);
  }

  increment(value: number): number {
    const index = value + this.offset;
    const count = ++this.counts[index]!;
    if (count === 1) this.touched.push(index);
    return count;
  }

  reset(): void {
    for (const index of this.touched) this.counts[index] = 0;
    this.touched.length = 0;
  }
}

/** Per-window value counts for types too wide to tabulate. */
class MapCounter {
  private readonly counts = new Map<number, number>();

  increment(value: number): number {
    const count = (this.counts.get(value) ?? 0) + 1;
    this.counts.set(value, count);
    return count;
  }

  reset(): void {
    this.counts.clear();
  }
}

/**
 * The band resampled to `width × height` for an overview. NaN is always missing; `nodata`
 * too when set. `average` and `mode` ignore missing samples and give nodata (NaN for floats
 * without nodata) only where all are missing; `nearest` copies samples as they are.
 */
export function resampleOverview(
  base: SampleGrid,
  width: number,
  height: number,
  resampling: OverviewResampling,
  nodata: number | null,
  part?: RowPart,
): SampleArray {
  switch (resampling) {
    case 'nearest':
      return resampleNearest(base, width, height, part);
    case 'average':
      return resampleAverage(base, width, height, nodata, part);
    case 'mode':
      return resampleMode(base, width, height, nodata, part);
  }
}

/**
 * The first and last source row (inclusive) that each row of a `height`-row overview of a
 * `fullHeight`-row image reads, by resampling: what a streaming writer must hold to compute it.
 */
export function overviewSourceRows(fullHeight: number, height: number, resampling: OverviewResampling): { first: Int32Array; last: Int32Array } {
  if (resampling === 'nearest') {
    const rows = nearestIndices(fullHeight, height);
    return { first: rows, last: rows };
  }
  const rows = axisWindows(fullHeight, height);
  const last = new Int32Array(height);
  for (let y = 0; y < height; y++) last[y] = rows.start[y]! + Math.max(1, rows.offset[y + 1]! - rows.offset[y]!) - 1;
  return { first: rows.start, last };
}

/**
 * Overview of pixel-interleaved samples whose last sample is alpha (RGBA), as GDAL builds the
 * overviews of a dataset with an alpha band:
 *
 * - `nearest` copies whole pixels, alpha included, from the same source pixel as for one band;
 * - `average` averages every sample, colours and alpha alike, over the source pixels whose
 *   alpha is non-zero, each weighted by area only (alpha is a mask, not a weight), rounding
 *   integers; where every source pixel is transparent the pixel is all zeros. GDAL's
 *   `-r average` does just this: it uses the alpha band as the other bands' mask, and as its own
 *   mask, so that alpha 0 does not drag down the alpha average. With binary alpha (0/255) the
 *   overview's alpha is therefore 255 wherever any source pixel was opaque, like a maximum.
 */
export function resampleWithAlpha(
  base: PixelGrid,
  width: number,
  height: number,
  resampling: Exclude<OverviewResampling, 'mode'>,
  part: RowPart = { fullHeight: base.height, baseRow: 0, from: 0, to: height },
): SampleArray {
  const spp = base.samplesPerPixel;
  const type = sampleTypeOf(base.data);
  const output = newSampleArray(type, width * (part.to - part.from) * spp);
  const source = base.data;
  if (resampling === 'nearest') {
    const columns = nearestIndices(base.width, width);
    const rows = nearestIndices(part.fullHeight, height);
    for (let y = part.from; y < part.to; y++) {
      const sourceRow = (rows[y]! - part.baseRow) * base.width;
      for (let x = 0; x < width; x++) {
        const from = (sourceRow + columns[x]!) * spp;
        output.set(source.subarray(from, from + spp), ((y - part.from) * width + x) * spp);
      }
    }
    return output;
  }

  const alpha = spp - 1;
  const roundToInteger = !isFloatType(type);
  const columns = axisWindows(base.width, width);
  const rows = axisWindows(part.fullHeight, height);
  const sums = new Float64Array(spp);
  for (let y = part.from; y < part.to; y++) {
    const rowStart = rows.start[y]! - part.baseRow;
    const rowWeightsFrom = rows.offset[y]!;
    const rowCount = rows.offset[y + 1]! - rowWeightsFrom;
    for (let x = 0; x < width; x++) {
      const columnStart = columns.start[x]!;
      const columnWeightsFrom = columns.offset[x]!;
      const columnCount = columns.offset[x + 1]! - columnWeightsFrom;
      sums.fill(0);
      let totalWeight = 0;
      for (let r = 0; r < rowCount; r++) {
        const rowWeight = rows.weights[rowWeightsFrom + r]!;
        let pixel = ((rowStart + r) * base.width + columnStart) * spp;
        for (let c = 0; c < columnCount; c++, pixel += spp) {
          const alphaValue = source[pixel + alpha]!;
          if (alphaValue === 0 || alphaValue !== alphaValue) continue; // transparent (or NaN)
          const weight = rowWeight * columns.weights[columnWeightsFrom + c]!;
          for (let s = 0; s < spp; s++) sums[s] = sums[s]! + source[pixel + s]! * weight;
          totalWeight += weight;
        }
      }
      if (totalWeight === 0) continue; // stays all zeros: transparent
      const target = ((y - part.from) * width + x) * spp;
      for (let s = 0; s < spp; s++) {
        const mean = sums[s]! / totalWeight;
        output[target + s] = roundToInteger ? Math.round(mean) : mean;
      }
    }
  }
  return output;
}
