/** Checks and bookkeeping shared by the geometric median kernel and its reference. */
import type { GeomedianStats, StackShape } from './geomedian.js';

export const DEFAULT_EPS = 1e-6;
export const DEFAULT_MAX_ITERS = 1000;

/** Valid-observation counts are Uint16. */
const MAX_TIMES = 0xffff;

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

export function checkShape(stack: Float32Array, shape: StackShape): void {
  const { bands, times, pixels } = shape;
  if (!isCount(bands) || bands < 1 || !isCount(times) || !isCount(pixels)) {
    throw new RangeError(`bad stack shape ${JSON.stringify(shape)}: bands ≥ 1, times ≥ 0 and pixels ≥ 0 must be integers`);
  }
  if (times > MAX_TIMES) throw new RangeError(`${times} time steps: at most ${MAX_TIMES} (counts are Uint16)`);
  if (stack.length !== bands * times * pixels) {
    throw new RangeError(`stack has ${stack.length} samples; shape ${bands}×${times}×${pixels} needs ${bands * times * pixels}`);
  }
}

export function checkOptions(eps: number, maxIters: number): void {
  if (!(Number.isFinite(eps) && eps >= 0)) throw new RangeError(`eps must be a finite number ≥ 0, not ${eps}`);
  if (!(Number.isInteger(maxIters) && maxIters >= 0 && maxIters <= 0x7fffffff)) {
    throw new RangeError(`maxIters must be an integer in [0, 2^31), not ${maxIters}`);
  }
}

export function emptyStats(): GeomedianStats {
  return { pixels: 0, iterations: 0, observationIterations: 0, reachedMaxIters: 0 };
}

export function addStats(stats: GeomedianStats, count: Uint16Array, iterations: Int32Array, maxIters: number): void {
  count.forEach((valid, p) => {
    // `iterations` has an entry per pixel, as `count` has.
    const performed = iterations[p] ?? 0;
    stats.iterations += performed;
    stats.observationIterations += performed * valid;
    if (performed >= maxIters && valid > 1) stats.reachedMaxIters++;
  });
  stats.pixels += count.length;
}
