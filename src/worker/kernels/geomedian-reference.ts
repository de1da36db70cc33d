/**
 * Plain float64 geometric median, one pixel at a time: the yardstick the WebAssembly kernel
 * (./geomedian.ts) is tested and benchmarked against. Same algorithm and conventions as the
 * kernel (mean start, Weiszfeld updates with Anderson mixing, Vardi–Zhang step at coincident
 * observations, relative stopping rule, exact tests at observations; see ./geomedian.ts); only
 * the arithmetic (float64, scalar, written for clarity rather than speed) differs. `weiszfeld`
 * can also take plain Weiszfeld steps, for a truth that does not share the mixing.
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
      // (Within the stack, which checkShape has checked.)
      const value = stack[(b * times + t) * pixels + pixel] ?? NaN;
      if (!Number.isFinite(value)) finite = false;
      observation[b] = value;
    }
    if (finite) observations.push(observation);
  }
  return observations;
}

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}

function norm(a: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! ** 2;
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
    for (let b = 0; b < bands; b++) weightedSum[b]! += observation[b]! * weight;
  });
  const pull = weightedSum.map((sum, b) => sum - weightSum * point[b]!);
  return { pull, weightSum, weightedSum, coincident };
}

/** A pass of the iteration: the Weiszfeld point T(y) it found and its residual T(y) − y. */
export interface Pass {
  point: Float64Array;
  residual: Float64Array;
}

/**
 * Anderson mixing of depth 2 falls back to depth 1 when the two residual changes are this close
 * to parallel (1 − cos² of their angle below it), where the 2 × 2 system is ill-posed.
 */
const ANDERSON_CONDITION = 1e-3;

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function difference(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((value, i) => value - b[i]!);
}

/**
 * The next estimate after a pass that found Weiszfeld point `current.point` = T(y_k) and
 * residual `current.residual` = r_k = T(y_k) − y_k, given the earlier passes in `history`
 * (newest first; the first two are used): Anderson mixing in the form of Walker and Ni,
 * T(y_k) − γ₁ ΔT_k − γ₂ ΔT_{k−1}, with the changes between consecutive passes
 * ΔT_k = T(y_k) − T(y_{k−1}), Δr_k = r_k − r_{k−1}, and γ minimising the linearised residual
 * |r_k − γ₁ Δr_k − γ₂ Δr_{k−1}| (γ₂ = 0 with one earlier pass, or when Δr_k and Δr_{k−1} are
 * nearly parallel; with none, T(y_k) itself). On a linear map it finds the fixed point of the
 * span it has seen: in one dimension after two passes.
 *
 * Returns undefined when that move y_{k+1} − y_k = r_k − γ₁ ΔT_k − γ₂ ΔT_{k−1} would not make
 * an acute angle with r_k (minus the objective's gradient, scaled): near an observation x_j that
 * is not the minimiser T(y) → x_j, so every observation is a spurious fixed point of T that the
 * extrapolation can head for; the caller then takes T(y_k) and restarts the mixing.
 */
export function andersonStep(current: Pass, history: readonly Pass[]): Float64Array | undefined {
  const { point, residual } = current;
  const [pass1, pass2] = history;
  const none = new Float64Array(point.length);
  const change = pass1 ? { residual: difference(residual, pass1.residual), point: difference(point, pass1.point) } : undefined;
  const oldChange = pass1 && pass2 ? { residual: difference(pass1.residual, pass2.residual), point: difference(pass1.point, pass2.point) } : undefined;
  let gamma1 = 0;
  let gamma2 = 0;
  if (change) {
    const change2 = dot(change.residual, change.residual);
    const changeResidual = dot(change.residual, residual);
    if (change2 > 0) gamma1 = changeResidual / change2;
    if (oldChange) {
      const oldChange2 = dot(oldChange.residual, oldChange.residual);
      const changes = dot(change.residual, oldChange.residual);
      const oldChangeResidual = dot(oldChange.residual, residual);
      const determinant = change2 * oldChange2 - changes * changes;
      if (determinant > ANDERSON_CONDITION * change2 * oldChange2) {
        gamma1 = (changeResidual * oldChange2 - oldChangeResidual * changes) / determinant;
        gamma2 = (change2 * oldChangeResidual - changes * changeResidual) / determinant;
      }
    }
  }
  const pointChange = change?.point ?? none;
  const oldPointChange = oldChange?.point ?? none;
  const move = residual.map((r, b) => r - gamma1 * pointChange[b]! - gamma2 * oldPointChange[b]!);
  if (!(dot(move, residual) > 0)) return undefined;
  return point.map((t, b) => t - gamma1 * pointChange[b]! - gamma2 * oldPointChange[b]!);
}

