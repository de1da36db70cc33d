/**
 * Geometric median and median absolute deviations (MADs) per pixel of a multi-band time series.
 *
 * Stack layout: Float32Array `[band][time][pixel]`, sample (b, t, p) at `(b * times + t) * pixels + p`.
 * NaN (or ±Infinity) marks a missing sample; observation (t, p) is used only when all its bands
 * are finite. Magnitudes must stay well below 1e19 (squared distances are float32).
 *
 * Both kernels run in WebAssembly (assembly/geomedian.ts, built to ./geomedian.wasm by
 * `npm run build:wasm`) with SIMD; the geometric median iterates in float32. Conventions, shared
 * with the float64 reference in ./geomedian-reference.ts:
 * - Start: the mean of the valid observations, as odc-algo and hdstats do. The coordinate-wise
 *   median start saves about 1.5 of the 7–8 updates on reflectance series, but selecting it
 *   costs more than they do; a mean less each band's extremes saves 0.4–0.8 and costs as much.
 * - Weiszfeld map: T(y) = Σ x_i/d_i / Σ 1/d_i over the observations not at y, where
 *   d_i = |x_i − y| and "at y" means d_i ≤ eps·|y| (there 1/d is undefined or swamps the rest).
 *   Each update evaluates T at the estimate y_k (one pass over the observations).
 * - Stop: at the first update with |T(y_k) − y_k| ≤ eps · |T(y_k)| (Euclidean norms over the
 *   bands), returning T(y_k) — plain Weiszfeld's rule, the one ref_gm.c and the field's kernels
 *   use — or after maxIters updates. In float32 an update's rounding noise is about 1e-7·|y|,
 *   so an eps much below 1e-6 mostly runs to maxIters without a better answer.
 * - Otherwise the next estimate mixes the last Weiszfeld points (Anderson mixing of depth 2):
 *   y_{k+1} = T(y_k) − Σ_j γ_j (T(y_k) − T(y_j)), j over the two previous updates, with γ
 *   minimising |r_k − Σ_j γ_j (r_k − r_j)|, r = T(y) − y (depth 1 when the residual changes
 *   are nearly parallel). Weiszfeld converges linearly, slowly in the directions the data pin
 *   down least; the mixing removes most of that tail (7–8 updates instead of 18 on reflectance
 *   series). Only a move that makes an acute angle with r_k (downhill) is taken, else T(y_k)
 *   and the mixing restarts: near an observation that is not the minimiser T(y) tends to it, so
 *   every observation is a spurious fixed point an extrapolation could head for.
 * - With η > 0 observations at y_k, the Vardi–Zhang step instead: R = Σ (x_i − y)/d_i over the
 *   rest; if |R| ≤ η, y is within eps·|y| of the minimiser, an observation, and the iteration
 *   stops (returning that observation itself if the exact test below passes there), else
 *   y ← (1 − η/|R|)·T(y) + (η/|R|)·y, which restarts the mixing. So it never divides by zero
 *   and moves off an observation that is not the minimiser.
 * - Then, because Weiszfeld creeps slowly towards a minimiser that is an observation: if the
 *   observation nearest the estimate, with its copies, holds more than 90 % of the last
 *   update's weight Σ 1/d_i, the optimality test |R| ≤ η is made exactly at that observation,
 *   and it is returned if it passes.
 * - 0 valid observations: NaN in every band, count 0. 1: that observation. 2: their midpoint
 *   (every point of the segment is optimal; the mean start is already a fixed point).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_EPS, DEFAULT_MAX_ITERS, addStats, checkOptions, checkShape } from './stack.js';

export interface StackShape {
  bands: number;
  times: number;
  pixels: number;
}

export interface GeomedianOptions {
  /**
   * Relative tolerance, default 1e-6: stop once an update moves the estimate by at most
   * eps × its Euclidean norm; observations closer than eps × |estimate| to the estimate count as
   * coinciding with it.
   */
  eps?: number;
  /** Most Weiszfeld updates per pixel, default 1000. */
  maxIters?: number;
}

export interface GeomedianResult {
  /** `[band][pixel]`; NaN where the pixel has no valid observation. */
  median: Float32Array;
  /** Valid observations per pixel. */
  count: Uint16Array;
}

/** Work done, added to by each call that is given it. */
export interface GeomedianStats {
  pixels: number;
  /** Weiszfeld updates (distance-and-weight passes), summed over pixels. */
  iterations: number;
  /** Σ over pixels of updates × valid observations: the unit of work of the iteration. */
  observationIterations: number;
  /** Pixels with ≥ 2 observations that used all maxIters updates. */
  reachedMaxIters: number;
}

