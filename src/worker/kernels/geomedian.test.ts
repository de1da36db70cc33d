import { describe, expect, it } from 'vitest';
import { geomedian, mads, type GeomedianOptions, type GeomedianResult, type GeomedianStats, type StackShape } from './geomedian.js';
import { andersonStep, geomedianReference, sumOfDistances, validObservations, weiszfeld, type Pass } from './geomedian-reference.js';
import { emptyStats } from './stack.js';
import { uniformSource } from '../../shared/test-support/uniform-source.js';

type Observation = readonly number[] | null;

/** `values[i]`, which the test has made sure exists. */
function entry(values: ArrayLike<number>, i: number): number {
  const value = values[i];
  if (value === undefined) throw new RangeError(`no entry ${i} of ${values.length}`);
  return value;
}

/** A stack from per-pixel observation lists (null: masked in every band); pixels with fewer
 * observations than the longest are padded with masked ones. */
function stackOf(bands: number, pixelObservations: readonly (readonly Observation[])[]): { stack: Float32Array; shape: StackShape } {
  const pixels = pixelObservations.length;
  const times = Math.max(0, ...pixelObservations.map((o) => o.length));
  const stack = new Float32Array(bands * times * pixels).fill(NaN);
  pixelObservations.forEach((observations, p) => {
    observations.forEach((observation, t) => {
      observation?.forEach((value, b) => (stack[(b * times + t) * pixels + p] = value));
    });
  });
  return { stack, shape: { bands, times, pixels } };
}

function pixelOf(result: GeomedianResult, shape: StackShape, pixel: number): number[] {
  return Array.from({ length: shape.bands }, (_, b) => entry(result.median, b * shape.pixels + pixel));
}


/** Reflectance-like random stack: a per-pixel spectrum, per-date noise, some outliers,
 * `maskedFraction` of observations masked (a few in one band only). */
function randomStack(shape: StackShape, maskedFraction: number, seed: number): Float32Array {
  const { bands, times, pixels } = shape;
  const uniform = uniformSource(seed);
  const stack = new Float32Array(bands * times * pixels);
  const spectrum = new Float64Array(bands);
  for (let p = 0; p < pixels; p++) {
    for (let b = 0; b < bands; b++) spectrum[b] = 0.02 + 0.4 * uniform();
    for (let t = 0; t < times; t++) {
      const masked = uniform() < maskedFraction;
      const oneBand = masked && uniform() < 0.1 ? Math.floor(uniform() * bands) : -1;
      const outlier = uniform() < 0.1;
      const brightness = 0.9 + 0.2 * uniform();
      for (let b = 0; b < bands; b++) {
        const value = outlier ? 0.6 * uniform() : brightness * entry(spectrum, b) + 0.02 * (uniform() - 0.5);
        const isMasked = oneBand >= 0 ? b === oneBand : masked;
        stack[(b * times + t) * pixels + p] = isMasked ? NaN : value;
      }
    }
  }
  return stack;
}

type Solver = (stack: Float32Array, shape: StackShape, options?: GeomedianOptions, stats?: GeomedianStats) => GeomedianResult;

const solvers: [string, Solver][] = [
  ['WebAssembly', geomedian],
  ['float64 reference', geomedianReference],
];

