/**
 * Resampling of a source window onto destination rows, given where destination positions fall
 * in source pixel coordinates (a ControlGrid mapped to source pixels; pixel (i, j) covers
 * [i, i + 1) × [j, j + 1), its centre at (i + 0.5, j + 0.5)).
 *
 * Rows come out as float64 with NaN for "no valid source": destination pixels whose centre
 * falls outside the source image, or whose source samples are all nodata (or NaN).
 */
import type { SampleArray } from '../raster.js';
import type { ControlGrid } from './reproject.js';

export type Resampling = 'nearest' | 'bilinear' | 'cubic' | 'average';

/** Source pixels read for a destination, placed in the pixel grid of the level read. */
export interface SourceWindow {
  data: SampleArray;
  /** The window's first column and row in the level, and its size. */
  col0: number;
  row0: number;
  width: number;
  height: number;
  /** The size of the whole level, whose edges bound where a destination pixel may sample. */
  levelWidth: number;
  levelHeight: number;
  nodata: number | null;
}

export type RowSink = (row: number, values: Float64Array) => void;

export function resample(method: Resampling, grid: ControlGrid, source: SourceWindow, sink: RowSink): void {
  switch (method) {
    case 'nearest':
      return resampleNearest(grid, source, sink);
    case 'bilinear':
      return resampleBilinear(grid, source, sink);
    case 'cubic':
      return resampleCubic(grid, source, sink);
    case 'average':
      return resampleAverage(grid, source, sink);
  }
}

/**
 * The value no valid sample equals: the nodata value, or NaN where there is none (no sample
 * equals NaN), so that `value === value && value !== invalid` tests validity either way.
 */
function invalidValue(nodata: number | null): number {
  return nodata === null ? Number.NaN : nodata;
}

/** The sample of the source pixel containing (u, v), or NaN outside the image or on nodata. */
function pixelAt(source: SourceWindow, invalid: number, u: number, v: number): number {
  if (!(u >= 0 && v >= 0 && u < source.levelWidth && v < source.levelHeight)) return Number.NaN;
  const i = Math.floor(u) - source.col0;
  const j = Math.floor(v) - source.row0;
  if (i < 0 || j < 0 || i >= source.width || j >= source.height) return Number.NaN;
  const value = source.data[j * source.width + i]!;
  return value === value && value !== invalid ? value : Number.NaN;
}

function resampleNearest(grid: ControlGrid, source: SourceWindow, sink: RowSink): void {
  const { width, height } = grid;
  const us = new Float64Array(width);
  const vs = new Float64Array(width);
  const values = new Float64Array(width);
  const invalid = invalidValue(source.nodata);
  const { data, col0, row0 } = source;
  const windowWidth = source.width;
  // The part of the level inside the window (all of what the destination maps to).
  const minU = Math.max(0, col0);
  const minV = Math.max(0, row0);
  const maxU = Math.min(source.levelWidth, col0 + source.width);
  const maxV = Math.min(source.levelHeight, row0 + source.height);
  for (let row = 0; row < height; row++) {
    grid.fillRow(row + 0.5, 0.5, width, us, vs);
    for (let col = 0; col < width; col++) {
      const u = us[col]!;
      const v = vs[col]!;
      if (!(u >= minU && v >= minV && u < maxU && v < maxV)) {
        values[col] = Number.NaN;
        continue;
      }
      // Non-negative, so truncation is the floor.
      const value = data[((v | 0) - row0) * windowWidth + ((u | 0) - col0)]!;
      values[col] = value === value && value !== invalid ? value : Number.NaN;
    }
    sink(row, values);
  }
}

/** The source pixels a destination may sample: the part of the level inside the window, first and last indices. */
interface SampleBounds {
  firstCol: number;
  firstRow: number;
  lastCol: number;
  lastRow: number;
}

function sampleBounds(source: SourceWindow): SampleBounds {
  return {
    firstCol: Math.max(0, source.col0),
    firstRow: Math.max(0, source.row0),
    lastCol: Math.min(source.levelWidth, source.col0 + source.width) - 1,
    lastRow: Math.min(source.levelHeight, source.row0 + source.height) - 1,
  };
}

/**
 * Bilinear interpolation between the four source pixel centres around the point, as GDAL's
 * warper does with nodata: a destination pixel whose containing source pixel is nodata is
 * nodata; otherwise nodata neighbours (and neighbours beyond the image edge) are left out and
 * the remaining weights renormalised to sum to one.
 */