export interface MadResult {
  /** Median cosine distance 1 − x·m / (|x||m|); NaN where the pixel has no valid observation. */
  smad: Float32Array;
  /** Median Euclidean distance |x − m|. */
  emad: Float32Array;
  /** Median Bray–Curtis distance Σ|x_b − m_b| / Σ|x_b + m_b|. */
  bcmad: Float32Array;
}

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  scratchBytes(bands: number, times: number): number;
  geomedianBatch(
    stack: number,
    bands: number,
    times: number,
    pixels: number,
    median: number,
    count: number,
    iterations: number,
    scratch: number,
    eps: number,
    maxIters: number,
  ): void;
  madsScratchBytes(bands: number, times: number): number;
  madsBatch(stack: number, bands: number, times: number, pixels: number, median: number, smad: number, emad: number, bcmad: number, scratch: number): void;
}

const KERNEL_FUNCTIONS = ['heapBase', 'scratchBytes', 'geomedianBatch', 'madsScratchBytes', 'madsBatch'];
const WASM_PAGE_BYTES = 65536;
/** Pixels go through WebAssembly memory in batches of about this many stack bytes. */
const BATCH_STACK_BYTES = 2 << 20;
/** The kernels transpose blocks of this many pixels, so batch rows are padded to a multiple. */
const BLOCK_PIXELS = 16;

let kernel: KernelExports | undefined;

function loadKernel(): KernelExports {
  if (kernel) return kernel;
  const bytes = readFileSync(fileURLToPath(new URL('./geomedian.wasm', import.meta.url)));
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  for (const name of KERNEL_FUNCTIONS) {
    if (typeof exports[name] !== 'function') throw new Error(`geomedian.wasm lacks export ${name}: rebuild it (npm run build:wasm)`);
  }
  if (!(exports.memory instanceof WebAssembly.Memory)) throw new Error('geomedian.wasm exports no memory');
  kernel = exports as unknown as KernelExports;
  return kernel;
}

const roundUp16 = (n: number): number => Math.ceil(n / 16) * 16;

/** WebAssembly memory laid out for batches of `batch` pixels (byte offsets). */
interface BatchMemory<Region extends string> {
  batch: number;
  scratchAt: number;
  stackAt: number;
  /** One region per entry of the `bytesPerPixel` it was laid out with. */
  regionsAt: Record<Region, number>;
  heap: Float32Array;
}

function layOutBatches<Region extends string>(
  wasm: KernelExports,
  shape: StackShape,
  scratchBytes: number,
  bytesPerPixel: Record<Region, number>,
): BatchMemory<Region> {
  const { bands, times, pixels } = shape;
  const stackBytesPerPixel = Math.max(bands * times * 4, 1);
  const batchLimit = Math.max(BLOCK_PIXELS, Math.floor(BATCH_STACK_BYTES / stackBytesPerPixel / BLOCK_PIXELS) * BLOCK_PIXELS);
  const batch = Math.min(batchLimit, roundUp16(pixels));
  const scratchAt = roundUp16(wasm.heapBase());
  const stackAt = roundUp16(scratchAt + scratchBytes);
  let end = stackAt + bands * times * batch * 4;
  const regionsAt = { ...bytesPerPixel };
  for (const region of Object.keys(bytesPerPixel) as Region[]) {
    regionsAt[region] = roundUp16(end);
    end = regionsAt[region] + bytesPerPixel[region] * batch;
  }
  const memory = wasm.memory;
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / WASM_PAGE_BYTES));
  return { batch, scratchAt, stackAt, regionsAt, heap: new Float32Array(memory.buffer) };
}

/**
 * Copies pixels [first, first + length) of every stack row into the batch, rows padded with
 * NaN (no valid observation) to a multiple of BLOCK_PIXELS; returns the padded row length.
 */
function copyStackIn(memory: BatchMemory<string>, stack: Float32Array, shape: StackShape, first: number, length: number): number {
  const rowPixels = roundUp16(length);
  const rows = shape.bands * shape.times;
  for (let row = 0; row < rows; row++) {
    const from = row * shape.pixels + first;
    const to = memory.stackAt / 4 + row * rowPixels;
    memory.heap.set(stack.subarray(from, from + length), to);
    if (rowPixels > length) memory.heap.fill(NaN, to + length, to + rowPixels);
  }
  return rowPixels;
}

/** Copies `rows` rows of `length` floats, `rowPixels` apart in WebAssembly memory at byte
 * offset `at`, to `target` at `first` of rows `targetRow` long. */
