/**
 * Plain float64 geometric median, one pixel at a time: the yardstick the WebAssembly kernel
 * (./geomedian.ts) is tested and benchmarked against. Same algorithm and conventions as the
 * kernel (mean start, Vardi–Zhang step at coincident observations, relative stopping rule,
 * final exact test at a dominant observation; see ./geomedian.ts); only the arithmetic (float64,
 * scalar, written for clarity rather than speed) differs.
 */
import type { GeomedianOptions, GeomedianResult, GeomedianStats, StackShape } from './geomedian.js';
import { DEFAULT_EPS, DEFAULT_MAX_ITERS, addStats, checkOptions, checkShape } from './stack.js';

/** The valid observations of one pixel (all bands finite), one array of bands each. */
export function validObservations(stack: Float32Array, shape: StackShape, pixel: number): Float64Array[] {
  const { bands, times, pixels } = shape;
  const observations: Float64Array[] = [];
  for (let t = 0; t < times; t++) {
    const observation = new Float64Array(bands);
    let finite = true;
    for (let b = 0; b < bands; b++) {
      const value = stack[(b * times + t) * pixels + pixel];
      if (!Number.isFinite(value)) finite = false;
      observation[b] = value;
    }
    if (finite) observations.push(observation);
  }
  return observations;
}

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}

function norm(a: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] ** 2;
  return Math.sqrt(sum);
}

/** Σ_i |x_i − point|: the function the geometric median minimises. */
export function sumOfDistances(observations: readonly Float64Array[], point: ArrayLike<number>): number {
  let sum = 0;
  for (const observation of observations) sum += distance(observation, point);
  return sum;
}

/**
 * The pull of the observations not within `radius` of `point`, R = Σ (x_i − point)/|x_i − point|
 * (minus the objective's gradient there), and how many are within `radius`. `weights`, when
 * given, receives each observation's 1/|x_i − point| (0 for those within `radius`).
 */
function pullAt(
  observations: readonly Float64Array[],
  point: Float64Array,
  radius: number,
  weights?: Float64Array,
): { pull: Float64Array; weightSum: number; weightedSum: Float64Array; coincident: number } {
  const bands = point.length;
  const weightedSum = new Float64Array(bands);
  let weightSum = 0;
  let coincident = 0;
  observations.forEach((observation, i) => {
    const d = distance(observation, point);
    const weight = d <= radius ? 0 : 1 / d;
    if (weights) weights[i] = weight;
    if (weight === 0) {
      coincident++;
      return;
    }
    weightSum += weight;
    for (let b = 0; b < bands; b++) weightedSum[b] += observation[b] * weight;
  });
  const pull = weightedSum.map((sum, b) => sum - weightSum * point[b]);
  return { pull, weightSum, weightedSum, coincident };
}

/** Geometric median of a set of points; returns the estimate and the iterations made. */
export function weiszfeld(
  observations: readonly Float64Array[],
  bands: number,
  eps: number,
  maxIters: number,
): { estimate: Float64Array; iterations: number } {
  const estimate = new Float64Array(bands);
  if (observations.length === 0) return { estimate: estimate.fill(NaN), iterations: 0 };
  for (const observation of observations) for (let b = 0; b < bands; b++) estimate[b] += observation[b];
  for (let b = 0; b < bands; b++) estimate[b] /= observations.length;
  if (observations.length === 1) return { estimate, iterations: 0 };

  const weights = new Float64Array(observations.length);
  let weightSum = 0;
  let iterations = 0;
  while (iterations < maxIters) {
    iterations++;
    const at = pullAt(observations, estimate, eps * norm(estimate), weights);
    weightSum = at.weightSum;
    if (weightSum === 0) break;
    const weiszfeldPoint = at.weightedSum.map((sum) => sum / weightSum);
    let next = weiszfeldPoint;
    if (at.coincident > 0) {
      // Vardi–Zhang.
      const pull = norm(at.pull);
      if (pull <= at.coincident) break;
      const stay = at.coincident / pull;
      next = weiszfeldPoint.map((t, b) => (1 - stay) * t + stay * estimate[b]);
    }
    const step = distance(next, estimate);
    estimate.set(next);
    if (step <= eps * norm(estimate)) break;
  }
  // The final exact test at an observation that holds most of the last pass's weight (see
  // snapToNearest in assembly/geomedian.ts).
  if (weightSum > 0) {
    let nearest = 0;
    weights.forEach((weight, i) => {
      if (weight > weights[nearest]) nearest = i;
    });
    if (weights[nearest] > 0.9 * weightSum) {
      const candidate = observations[nearest];
      const at = pullAt(observations, candidate, eps * norm(candidate));
      if (norm(at.pull) <= at.coincident) estimate.set(candidate);
    }
  }
  return { estimate, iterations };
}

/** Same contract as `geomedian` in ./geomedian.ts. */
export function geomedianReference(
  stack: Float32Array,
  shape: StackShape,
  options: GeomedianOptions = {},
  stats?: GeomedianStats,
): GeomedianResult {
  checkShape(stack, shape);
  const { eps = DEFAULT_EPS, maxIters = DEFAULT_MAX_ITERS } = options;
  checkOptions(eps, maxIters);
  const { bands, pixels } = shape;
  const median = new Float32Array(bands * pixels);
  const count = new Uint16Array(pixels);
  const iterations = new Int32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const observations = validObservations(stack, shape, p);
    const solved = weiszfeld(observations, bands, eps, maxIters);
    for (let b = 0; b < bands; b++) median[b * pixels + p] = solved.estimate[b];
    count[p] = observations.length;
    iterations[p] = solved.iterations;
  }
  if (stats) addStats(stats, count, iterations, maxIters);
  return { median, count };
}