function resampleBilinear(grid: ControlGrid, source: SourceWindow, sink: RowSink): void {
  const { width, height } = grid;
  const us = new Float64Array(width);
  const vs = new Float64Array(width);
  const values = new Float64Array(width);
  const invalid = invalidValue(source.nodata);
  const bounds = sampleBounds(source);
  for (let row = 0; row < height; row++) {
    grid.fillRow(row + 0.5, 0.5, width, us, vs);
    for (let col = 0; col < width; col++) values[col] = bilinearAt(source, invalid, bounds, us[col]!, vs[col]!);
    sink(row, values);
  }
}

/** The bilinear value at source position (u, v) (see resampleBilinear), NaN for none. */
function bilinearAt(source: SourceWindow, invalid: number, bounds: SampleBounds, u: number, v: number): number {
  const { data, col0, row0 } = source;
  const windowWidth = source.width;
  const { firstCol, firstRow, lastCol, lastRow } = bounds;
  // The containing pixel: outside the image or nodata, no value.
  if (!(u >= firstCol && v >= firstRow && u < lastCol + 1 && v < lastRow + 1)) return Number.NaN;
  const containing = data[((v | 0) - row0) * windowWidth + ((u | 0) - col0)]!;
  if (containing !== containing || containing === invalid) return Number.NaN;
  const left = Math.floor(u - 0.5);
  const top = Math.floor(v - 0.5);
  const fx = u - 0.5 - left;
  const fy = v - 0.5 - top;
  if (left >= firstCol && top >= firstRow && left < lastCol && top < lastRow) {
    const at = (top - row0) * windowWidth + (left - col0);
    const v00 = data[at]!;
    const v10 = data[at + 1]!;
    const v01 = data[at + windowWidth]!;
    const v11 = data[at + windowWidth + 1]!;
    const allValid =
      v00 === v00 && v10 === v10 && v01 === v01 && v11 === v11 &&
      v00 !== invalid && v10 !== invalid && v01 !== invalid && v11 !== invalid;
    if (allValid) {
      const upper = v00 + fx * (v10 - v00);
      const lower = v01 + fx * (v11 - v01);
      return upper + fy * (lower - upper);
    }
  }
  // Near an edge or a nodata neighbour: weigh the valid neighbours inside the image.
  let sum = 0;
  let weights = 0;
  for (let dj = 0; dj < 2; dj++) {
    const j = top + dj;
    if (j < firstRow || j > lastRow) continue;
    const wy = dj === 0 ? 1 - fy : fy;
    for (let di = 0; di < 2; di++) {
      const i = left + di;
      if (i < firstCol || i > lastCol) continue;
      const value = data[(j - row0) * windowWidth + (i - col0)]!;
      if (value !== value || value === invalid) continue;
      const weight = wy * (di === 0 ? 1 - fx : fx);
      sum += weight * value;
      weights += weight;
    }
  }
  // The containing pixel always weighs at least a quarter, so this only guards rounding.
  return weights > 1e-6 ? sum / weights : Number.NaN;
}

/**
 * Cubic convolution (Keys' kernel with a = −0.5) over the 4 × 4 source pixel centres around the
 * point, rows first, as GDAL's warper does (GWKCubicResample4Sample): where one of the sixteen
 * is nodata or lies beyond the image edge, GDAL takes the bilinear value instead, and so does
 * this (nodata in the containing pixel thus still gives nodata). Like bilinear here, the kernel
 * keeps its 4 × 4 size when downsampling, where GDAL widens it (overviews keep the shrink under 2).
 */
function resampleCubic(grid: ControlGrid, source: SourceWindow, sink: RowSink): void {
  const { width, height } = grid;
  const us = new Float64Array(width);
  const vs = new Float64Array(width);
  const values = new Float64Array(width);
  const invalid = invalidValue(source.nodata);
  const bounds = sampleBounds(source);
  const { data, col0, row0 } = source;
  const windowWidth = source.width;
  const across = new Float64Array(4);
  const rowValues = new Float64Array(4);
  for (let row = 0; row < height; row++) {
    grid.fillRow(row + 0.5, 0.5, width, us, vs);
    for (let col = 0; col < width; col++) {
      const u = us[col]!;
      const v = vs[col]!;
      const left = Math.floor(u - 0.5);
      const top = Math.floor(v - 0.5);
      const inside = left - 1 >= bounds.firstCol && left + 2 <= bounds.lastCol && top - 1 >= bounds.firstRow && top + 2 <= bounds.lastRow;
      let allValid = inside;
      if (inside) {
        cubicWeights(u - 0.5 - left, across);
        for (let k = 0; k < 4 && allValid; k++) {
          const at = (top - 1 + k - row0) * windowWidth + (left - 1 - col0);
          let sum = 0;
          for (let m = 0; m < 4; m++) {
            const value = data[at + m]!;
            if (value !== value || value === invalid) {
              allValid = false;
              break;
            }
            sum += across[m]! * value;
          }
          rowValues[k] = sum;
        }
      }
      if (!allValid) {
        values[col] = bilinearAt(source, invalid, bounds, u, v);
        continue;
      }
      cubicWeights(v - 0.5 - top, across);
      values[col] = across[0]! * rowValues[0]! + across[1]! * rowValues[1]! + across[2]! * rowValues[2]! + across[3]! * rowValues[3]!;
    }
    sink(row, values);
  }
}