/** Options of `weiszfeld`. */
export interface WeiszfeldOptions {
  /** Anderson mixing of the updates, as the kernel does (default); false: plain Weiszfeld. */
  anderson?: boolean;
}

/**
 * `observation` is the minimiser iff |R| ≤ η there (R the pull of the others, η its copies):
 * the exact test at an observation.
 */
function isMinimiserAt(observations: readonly Float64Array[], observation: Float64Array, eps: number): boolean {
  const at = pullAt(observations, observation, eps * norm(observation));
  return norm(at.pull) <= at.coincident;
}

/** Geometric median of a set of points; returns the estimate and the iterations made. */
export function weiszfeld(
  observations: readonly Float64Array[],
  bands: number,
  eps: number,
  maxIters: number,
  { anderson = true }: WeiszfeldOptions = {},
): { estimate: Float64Array; iterations: number } {
  const estimate = new Float64Array(bands);
  if (observations.length === 0) return { estimate: estimate.fill(NaN), iterations: 0 };
  for (const observation of observations) for (let b = 0; b < bands; b++) estimate[b]! += observation[b]!;
  for (let b = 0; b < bands; b++) estimate[b]! /= observations.length;
  if (observations.length === 1) return { estimate, iterations: 0 };

  const weights = new Float64Array(observations.length);
  let weightSum = 0;
  let iterations = 0;
  // Set when the iteration stops within eps·|y| of an observation that passes the exact test.
  let atObservation: Float64Array | undefined;
  let history: Pass[] = [];
  while (iterations < maxIters) {
    iterations++;
    const at = pullAt(observations, estimate, eps * norm(estimate), weights);
    weightSum = at.weightSum;
    if (weightSum === 0) {
      // Every observation is at the estimate: test the first one exactly, as below.
      atObservation = observations[0];
      break;
    }
    const weiszfeldPoint = at.weightedSum.map((sum) => sum / weightSum);
    if (at.coincident > 0) {
      // Vardi–Zhang.
      const pull = norm(at.pull);
      if (pull <= at.coincident) {
        // Return the observation itself (the first one at y) if the exact test passes there.
        atObservation = observations[weights.indexOf(0)];
        break;
      }
      const stay = at.coincident / pull;
      const next = weiszfeldPoint.map((t, b) => (1 - stay) * t + stay * estimate[b]!);
      const step = distance(next, estimate);
      estimate.set(next);
      history = [];
      if (step <= eps * norm(estimate)) break;
      continue;
    }
    const current: Pass = { point: weiszfeldPoint, residual: difference(weiszfeldPoint, estimate) };
    if (norm(current.residual) <= eps * norm(weiszfeldPoint)) {
      estimate.set(weiszfeldPoint);
      break;
    }
    let next = anderson ? andersonStep(current, history) : weiszfeldPoint;
    if (!next) {
      next = weiszfeldPoint;
      history = [];
    }
    history = [current, ...history.slice(0, 1)];
    estimate.set(next);
  }
  if (atObservation) {
    if (isMinimiserAt(observations, atObservation, eps)) estimate.set(atObservation);
  } else if (weightSum > 0) {
    // The final exact test at the observation nearest the estimate, when it and its copies hold
    // most of the last pass's weight (see snapToNearest in assembly/geomedian.ts).
    let nearest = 0;
    weights.forEach((weight, i) => {
      if (weight > weights[nearest]!) nearest = i;
    });
    const candidate = observations[nearest]!;
    const copies = observations.filter((observation) => observation.every((value, b) => value === candidate[b])).length;
    if (copies * weights[nearest]! > 0.9 * weightSum && isMinimiserAt(observations, candidate, eps)) estimate.set(candidate);
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
    solved.estimate.forEach((value, b) => (median[b * pixels + p] = value));
    count[p] = observations.length;
    iterations[p] = solved.iterations;
  }
  if (stats) addStats(stats, count, iterations, maxIters);
  return { median, count };
}