function copyRowsOut(heap: Float32Array, at: number, rows: number, rowPixels: number, length: number, target: Float32Array, targetRow: number, first: number): void {
  for (let row = 0; row < rows; row++) {
    const from = at / 4 + row * rowPixels;
    target.set(heap.subarray(from, from + length), row * targetRow + first);
  }
}

/** Geometric median per pixel; see the module comment for the conventions. */
export function geomedian(
  stack: Float32Array,
  shape: StackShape,
  options: GeomedianOptions = {},
  stats?: GeomedianStats,
): GeomedianResult {
  checkShape(stack, shape);
  const { eps = DEFAULT_EPS, maxIters = DEFAULT_MAX_ITERS } = options;
  checkOptions(eps, maxIters);
  const { bands, times, pixels } = shape;
  const median = new Float32Array(bands * pixels);
  const count = new Uint16Array(pixels);
  if (pixels === 0) return { median, count };

  const wasm = loadKernel();
  const memory = layOutBatches(wasm, shape, wasm.scratchBytes(bands, times), { median: bands * 4, iterations: 4, count: 2 });
  const { median: medianAt, iterations: iterationsAt, count: countAt } = memory.regionsAt;
  const iterationsView = new Int32Array(memory.heap.buffer, iterationsAt, memory.batch);
  const countView = new Uint16Array(memory.heap.buffer, countAt, memory.batch);
  for (let first = 0; first < pixels; first += memory.batch) {
    const length = Math.min(memory.batch, pixels - first);
    const rowPixels = copyStackIn(memory, stack, shape, first, length);
    wasm.geomedianBatch(memory.stackAt, bands, times, rowPixels, medianAt, countAt, iterationsAt, memory.scratchAt, eps, maxIters);
    copyRowsOut(memory.heap, medianAt, bands, rowPixels, length, median, pixels, first);
    count.set(countView.subarray(0, length), first);
    if (stats) addStats(stats, countView.subarray(0, length), iterationsView.subarray(0, length), maxIters);
  }
  return { median, count };
}

/**
 * SMAD, EMAD and BCMAD per pixel: the median, over the pixel's valid observations x, of the
 * distance between x and the pixel's geometric median m (`median`, `[band][pixel]`).
 *
 * Definitions follow hdstats/geomad (`emad`, `smad`, `bcmad` then `np.nanmedian` over time) and
 * odc-algo's Rust port: the median of an even number of distances is the mean of the two middle
 * ones; distances that are NaN (cosine distance with a zero vector, Bray–Curtis with a zero
 * denominator) are left out, as nanmedian leaves them out; NaN where nothing is left, in
 * particular where the pixel has no valid observation. Distances are computed in float64 (in
 * WebAssembly, two lanes per vector) and the medians stored as float32.
 */
export function mads(stack: Float32Array, shape: StackShape, median: Float32Array): MadResult {
  checkShape(stack, shape);
  const { bands, times, pixels } = shape;
  if (median.length !== bands * pixels) {
    throw new RangeError(`median has ${median.length} samples; ${bands} bands × ${pixels} pixels needs ${bands * pixels}`);
  }
  const smad = new Float32Array(pixels);
  const emad = new Float32Array(pixels);
  const bcmad = new Float32Array(pixels);
  if (pixels === 0) return { smad, emad, bcmad };

  const wasm = loadKernel();
  const memory = layOutBatches(wasm, shape, wasm.madsScratchBytes(bands, times), { median: bands * 4, smad: 4, emad: 4, bcmad: 4 });
  const { median: medianAt, smad: smadAt, emad: emadAt, bcmad: bcmadAt } = memory.regionsAt;
  for (let first = 0; first < pixels; first += memory.batch) {
    const length = Math.min(memory.batch, pixels - first);
    const rowPixels = copyStackIn(memory, stack, shape, first, length);
    // Padding pixels have no valid observation, so their median entries are never read.
    for (let b = 0; b < bands; b++) {
      memory.heap.set(median.subarray(b * pixels + first, b * pixels + first + length), medianAt / 4 + b * rowPixels);
    }
    wasm.madsBatch(memory.stackAt, bands, times, rowPixels, medianAt, smadAt, emadAt, bcmadAt, memory.scratchAt);
    copyRowsOut(memory.heap, smadAt, 1, rowPixels, length, smad, pixels, first);
    copyRowsOut(memory.heap, emadAt, 1, rowPixels, length, emad, pixels, first);
    copyRowsOut(memory.heap, bcmadAt, 1, rowPixels, length, bcmad, pixels, first);
  }
  return { smad, emad, bcmad };
}