/** Keys' cubic convolution weights (a = −0.5) of the samples at −1, 0, 1, 2 for a point t ∈ [0, 1) past sample 0. */
function cubicWeights(t: number, out: Float64Array): void {
  const t2 = t * t;
  const t3 = t2 * t;
  out[0] = 0.5 * (-t3 + 2 * t2 - t);
  out[1] = 0.5 * (3 * t3 - 5 * t2 + 2);
  out[2] = 0.5 * (-3 * t3 + 4 * t2 + t);
  out[3] = 0.5 * (t3 - t2);
}

/**
 * The mean of the valid source pixels whose centres fall in the destination pixel's footprint
 * (the source-pixel bounding box of its four corners). A footprint holding no source centre
 * (upsampling) takes the source pixel containing its centre.
 */
function resampleAverage(grid: ControlGrid, source: SourceWindow, sink: RowSink): void {
  const { width, height } = grid;
  let topUs = new Float64Array(width + 1);
  let topVs = new Float64Array(width + 1);
  let bottomUs = new Float64Array(width + 1);
  let bottomVs = new Float64Array(width + 1);
  const centreUs = new Float64Array(width);
  const centreVs = new Float64Array(width);
  const values = new Float64Array(width);
  const invalid = invalidValue(source.nodata);
  const { data, col0, row0 } = source;
  const windowWidth = source.width;
  const firstCol = Math.max(0, col0);
  const firstRow = Math.max(0, row0);
  const endCol = Math.min(source.levelWidth, col0 + source.width);
  const endRow = Math.min(source.levelHeight, row0 + source.height);
  grid.fillRow(0, 0, width + 1, topUs, topVs);
  for (let row = 0; row < height; row++) {
    grid.fillRow(row + 1, 0, width + 1, bottomUs, bottomVs);
    grid.fillRow(row + 0.5, 0.5, width, centreUs, centreVs);
    for (let col = 0; col < width; col++) {
      if (!insideLevel(source, centreUs[col]!, centreVs[col]!)) {
        values[col] = Number.NaN;
        continue;
      }
      const u0 = Math.min(topUs[col]!, topUs[col + 1]!, bottomUs[col]!, bottomUs[col + 1]!);
      const u1 = Math.max(topUs[col]!, topUs[col + 1]!, bottomUs[col]!, bottomUs[col + 1]!);
      const v0 = Math.min(topVs[col]!, topVs[col + 1]!, bottomVs[col]!, bottomVs[col + 1]!);
      const v1 = Math.max(topVs[col]!, topVs[col + 1]!, bottomVs[col]!, bottomVs[col + 1]!);
      // Source pixels i with centre i + 0.5 in [u0, u1).
      const iStart = Math.max(firstCol, Math.ceil(u0 - 0.5));
      const iEnd = Math.min(endCol, Math.ceil(u1 - 0.5));
      const jStart = Math.max(firstRow, Math.ceil(v0 - 0.5));
      const jEnd = Math.min(endRow, Math.ceil(v1 - 0.5));
      if (iStart >= iEnd || jStart >= jEnd) {
        values[col] = pixelAt(source, invalid, centreUs[col]!, centreVs[col]!);
        continue;
      }
      let sum = 0;
      let count = 0;
      for (let j = jStart; j < jEnd; j++) {
        const offset = (j - row0) * windowWidth - col0;
        for (let i = iStart; i < iEnd; i++) {
          const value = data[offset + i]!;
          if (value === value && value !== invalid) {
            sum += value;
            count++;
          }
        }
      }
      values[col] = count > 0 ? sum / count : Number.NaN;
    }
    sink(row, values);
    [topUs, bottomUs] = [bottomUs, topUs];
    [topVs, bottomVs] = [bottomVs, topVs];
  }
}

function insideLevel(source: SourceWindow, u: number, v: number): boolean {
  return u >= 0 && v >= 0 && u < source.levelWidth && v < source.levelHeight;
}