describe.each(solvers)('geometric median (%s): constructed pixels', (_name, solve) => {
  const closeTo = (actual: number[], expected: number[], tolerance: number): void => {
    expect(actual).toHaveLength(expected.length);
    actual.forEach((value, i) => expect(Math.abs(value - entry(expected, i)), `band ${i}: ${value} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance));
  };

  it('returns the observation itself for one valid observation', () => {
    const { stack, shape } = stackOf(3, [[null, [0.1, 0.2, 0.3], null]]);
    const result = solve(stack, shape);
    expect(pixelOf(result, shape, 0)).toEqual([0.1, 0.2, 0.3].map(Math.fround));
    expect(result.count[0]).toBe(1);
  });

  it('returns NaN and count 0 where every observation is masked', () => {
    const { stack, shape } = stackOf(2, [
      [null, null, null],
      [[1, 2], null, null],
    ]);
    const result = solve(stack, shape);
    expect(pixelOf(result, shape, 0)).toEqual([NaN, NaN]);
    expect(result.count[0]).toBe(0);
    expect(result.count[1]).toBe(1);
  });

  it('returns the midpoint of two observations', () => {
    const { stack, shape } = stackOf(2, [[[0.1, 0.5], [0.3, 0.1]]]);
    closeTo(pixelOf(solve(stack, shape), shape, 0), [0.2, 0.3], 1e-7);
  });

  it('returns the middle one of three collinear observations', () => {
    const { stack, shape } = stackOf(3, [[[0, 0, 0], [0.5, 0.25, 0.125], [0.1, 0.05, 0.025]]]);
    closeTo(pixelOf(solve(stack, shape), shape, 0), [0.1, 0.05, 0.025], 1e-6);
  });

  it('returns the centre of the four corners of a square', () => {
    const { stack, shape } = stackOf(2, [[[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]]]);
    closeTo(pixelOf(solve(stack, shape), shape, 0), [0.3, 0.3], 1e-6);
  });

  it('returns the vertex of a triangle whose angle there is at least 120°', () => {
    // Angle 150° at the vertex (0.3, 0.3): the Fermat point is the vertex itself.
    const vertex = [0.3, 0.3];
    const { stack, shape } = stackOf(2, [[[0.7, 0.3], vertex, [0.3 + 0.4 * Math.cos((5 * Math.PI) / 6), 0.3 + 0.4 * Math.sin((5 * Math.PI) / 6)]]]);
    closeTo(pixelOf(solve(stack, shape), shape, 0), vertex, 1e-6);
  });

  it('returns a repeated observation when its multiplicity outweighs the rest', () => {
    const { stack, shape } = stackOf(2, [[[0.2, 0.2], [0.5, 0.1], [0.2, 0.2], [0.1, 0.6], [0.2, 0.2]]]);
    const result = solve(stack, shape);
    closeTo(pixelOf(result, shape, 0), [0.2, 0.2], 1e-6);
    expect(result.count[0]).toBe(5);
  });

  it('stops at once when the start is a data point that is optimal', () => {
    // The mean is (0.3, 0.3), itself an observation, and the unit pulls of the others cancel.
    const { stack, shape } = stackOf(2, [[[0.3, 0.3], [0.5, 0.3], [0.1, 0.3]]]);
    const stats = emptyStats();
    closeTo(pixelOf(solve(stack, shape, {}, stats), shape, 0), [0.3, 0.3], 1e-7);
    expect(stats.iterations).toBe(1);
  });

  it('moves off a data point that is the start but not optimal (Vardi–Zhang step)', () => {
    // The mean (0, 0) is an observation, but the pull of the others (|R| ≈ 1.99 > 1) moves the
    // optimum to (1 − 0.1/√3, 0), where 2(1 − x) = √((1 − x)² + 0.01).
    const { stack, shape } = stackOf(2, [[[0, 0], [1, 0.1], [1, -0.1], [1, 0], [-3, 0]]]);
    const median = pixelOf(solve(stack, shape), shape, 0);
    closeTo(median, [1 - 0.1 / Math.sqrt(3), 0], 1e-5);
  });

  it('finds an optimum at the origin', () => {
    const { stack, shape } = stackOf(2, [[[0, 0], [0.2, 0.1], [0, 0], [0.1, 0.3], [0, 0]]]);
    const stats = emptyStats();
    closeTo(pixelOf(solve(stack, shape, {}, stats), shape, 0), [0, 0], 1e-6);
    expect(stats.reachedMaxIters).toBe(0);
  });

  it('finds the Fermat point of a triangle with every angle under 120°, in fewer updates than plain Weiszfeld', () => {
    // Isosceles on the base (0.1, 0.1)–(0.5, 0.1): the Fermat point lies on the axis x = 0.3,
    // where the base subtends 120°, 0.2 / tan 60° above the base. The mean (0.3, 0.3) is off it.
    const triangle = [
      [0.1, 0.1],
      [0.5, 0.1],
      [0.3, 0.7],
    ];
    const { stack, shape } = stackOf(2, [triangle]);
    const stats = emptyStats();
    closeTo(pixelOf(solve(stack, shape, {}, stats), shape, 0), [0.3, 0.1 + 0.2 / Math.sqrt(3)], 1e-6);
    // Plain Weiszfeld takes 15 updates from the mean to the same stopping rule; Anderson mixing 6.
    const plain = weiszfeld(validObservations(stack, shape, 0), 2, 1e-6, 1000, { anderson: false });
    expect(plain.iterations).toBeGreaterThanOrEqual(12);
    expect(stats.iterations).toBeLessThanOrEqual(plain.iterations / 2);
  });

  it('returns the median in one band, where every observation is a spurious fixed point of the update', () => {
    // Sorted: 0.220682 0.221256 0.221285 0.221813 0.223076 0.238205 0.252692. Below the
    // median the residual T(y) − y shrinks to 0 at each observation; an extrapolation that
    // followed it there would never arrive (the downhill test keeps it away).
    const values = [0.220682, 0.238205, 0.252692, 0.221256, 0.223076, 0.221813, 0.221285];
    const { stack, shape } = stackOf(1, [values.map((value) => [value])]);
    const stats = emptyStats();
    expect(pixelOf(solve(stack, shape, {}, stats), shape, 0)).toEqual([Math.fround(0.221813)]);
    expect(stats.reachedMaxIters).toBe(0);
  });

  it('returns the middle one of three values in one band exactly, not a point within eps of it', () => {
    const { stack, shape } = stackOf(1, [[[0.250932], [0.247699], [0.248031]]]);
    expect(pixelOf(solve(stack, shape), shape, 0)).toEqual([Math.fround(0.248031)]);
  });

  it('returns a minimiser that is a repeated observation exactly (quantised values)', () => {
    // 0.56 ten times, 0.57 six times, 0.55 twice: the median is 0.56. Its copies share the
    // weight, so the final exact test must count them to find it dominant.
    const values = [...Array<number>(10).fill(0.56), ...Array<number>(6).fill(0.57), 0.55, 0.55];
    const { stack, shape } = stackOf(1, [values.map((value) => [value])]);
    expect(pixelOf(solve(stack, shape), shape, 0)).toEqual([Math.fround(0.56)]);
  });

  it('returns an observation repeated at every date exactly, though its mean may round away from it', () => {
    // In float32, 7 × 0.1 summed and divided by 7 is not 0.1; every observation is then within
    // eps·|y| of the estimate, and the exact test at one of them returns it.
    const { stack, shape } = stackOf(2, [Array<number[]>(7).fill([0.1, 0.3]), Array<number[]>(3).fill([0.10001234710216522, 0.3])]);
    const stats = emptyStats();
    const result = solve(stack, shape, {}, stats);
    expect(pixelOf(result, shape, 0)).toEqual([0.1, 0.3].map(Math.fround));
    expect(pixelOf(result, shape, 1)).toEqual([0.10001234710216522, 0.3].map(Math.fround));
    expect(stats.iterations).toBe(2);
  });

  it('leaves out an observation with one masked band', () => {
    const { stack, shape } = stackOf(3, [[[0.1, 0.1, 0.1], [0.5, NaN, 0.5], [0.3, 0.3, 0.3]]]);
    const result = solve(stack, shape);
    expect(result.count[0]).toBe(2);
    closeTo(pixelOf(result, shape, 0), [0.2, 0.2, 0.2], 1e-7);
  });

  it('treats ±Infinity as missing', () => {
    const { stack, shape } = stackOf(2, [[[0.1, 0.1], [Infinity, 0.5], [0.3, -Infinity], [0.3, 0.3]]]);
    const result = solve(stack, shape);
    expect(result.count[0]).toBe(2);
    closeTo(pixelOf(result, shape, 0), [0.2, 0.2], 1e-7);
  });

  it('handles a stack with no time steps or no pixels', () => {
    const none = solve(new Float32Array(0), { bands: 2, times: 0, pixels: 3 });
    expect(Array.from(none.median)).toEqual([NaN, NaN, NaN, NaN, NaN, NaN]);
    expect(Array.from(none.count)).toEqual([0, 0, 0]);
    expect(solve(new Float32Array(0), { bands: 2, times: 5, pixels: 0 }).median).toHaveLength(0);
  });

  it('rejects a stack that does not match its shape, and bad options', () => {
    expect(() => solve(new Float32Array(5), { bands: 2, times: 1, pixels: 3 })).toThrow(RangeError);
    expect(() => solve(new Float32Array(6), { bands: 2, times: 1, pixels: 3 }, { eps: -1 })).toThrow(RangeError);
    expect(() => solve(new Float32Array(6), { bands: 2, times: 1, pixels: 3 }, { maxIters: 1.5 })).toThrow(RangeError);
  });
});

describe('Anderson mixing (andersonStep of the reference, as the kernel does it)', () => {
  const vector = (...values: number[]): Float64Array => new Float64Array(values);

  it('takes the Weiszfeld point itself with no earlier pass', () => {
    expect(Array.from(andersonStep({ point: vector(0.4, 0.2), residual: vector(0.1, -0.1) }, []) ?? [])).toEqual([0.4, 0.2]);
  });

  it('lands on the fixed point of a linear contraction in one dimension after two passes', () => {
    // T(y) = 1 + 0.9 (y − 1) from y = 0: T = 0.1 (r = 0.1), then from 0.1: T = 0.19 (r = 0.09).
    // γ = r·Δr / |Δr|² = 0.09 · −0.01 / 0.0001 = −9, so y = 0.19 + 9 · (0.19 − 0.1) = 1.
    const next = andersonStep({ point: vector(0.19), residual: vector(0.09) }, [{ point: vector(0.1), residual: vector(0.1) }]);
    expect(next?.[0]).toBeCloseTo(1, 12);
  });

  it('lands on the fixed point of a linear contraction in two dimensions after three passes', () => {
    // T(y) = a + diag(0.2, 0.8)(y − a), a = (1, 2), from the origin: the rates differ, so one
    // secant is not enough, but the three residuals span the plane's affine combinations.
    const map = (y: Float64Array): Float64Array => vector(1 + 0.2 * (entry(y, 0) - 1), 2 + 0.8 * (entry(y, 1) - 2));
    let y = vector(0, 0);
    let history: Pass[] = [];
    for (let pass = 0; pass < 3; pass++) {
      const point = map(y);
      const current = { point, residual: point.map((t, b) => t - entry(y, b)) };
      const next = andersonStep(current, history);
      expect(next).toBeDefined();
      y = next ?? point;
      history = [current, ...history.slice(0, 1)];
    }
    expect(entry(y, 0)).toBeCloseTo(1, 12);
    expect(entry(y, 1)).toBeCloseTo(2, 12);
  });

  it('refuses an uphill move', () => {
    // r grew from 0.05 to 0.1: γ = 0.1 · 0.05 / 0.0025 = 2 and the move r − γ (0.6 − 0.5) = −0.1
    // points against r.
    expect(andersonStep({ point: vector(0.6), residual: vector(0.1) }, [{ point: vector(0.5), residual: vector(0.05) }])).toBeUndefined();
  });

  it('falls back to one earlier pass when the two residual changes are parallel', () => {
    // Residual changes 0.09 − 0.1 and 0.1 − 0.11 in one dimension: the 2 × 2 system is
    // singular, and the step is the secant with the newest pass, as above.
    const next = andersonStep({ point: vector(0.19), residual: vector(0.09) }, [
      { point: vector(0.1), residual: vector(0.1) },
      { point: vector(0), residual: vector(0.11) },
    ]);
    expect(next?.[0]).toBeCloseTo(1, 12);
  });
});

describe('geometric median: WebAssembly against the float64 optimum', () => {
  // Relative gap between the objective at a result and at the float64 optimum, per pixel.
  function objectiveGaps(stack: Float32Array, shape: StackShape, median: Float32Array): number[] {
    const gaps: number[] = [];
    for (let p = 0; p < shape.pixels; p++) {
      const observations = validObservations(stack, shape, p);
      if (observations.length === 0) continue;
      // Plain Weiszfeld steps: a truth that does not share the kernel's mixing.
      const optimum = weiszfeld(observations, shape.bands, 1e-12, 100_000, { anderson: false }).estimate;
      const best = sumOfDistances(observations, optimum);
      const at = Array.from({ length: shape.bands }, (_, b) => entry(median, b * shape.pixels + p));
      const gap = (sumOfDistances(observations, at) - best) / Math.max(best, Number.MIN_VALUE);
      gaps.push(best === 0 ? sumOfDistances(observations, at) : gap);
    }
    return gaps;
  }

  it('is within 1e-5 of the optimal objective on ≥ 99.9 % of 64×64 px, 6 bands, T = 20, 30 % masked', () => {
    const shape: StackShape = { bands: 6, times: 20, pixels: 64 * 64 };
    const stack = randomStack(shape, 0.3, 1);
    const stats = emptyStats();
    const result = geomedian(stack, shape, {}, stats);
    const gaps = objectiveGaps(stack, shape, result.median);
    const within = gaps.filter((gap) => gap <= 1e-5).length;
    expect(within / gaps.length).toBeGreaterThanOrEqual(0.999);
    expect(stats.pixels).toBe(shape.pixels);
    expect(stats.reachedMaxIters).toBe(0);
    // Counts agree with the reference's, and the medians with its default-eps medians.
    const reference = geomedianReference(stack, shape);
    expect(Array.from(result.count)).toEqual(Array.from(reference.count));
    let largest = 0;
    for (let i = 0; i < result.median.length; i++) {
      const difference = Math.abs(entry(result.median, i) - entry(reference.median, i));
      if (difference === difference) largest = Math.max(largest, difference);
      else expect(Number.isNaN(result.median[i]) && Number.isNaN(reference.median[i])).toBe(true);
    }
    expect(largest).toBeLessThan(1e-3);
  });

  it.each([
    [1, 7, 37],
    [2, 9, 50],
    [3, 4, 17],
    [5, 33, 100],
    [10, 13, 64],
  ])('is near the optimum for %i bands, %i times, %i pixels (remainders of every vector loop)', (bands, times, pixels) => {
    const shape: StackShape = { bands, times, pixels };
    const stack = randomStack(shape, 0.3, bands * 1000 + times);
    const result = geomedian(stack, shape);
    const gaps = objectiveGaps(stack, shape, result.median);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1e-5);
  });

  it('gives the same answer across batch boundaries', () => {
    // 10 × 200 × 4 bytes per pixel: a 2 MiB batch holds 256 pixels, so 600 make three batches,
    // the last of 88 (not a multiple of the 16-pixel block).
    const shape: StackShape = { bands: 10, times: 200, pixels: 600 };
    const stack = randomStack(shape, 0.5, 7);
    const whole = geomedian(stack, shape);
    const tailFirst = 500;
    const tail: StackShape = { ...shape, pixels: shape.pixels - tailFirst };
    const tailStack = new Float32Array(shape.bands * shape.times * tail.pixels);
    for (let row = 0; row < shape.bands * shape.times; row++) {
      tailStack.set(stack.subarray(row * shape.pixels + tailFirst, (row + 1) * shape.pixels), row * tail.pixels);
    }
    const alone = geomedian(tailStack, tail);
    for (let b = 0; b < shape.bands; b++) {
      expect(Array.from(whole.median.subarray(b * shape.pixels + tailFirst, (b + 1) * shape.pixels))).toEqual(
        Array.from(alone.median.subarray(b * tail.pixels, (b + 1) * tail.pixels)),
      );
    }
    expect(Array.from(whole.count.subarray(tailFirst))).toEqual(Array.from(alone.count));
  });
});

describe('MADs', () => {
  /** Median as numpy defines it, NaN left out. */
  function directMedian(values: number[]): number {
    const kept = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    if (kept.length === 0) return NaN;
    const half = kept.length >> 1;
    return kept.length % 2 === 1 ? entry(kept, half) : (entry(kept, half - 1) + entry(kept, half)) / 2;
  }

  function directMads(stack: Float32Array, shape: StackShape, median: Float32Array, pixel: number): [number, number, number] {
    const m = Array.from({ length: shape.bands }, (_, b) => entry(median, b * shape.pixels + pixel));
    const observations = validObservations(stack, shape, pixel);
    const norm = (v: ArrayLike<number>): number => Math.hypot(...Array.from(v));
    const cosine = observations.map((x) => 1 - x.reduce((sum, xb, b) => sum + xb * entry(m, b), 0) / (norm(x) * norm(m)));
    const euclidean = observations.map((x) => Math.hypot(...Array.from(x, (xb, b) => xb - entry(m, b))));
    const brayCurtis = observations.map(
      (x) => x.reduce((sum, xb, b) => sum + Math.abs(xb - entry(m, b)), 0) / x.reduce((sum, xb, b) => sum + Math.abs(xb + entry(m, b)), 0),
    );
    return [directMedian(cosine), directMedian(euclidean), directMedian(brayCurtis)];
  }

  it('matches hand-computed values, with the even-count median the mean of the middle two', () => {
    const { stack, shape } = stackOf(2, [
      [[1, 0], [0, 1], [1, 1]],
      [[1, 0], [1, 1], [3, 1], [1, 4], null],
      [null, null, null],
    ]);
    const median = new Float32Array([1, 1, NaN, 1, 1, NaN]);
    const { smad, emad, bcmad } = mads(stack, shape, median);
    // Pixel 0: distances to (1, 1) of (1,0), (0,1), (1,1).
    expect(emad[0]).toBe(1);
    expect(smad[0]).toBeCloseTo(1 - Math.SQRT1_2, 7);
    expect(bcmad[0]).toBeCloseTo(1 / 3, 7);
    // Pixel 1: Euclidean 1, 0, 2, 3 → (1 + 2) / 2.
    expect(emad[1]).toBe(1.5);
    // Cosine: 1 − 1/√2, 0, 1 − 4/√20, 1 − 5/√34 → mean of the middle two.
    const cosines = [1 - Math.SQRT1_2, 0, 1 - 4 / Math.sqrt(20), 1 - 5 / Math.sqrt(34)].sort((a, b) => a - b);
    expect(smad[1]).toBeCloseTo((entry(cosines, 1) + entry(cosines, 2)) / 2, 7);
    // Bray–Curtis: 1/3, 0, 2/6, 3/7 → (1/3 + 1/3) / 2.
    expect(bcmad[1]).toBeCloseTo(1 / 3, 7);
    expect([smad[2], emad[2], bcmad[2]]).toEqual([NaN, NaN, NaN]);
  });

  it('leaves out NaN distances (a zero observation has no cosine distance)', () => {
    const { stack, shape } = stackOf(2, [[[0, 0], [1, 0], [0, 2]]]);
    const { smad, emad } = mads(stack, shape, new Float32Array([1, 1]));
    // Cosine distances: NaN, 1 − 1/√2, 1 − 1/√2; Euclidean: √2, 1, √2.
    expect(smad[0]).toBeCloseTo(1 - Math.SQRT1_2, 7);
    expect(emad[0]).toBe(Math.fround(Math.SQRT2));
  });

  it.each([
    [6, 21, 500],
    [3, 9, 33],
    [10, 200, 600],
  ])('matches a direct float64 computation on a random stack of %i bands, %i times, %i pixels', (bands, times, pixels) => {
    const shape: StackShape = { bands, times, pixels };
    const stack = randomStack(shape, 0.3, bands + times);
    const { median } = geomedian(stack, shape);
    const result = mads(stack, shape, median);
    for (let p = 0; p < shape.pixels; p++) {
      const [smad, emad, bcmad] = directMads(stack, shape, median, p);
      for (const [actual, expected] of [
        [entry(result.smad, p), smad],
        [entry(result.emad, p), emad],
        [entry(result.bcmad, p), bcmad],
      ] as const) {
        if (Number.isNaN(expected)) expect(actual).toBeNaN();
        else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(expected)));
      }
    }
  });

  it('handles runs of equal distances', () => {
    const repeated = [0.2, 0.2];
    const observations = [...Array(7).fill(repeated), [0.5, 0.1], [0.1, 0.6], [0.3, 0.3], [0.3, 0.3], [0.05, 0.5]];
    const { stack, shape } = stackOf(2, [observations, observations, [...Array(40).fill(repeated)]]);
    // Medians: at the repeated point (most distances 0), at the origin, and a constant series.
    const median = new Float32Array([0.2, 0, 0.2, 0.2, 0, 0.2]);
    const result = mads(stack, shape, median);
    for (let p = 0; p < shape.pixels; p++) {
      const [smad, emad, bcmad] = directMads(stack, shape, median, p);
      expect(result.emad[p]).toBeCloseTo(emad, 7);
      expect(result.bcmad[p]).toBeCloseTo(bcmad, 7);
      // No cosine distance to the origin.
      if (p === 1) expect([result.smad[p], smad]).toEqual([NaN, NaN]);
      else expect(result.smad[p]).toBeCloseTo(smad, 7);
    }
    expect(result.emad[0]).toBe(0);
    expect(result.emad[1]).toBe(Math.fround(Math.hypot(0.2, 0.2)));
    expect(result.emad[2]).toBe(0);
  });

  it('rejects a median of the wrong length', () => {
    expect(() => mads(new Float32Array(6), { bands: 2, times: 1, pixels: 3 }, new Float32Array(5))).toThrow(RangeError);
  });
});
