// Geometric median (Weiszfeld with Anderson mixing and the Vardi–Zhang modification) per pixel,
// compiled to WebAssembly with SIMD. The TypeScript wrapper (src/worker/kernels/geomedian.ts) owns the
// memory layout: it copies a batch of pixels in, calls `geomedianBatch`, and copies results out;
// it documents the conventions (start, stopping rule, coincident observations).
//
// Vectorisation is across the observations of one pixel, not across pixels: each pixel's valid
// observations are first packed into a [band][observation] block, so masked samples cost
// nothing in the iteration and every pixel stops at its own convergence (4 pixels per vector
// would iterate masked lanes and run each group until its slowest pixel converges).

// Packed observations are padded to a multiple of 4 with this value: its squared distance to
// any estimate overflows to +Inf, so its inverse-distance weight is exactly 0 and it adds
// nothing to any sum (0 × 1e30 = 0, no NaN).
const PAD_VALUE: f32 = 1.0e30;

const LANE_BYTES: usize = 16;

// Pixels transposed together: 16 floats, one cache line of each stack row.
const BLOCK_PIXELS: usize = 16;

export function heapBase(): usize {
  return __heap_base;
}

/** `n` rounded up to whole vectors of 4. */
@inline
function roundUp4(n: i32): i32 {
  return (n + 3) & ~3;
}

/** Bytes of scratch `geomedianBatch` needs (16-byte aligned). */
export function scratchBytes(bands: i32, times: i32): usize {
  const rowBytes = <usize>roundUp4(times) << 2;
  const bandBytes = <usize>roundUp4(bands) << 2;
  // tile and validity of BLOCK_PIXELS pixels, weights; estimate, next estimate, candidate,
  // the last Weiszfeld point and residual, the last two changes of both
  return BLOCK_PIXELS * (<usize>bands + 1) * rowBytes + rowBytes + 9 * bandBytes;
}

@inline
function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

@inline
function horizontalSumI32(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + (i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3));
}

/** [Σ lanes of s0, Σ lanes of s1, Σ lanes of s2, Σ lanes of s3]. */
@inline
function horizontalSums4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const pairs01 = f32x4.add(i32x4.shuffle(s0, s1, 0, 4, 2, 6), i32x4.shuffle(s0, s1, 1, 5, 3, 7));
  const pairs23 = f32x4.add(i32x4.shuffle(s2, s3, 0, 4, 2, 6), i32x4.shuffle(s2, s3, 1, 5, 3, 7));
  return f32x4.add(i32x4.shuffle(pairs01, pairs23, 0, 1, 4, 5), i32x4.shuffle(pairs01, pairs23, 2, 3, 6, 7));
}

// i8x16.swizzle patterns that move the lanes selected by a 4-bit mask to the front, in order.
const COMPACTING_SHUFFLES: usize = memory.data(16 * 16, 16);
for (let mask = 0; mask < 16; mask++) {
  let kept = 0;
  for (let lane = 0; lane < 4; lane++) {
    if (((mask >> lane) & 1) == 0) continue;
    for (let byte = 0; byte < 4; byte++) store<u8>(COMPACTING_SHUFFLES + <usize>(mask * 16 + kept * 4 + byte), <u8>(lane * 4 + byte));
    kept++;
  }
}

/**
 * Copies the BLOCK_PIXELS pixels from `first` out of the stack ([band][time][pixel], `rowBytes`
 * per row) into `tile`, pixel-major ([pixel][band][time]: `pixelBytes` per pixel, `rowStride`
 * per band), reading each stack cache line once where a per-pixel gather would read it 16 times.
 * Meanwhile adds x − x (0, or NaN for NaN and ±∞) over the bands of each sample into
 * `validity` ([pixel][time], `rowStride` per pixel, zeroed by the caller).
 */
function transposeBlock(
  stack: usize,
  bands: i32,
  times: i32,
  rowBytes: usize,
  first: i32,
  tile: usize,
  rowStride: usize,
  pixelBytes: usize,
  validity: usize,
): void {
  const fourTimes = times & ~3;
  let row = stack + (<usize>first << 2);
  for (let b = 0; b < bands; b++) {
    const bandTile = tile + <usize>b * rowStride;
    let t = 0;
    // 4 times × 4 pixels at once: a 4×4 transpose in registers.
    for (; t < fourTimes; t += 4, row += rowBytes << 2) {
      const timeOffset = <usize>t << 2;
      for (let group: usize = 0; group < BLOCK_PIXELS; group += 4) {
        const at = row + (group << 2);
        const time0 = v128.load(at);
        const time1 = v128.load(at + rowBytes);
        const time2 = v128.load(at + 2 * rowBytes);
        const time3 = v128.load(at + 3 * rowBytes);
        const low01 = i32x4.shuffle(time0, time1, 0, 4, 1, 5);
        const high01 = i32x4.shuffle(time0, time1, 2, 6, 3, 7);
        const low23 = i32x4.shuffle(time2, time3, 0, 4, 1, 5);
        const high23 = i32x4.shuffle(time2, time3, 2, 6, 3, 7);
        const pixel0 = i32x4.shuffle(low01, low23, 0, 1, 4, 5);
        const pixel1 = i32x4.shuffle(low01, low23, 2, 3, 6, 7);
        const pixel2 = i32x4.shuffle(high01, high23, 0, 1, 4, 5);
        const pixel3 = i32x4.shuffle(high01, high23, 2, 3, 6, 7);
        const target = bandTile + group * pixelBytes + timeOffset;
        v128.store(target, pixel0);
        v128.store(target + pixelBytes, pixel1);
        v128.store(target + 2 * pixelBytes, pixel2);
        v128.store(target + 3 * pixelBytes, pixel3);
        const check = validity + group * rowStride + timeOffset;
        v128.store(check, f32x4.add(v128.load(check), f32x4.sub(pixel0, pixel0)));
        v128.store(check + rowStride, f32x4.add(v128.load(check + rowStride), f32x4.sub(pixel1, pixel1)));
        v128.store(check + 2 * rowStride, f32x4.add(v128.load(check + 2 * rowStride), f32x4.sub(pixel2, pixel2)));
        v128.store(check + 3 * rowStride, f32x4.add(v128.load(check + 3 * rowStride), f32x4.sub(pixel3, pixel3)));
      }
    }
    for (; t < times; t++, row += rowBytes) {
      const timeOffset = <usize>t << 2;
      for (let q: usize = 0; q < BLOCK_PIXELS; q++) {
        const value = load<f32>(row + (q << 2));
        store<f32>(bandTile + q * pixelBytes + timeOffset, value);
        const check = validity + q * rowStride + timeOffset;
        store<f32>(check, load<f32>(check) + (value - value));
      }
    }
  }
}

/**
 * Moves the observations of one pixel's tile whose bands are all finite (`validity` 0, see
 * transposeBlock) to the front of each band row, pads them to a multiple of 4 and returns how
 * many there are.
 */
function compactPixel(pixel: usize, bands: i32, times: i32, rowStride: usize, validity: usize): i32 {
  let valid = 0;
  for (let t = 0; t < times; t += 4) {
    const check = v128.load(validity + (<usize>t << 2));
    let keep = i32x4.bitmask(f32x4.eq(check, check));
    // Columns past `times` hold whatever an earlier tile left.
    if (times - t < 4) keep &= (1 << (times - t)) - 1;
    if (keep == 0b1111 && valid == t) {
      valid += 4;
      continue;
    }
    const shuffle = v128.load(COMPACTING_SHUFFLES + (<usize>keep << 4));
    let from = pixel + (<usize>t << 2);
    let to = pixel + (<usize>valid << 2);
    // A 16-byte store at `to` ≤ `from` only overwrites this chunk, already loaded, or earlier ones.
    for (let b = 0; b < bands; b++, from += rowStride, to += rowStride) v128.store(to, i8x16.swizzle(v128.load(from), shuffle));
    valid += <i32>popcnt(keep);
  }
  const padded = roundUp4(valid);
  for (let b = 0; b < bands; b++) {
    const row = pixel + <usize>b * rowStride;
    for (let i = valid; i < padded; i++) store<f32>(row + (<usize>i << 2), PAD_VALUE);
  }
  return valid;
}

/** Σ of the first `fullBytes` of a row plus its vector at `fullBytes` masked by `last`. */
@inline
function rowSum(row: usize, fullBytes: usize, last: v128): v128 {
  let sum = v128.and(v128.load(row + fullBytes), last);
  for (let c: usize = 0; c < fullBytes; c += LANE_BYTES) sum = f32x4.add(sum, v128.load(row + c));
  return sum;
}

/**
 * `out[b]` = mean of the first `valid` values of band row b (rows `rowStride` apart, padded
 * with PAD_VALUE to a multiple of 4), four bands at a time; lanes of `out` past the last band
 * are set to 0.
 */
function bandMeans(pixel: usize, rowStride: usize, bands: i32, valid: i32, out: usize): void {
  const fullBytes = <usize>(valid & ~3) << 2;
  // Keeps the lanes of the vector at fullBytes that hold observations (none when valid is a
  // multiple of 4: that vector is then past the row's end, in the next row or scratch).
  const last = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(valid & 3));
  const count = f32x4.splat(<f32>valid);
  const zero = f32x4.splat(0);
  let b = 0;
  let row = pixel;
  for (; b + 4 <= bands; b += 4, row += 4 * rowStride, out += LANE_BYTES) {
    const sum0 = rowSum(row, fullBytes, last);
    const sum1 = rowSum(row + rowStride, fullBytes, last);
    const sum2 = rowSum(row + 2 * rowStride, fullBytes, last);
    const sum3 = rowSum(row + 3 * rowStride, fullBytes, last);
    v128.store(out, f32x4.div(horizontalSums4(sum0, sum1, sum2, sum3), count));
  }
  const remaining = bands - b;
  if (remaining == 0) return;
  const sum0 = rowSum(row, fullBytes, last);
  const sum1 = remaining >= 2 ? rowSum(row + rowStride, fullBytes, last) : zero;
  const sum2 = remaining == 3 ? rowSum(row + 2 * rowStride, fullBytes, last) : zero;
  v128.store(out, f32x4.div(horizontalSums4(sum0, sum1, sum2, zero), count));
}

/**
 * `out[b] = Σ_i weights[i] · pixel[b][i]` over the first `usedBytes` of each band row; `out`
 * holds bands rounded up to 4, and the lanes past the last band are set to 0.
 */
@inline
function weightedSums(pixel: usize, rowStride: usize, bands: i32, usedBytes: usize, weights: usize, out: usize): void {
  let b = 0;
  let row = pixel;
  const zero = f32x4.splat(0);
  // Four bands per pass: four independent accumulation chains, one weight load for four bands.
  for (; b + 4 <= bands; b += 4, row += 4 * rowStride, out += LANE_BYTES) {
    let sum0 = zero;
    let sum1 = zero;
    let sum2 = zero;
    let sum3 = zero;
    const row1 = row + rowStride;
    const row2 = row1 + rowStride;
    const row3 = row2 + rowStride;
    for (let c: usize = 0; c < usedBytes; c += LANE_BYTES) {
      const w = v128.load(weights + c);
      sum0 = f32x4.add(sum0, f32x4.mul(w, v128.load(row + c)));
      sum1 = f32x4.add(sum1, f32x4.mul(w, v128.load(row1 + c)));
      sum2 = f32x4.add(sum2, f32x4.mul(w, v128.load(row2 + c)));
      sum3 = f32x4.add(sum3, f32x4.mul(w, v128.load(row3 + c)));
    }
    v128.store(out, horizontalSums4(sum0, sum1, sum2, sum3));
  }
  const remaining = bands - b;
  if (remaining >= 2) {
    let sum0 = zero;
    let sum1 = zero;
    let sum2 = zero;
    const row1 = row + rowStride;
    if (remaining == 3) {
      const row2 = row1 + rowStride;
      for (let c: usize = 0; c < usedBytes; c += LANE_BYTES) {
        const w = v128.load(weights + c);
        sum0 = f32x4.add(sum0, f32x4.mul(w, v128.load(row + c)));
        sum1 = f32x4.add(sum1, f32x4.mul(w, v128.load(row1 + c)));
        sum2 = f32x4.add(sum2, f32x4.mul(w, v128.load(row2 + c)));
      }
    } else {
      for (let c: usize = 0; c < usedBytes; c += LANE_BYTES) {
        const w = v128.load(weights + c);
        sum0 = f32x4.add(sum0, f32x4.mul(w, v128.load(row + c)));
        sum1 = f32x4.add(sum1, f32x4.mul(w, v128.load(row1 + c)));
      }
    }
    v128.store(out, horizontalSums4(sum0, sum1, sum2, zero));
  } else if (remaining == 1) {
    let sum0 = zero;
    for (let c: usize = 0; c < usedBytes; c += LANE_BYTES) {
      sum0 = f32x4.add(sum0, f32x4.mul(v128.load(weights + c), v128.load(row + c)));
    }
    v128.store(out, horizontalSums4(sum0, zero, zero, zero));
  }
}

// Second result of `inverseDistances`.
let coincidentCount: i32 = 0;

/**
 * weights[i] = 1/|x_i − point| for the observations farther than √radius2 from `point`, 0 for
 * the others (and for padding); returns Σ weights and leaves the number within the radius in
 * `coincidentCount`.
 */
@inline
function inverseDistances(pixel: usize, rowStride: usize, bands: i32, usedBytes: usize, point: usize, radius2: f32, weights: usize): f32 {
  const one = f32x4.splat(1);
  const radius2Lanes = f32x4.splat(radius2);
  let weightTotals = f32x4.splat(0);
  let coincidentTotals = i32x4.splat(0);
  const pairBytes = usedBytes & ~(2 * LANE_BYTES - 1);
  let c: usize = 0;
  // Two vectors of observations per pass over the bands: two independent chains, and one
  // broadcast of each coordinate of `point` for both.
  for (; c < pairBytes; c += 2 * LANE_BYTES) {
    let distance2A = f32x4.splat(0);
    let distance2B = f32x4.splat(0);
    let sample = pixel + c;
    let coordinate = point;
    for (let b = 0; b < bands; b++, sample += rowStride, coordinate += 4) {
      const y = v128.load32_splat(coordinate);
      const diffA = f32x4.sub(v128.load(sample), y);
      const diffB = f32x4.sub(v128.load(sample, LANE_BYTES), y);
      distance2A = f32x4.add(distance2A, f32x4.mul(diffA, diffA));
      distance2B = f32x4.add(distance2B, f32x4.mul(diffB, diffB));
    }
    const coincidentA = f32x4.le(distance2A, radius2Lanes);
    const coincidentB = f32x4.le(distance2B, radius2Lanes);
    const weightA = v128.andnot(f32x4.div(one, f32x4.sqrt(distance2A)), coincidentA);
    const weightB = v128.andnot(f32x4.div(one, f32x4.sqrt(distance2B)), coincidentB);
    v128.store(weights + c, weightA);
    v128.store(weights + c, weightB, LANE_BYTES);
    weightTotals = f32x4.add(weightTotals, f32x4.add(weightA, weightB));
    coincidentTotals = i32x4.sub(coincidentTotals, i32x4.add(coincidentA, coincidentB));
  }
  if (c < usedBytes) {
    let distance2 = f32x4.splat(0);
    let sample = pixel + c;
    let coordinate = point;
    for (let b = 0; b < bands; b++, sample += rowStride, coordinate += 4) {
      const diff = f32x4.sub(v128.load(sample), v128.load32_splat(coordinate));
      distance2 = f32x4.add(distance2, f32x4.mul(diff, diff));
    }
    const coincident = f32x4.le(distance2, radius2Lanes);
    const weight = v128.andnot(f32x4.div(one, f32x4.sqrt(distance2)), coincident);
    v128.store(weights + c, weight);
    weightTotals = f32x4.add(weightTotals, weight);
    coincidentTotals = i32x4.sub(coincidentTotals, coincident);
  }
  coincidentCount = v128.any_true(coincidentTotals) ? horizontalSumI32(coincidentTotals) : 0;
  return horizontalSum(weightTotals);
}

@inline
function squaredNorm(vector: usize, bandBytes: usize): f32 {
  let lanes = f32x4.splat(0);
  for (let k: usize = 0; k < bandBytes; k += LANE_BYTES) {
    const v = v128.load(vector + k);
    lanes = f32x4.add(lanes, f32x4.mul(v, v));
  }
  return horizontalSum(lanes);
}

/**
 * |R|² with R = Σ_{x_i not at y} (x_i − y)/d_i = sums − weightSum · y, where `sums` holds
 * Σ x_i/d_i: the pull of the other observations on a point y (minus the gradient of the
 * objective there).
 */
@inline
function squaredPull(sums: usize, point: usize, weightSum: f32, bandBytes: usize): f32 {
  const weightSumLanes = f32x4.splat(weightSum);
  let lanes = f32x4.splat(0);
  for (let k: usize = 0; k < bandBytes; k += LANE_BYTES) {
    const r = f32x4.sub(v128.load(sums + k), f32x4.mul(v128.load(point + k), weightSumLanes));
    lanes = f32x4.add(lanes, f32x4.mul(r, r));
  }
  return horizontalSum(lanes);
}

// Anderson mixing of depth 2 falls back to depth 1 when the two residual changes are this
// close to parallel (1 − cos² of their angle below it), where the 2 × 2 system is ill-posed.
const ANDERSON_CONDITION: f32 = 1e-3;

/**
 * Weiszfeld iterations from the estimate in `estimate`, accelerated by Anderson mixing of depth
 * two; returns how many distance-and-weight passes were made. `estimate`, `next`, `candidate`
 * and the six vectors at `history` hold `bandBytes` each (bands rounded up to 4, the extra
 * lanes 0 so that vector loops over them add nothing).
 *
 * Each pass evaluates the Weiszfeld map T at the estimate y_k, with residual r_k = T(y_k) − y_k.
 * It stops, returning T(y_k), once |r_k| ≤ eps·|T(y_k)| — the plain Weiszfeld stopping rule,
 * at the point the map was evaluated. Otherwise the next estimate is the Anderson point
 * y_{k+1} = T(y_k) − γ₁ ΔT_k − γ₂ ΔT_{k−1}, with ΔT_k = T(y_k) − T(y_{k−1}) and γ minimising
 * |r_k − γ₁ Δr_k − γ₂ Δr_{k−1}| (Walker and Ni's form): the combination of the last three
 * Weiszfeld points whose linearised residual is smallest (on a linear contraction of one
 * dimension it lands on the fixed point). Weiszfeld converges linearly, at a rate near 1 in the
 * directions the observations pin down least; this removes most of that slow tail (about 2.4×
 * fewer passes on reflectance series for the same stopping rule). A Vardi–Zhang step
 * (observations at y_k) is taken as it is and restarts the mixing.
 *
 * The mixing costs about half a pass's arithmetic again at T = 24 (a pass with it takes about
 * 75 ns against 50 without, the scalar 2 × 2 solve sitting between a pass and the next), far
 * less than the passes it saves. Running two pixels in turn, to overlap that chain with the
 * other pixel's pass, left the cost of a pass unchanged within the noise.
 */
function solvePixel(
  pixel: usize,
  rowStride: usize,
  bands: i32,
  bandBytes: usize,
  valid: i32,
  weights: usize,
  estimate: usize,
  next: usize,
  candidate: usize,
  history: usize,
  eps: f32,
  maxIters: i32,
): i32 {
  const usedBytes = <usize>roundUp4(valid) << 2;
  const eps2 = eps * eps;
  let estimateNorm2 = squaredNorm(estimate, bandBytes);
  let weightSum: f32 = 0;
  let iterations = 0;
  // The last pass's Weiszfeld point T_{k−1} and residual r_{k−1}, and the last two changes
  // (Δr, ΔT) between consecutive passes, in two slots that swap roles each pass; `depth`
  // earlier passes are current (0, 1, or 2 and more). Entries past `depth` enter the step with
  // a coefficient 0, so they must be finite: zero them.
  memory.fill(history, 0, 6 * bandBytes);
  const lastPoint = history;
  const lastResidual = lastPoint + bandBytes;
  let newChanges = lastResidual + bandBytes;
  let oldChanges = newChanges + 2 * bandBytes;
  // |Δr_{k−1}|², from the last pass.
  let oldChange2: f32 = 0;
  let depth = 0;
  while (iterations < maxIters) {
    // Observations within eps·|y| of the estimate y count as at y: their 1/d weight is
    // undefined (d = 0) or swamps the rest; the Vardi–Zhang step below handles them.
    weightSum = inverseDistances(pixel, rowStride, bands, usedBytes, estimate, eps2 * estimateNorm2, weights);
    iterations++;
    // Every observation is at the estimate, which is the minimiser: return the first
    // observation itself if the exact test passes there (it does when all are copies).
    if (weightSum == 0) {
      testObservation(pixel, rowStride, bands, bandBytes, usedBytes, weights, 0, estimate, next, candidate, eps2);
      return iterations;
    }
    weightedSums(pixel, rowStride, bands, usedBytes, weights, next);
    if (coincidentCount > 0) {
      // Vardi–Zhang: if |R| ≤ η (the number of observations at y), y is the minimiser;
      // else y ← (1 − η/|R|)·T + (η/|R|)·y, T = Σ x_i/d_i / Σ 1/d_i the Weiszfeld point.
      const multiplicity = <f32>coincidentCount;
      const pull = Mathf.sqrt(squaredPull(next, estimate, weightSum, bandBytes));
      if (pull <= multiplicity) {
        // y is within eps·|y| of the minimiser, an observation: return that observation
        // itself if the test passes there too (the first one found at y).
        let index = 0;
        while (load<f32>(weights + (<usize>index << 2)) != 0) index++;
        testObservation(pixel, rowStride, bands, bandBytes, usedBytes, weights, index, estimate, next, candidate, eps2);
        return iterations;
      }
      const toWeiszfeld = f32x4.splat((1 - multiplicity / pull) / weightSum);
      const stay = f32x4.splat(multiplicity / pull);
      let step2Lanes = f32x4.splat(0);
      let norm2Lanes = f32x4.splat(0);
      for (let k: usize = 0; k < bandBytes; k += LANE_BYTES) {
        const y = v128.load(estimate + k);
        const v = f32x4.add(f32x4.mul(toWeiszfeld, v128.load(next + k)), f32x4.mul(stay, y));
        const d = f32x4.sub(v, y);
        step2Lanes = f32x4.add(step2Lanes, f32x4.mul(d, d));
        norm2Lanes = f32x4.add(norm2Lanes, f32x4.mul(v, v));
        v128.store(estimate + k, v);
      }
      depth = 0;
      estimateNorm2 = horizontalSum(norm2Lanes);
      if (horizontalSum(step2Lanes) <= eps2 * estimateNorm2) break;
      continue;
    }
    // T = T(y_k) = Σ x_i/d_i / Σ 1/d_i, r = T − y_k, the changes since the last pass
    // Δr = r − r_{k−1} and ΔT = T − T_{k−1} (into newChanges, with T and r into the last-pass
    // slots), and the dot products of the step (Anderson mixing in the form of Walker and Ni:
    // γ minimises |r − γ₁ Δr − γ₂ Δr_{k−1}|, then y_{k+1} = T − γ₁ ΔT − γ₂ ΔT_{k−1}).
    const scale = f32x4.splat(1 / weightSum);
    const zero = f32x4.splat(0);
    let rr = zero;
    let tt = zero;
    let dd = zero;
    let dD = zero;
    let dr = zero;
    let Dr = zero;
    let er = zero;
    let Er = zero;
    for (let k: usize = 0; k < bandBytes; k += LANE_BYTES) {
      const t = f32x4.mul(v128.load(next + k), scale);
      const r = f32x4.sub(t, v128.load(estimate + k));
      const d = f32x4.sub(r, v128.load(lastResidual + k));
      const e = f32x4.sub(t, v128.load(lastPoint + k));
      const oldD = v128.load(oldChanges + k);
      const oldE = v128.load(oldChanges + bandBytes + k);
      rr = f32x4.add(rr, f32x4.mul(r, r));
      tt = f32x4.add(tt, f32x4.mul(t, t));
      dd = f32x4.add(dd, f32x4.mul(d, d));
      dD = f32x4.add(dD, f32x4.mul(d, oldD));
      dr = f32x4.add(dr, f32x4.mul(d, r));
      Dr = f32x4.add(Dr, f32x4.mul(oldD, r));
      er = f32x4.add(er, f32x4.mul(e, r));
      Er = f32x4.add(Er, f32x4.mul(oldE, r));
      v128.store(lastPoint + k, t);
      v128.store(lastResidual + k, r);
      v128.store(newChanges + k, d);
      v128.store(newChanges + bandBytes + k, e);
    }
    const sumsA = horizontalSums4(rr, tt, dd, dr);
    const residualNorm2 = f32x4.extract_lane(sumsA, 0);
    if (residualNorm2 <= eps2 * f32x4.extract_lane(sumsA, 1)) {
      memory.copy(estimate, lastPoint, bandBytes);
      break;
    }
    const sumsB = horizontalSums4(dD, Dr, er, Er);
    const change2 = f32x4.extract_lane(sumsA, 2);
    const changeResidual = f32x4.extract_lane(sumsA, 3);
    let gamma1: f32 = 0;
    let gamma2: f32 = 0;
    if (depth >= 2) {
      const changes = f32x4.extract_lane(sumsB, 0);
      const oldChangeResidual = f32x4.extract_lane(sumsB, 1);
      const determinant = change2 * oldChange2 - changes * changes;
      if (determinant > ANDERSON_CONDITION * change2 * oldChange2) {
        gamma1 = (changeResidual * oldChange2 - oldChangeResidual * changes) / determinant;
        gamma2 = (change2 * oldChangeResidual - changes * changeResidual) / determinant;
      } else if (change2 > 0) {
        gamma1 = changeResidual / change2;
      }
    } else if (depth == 1 && change2 > 0) {
      gamma1 = changeResidual / change2;
    }
    // Only downhill: the move y_{k+1} − y_k = r − γ₁ ΔT − γ₂ ΔT_{k−1} must make an acute
    // angle with r (minus the objective's gradient, scaled). Near an observation x_j that is
    // not the minimiser, T(y) → x_j, so every observation is a spurious fixed point of T that an
    // extrapolation can head for (from the uphill side, as in one band); this keeps it away.
    if (residualNorm2 - gamma1 * f32x4.extract_lane(sumsB, 2) - gamma2 * f32x4.extract_lane(sumsB, 3) > 0) {
      depth++;
    } else {
      gamma1 = 0;
      gamma2 = 0;
      // This pass is the mixing's only history.
      depth = 1;
    }
    const gamma1Lanes = f32x4.splat(gamma1);
    const gamma2Lanes = f32x4.splat(gamma2);
    let norm2Lanes = zero;
    for (let k: usize = 0; k < bandBytes; k += LANE_BYTES) {
      const t = v128.load(lastPoint + k);
      const y = f32x4.sub(
        f32x4.sub(t, f32x4.mul(gamma1Lanes, v128.load(newChanges + bandBytes + k))),
        f32x4.mul(gamma2Lanes, v128.load(oldChanges + bandBytes + k)),
      );
      v128.store(estimate + k, y);
      norm2Lanes = f32x4.add(norm2Lanes, f32x4.mul(y, y));
    }
    const older = oldChanges;
    oldChanges = newChanges;
    newChanges = older;
    oldChange2 = change2;
    estimateNorm2 = horizontalSum(norm2Lanes);
  }
  if (weightSum > 0) snapToNearest(pixel, rowStride, bands, bandBytes, usedBytes, weights, weightSum, estimate, next, candidate, eps2);
  return iterations;
}

/**
 * Weiszfeld creeps towards a minimiser that is an observation (linearly, at a rate that nears
 * 1 as |R| nears η), so it can stop on the step rule measurably short of it. When the nearest
 * observation, with its copies, holds most of the last pass's weight (it is much nearer than
 * the rest), test it exactly (see testObservation).
 */
function snapToNearest(
  pixel: usize,
  rowStride: usize,
  bands: i32,
  bandBytes: usize,
  usedBytes: usize,
  weights: usize,
  weightSum: f32,
  estimate: usize,
  sums: usize,
  candidate: usize,
  eps2: f32,
): void {
  let largest = f32x4.splat(0);
  for (let c: usize = 0; c < usedBytes; c += LANE_BYTES) largest = f32x4.max(largest, v128.load(weights + c));
  const nearestWeight = max(max(f32x4.extract_lane(largest, 0), f32x4.extract_lane(largest, 1)), max(f32x4.extract_lane(largest, 2), f32x4.extract_lane(largest, 3)));
  // Copies of an observation (common in quantised data) share its weight: count the
  // observations with that weight, then, if they could dominate, those equal to the nearest.
  const nearestLanes = f32x4.splat(nearestWeight);
  let equallyNear = i32x4.splat(0);
  for (let c: usize = 0; c < usedBytes; c += LANE_BYTES) equallyNear = i32x4.sub(equallyNear, f32x4.eq(v128.load(weights + c), nearestLanes));
  // (Written so that a NaN weight also returns.)
  if (!(<f32>horizontalSumI32(equallyNear) * nearestWeight > 0.9 * weightSum)) return;
  let nearest = 0;
  while (load<f32>(weights + (<usize>nearest << 2)) != nearestWeight) nearest++;
  let copies = i32x4.splat(0);
  for (let c: usize = 0; c < usedBytes; c += LANE_BYTES) {
    let same = f32x4.eq(v128.load(weights + c), nearestLanes);
    for (let b = 0; b < bands; b++) {
      const row = pixel + <usize>b * rowStride;
      same = v128.and(same, f32x4.eq(v128.load(row + c), v128.load32_splat(row + (<usize>nearest << 2))));
    }
    copies = i32x4.sub(copies, same);
  }
  if (!(<f32>horizontalSumI32(copies) * nearestWeight > 0.9 * weightSum)) return;
  testObservation(pixel, rowStride, bands, bandBytes, usedBytes, weights, nearest, estimate, sums, candidate, eps2);
}

/**
 * Makes the optimality test |R| ≤ η exactly at observation `index` and, if it passes, returns
 * that observation (into `estimate`). Overwrites `weights` and `sums`.
 */
function testObservation(
  pixel: usize,
  rowStride: usize,
  bands: i32,
  bandBytes: usize,
  usedBytes: usize,
  weights: usize,
  index: i32,
  estimate: usize,
  sums: usize,
  candidate: usize,
  eps2: f32,
): void {
  for (let b = 0; b < bands; b++) {
    store<f32>(candidate + (<usize>b << 2), load<f32>(pixel + <usize>b * rowStride + (<usize>index << 2)));
  }
  const candidateWeightSum = inverseDistances(pixel, rowStride, bands, usedBytes, candidate, eps2 * squaredNorm(candidate, bandBytes), weights);
  weightedSums(pixel, rowStride, bands, usedBytes, weights, sums);
  const multiplicity = <f32>coincidentCount;
  if (squaredPull(sums, candidate, candidateWeightSum, bandBytes) <= multiplicity * multiplicity) {
    memory.copy(estimate, candidate, bandBytes);
  }
}

/**
 * Geometric median of every pixel of a batch.
 *
 * stack: f32 [band][time][pixel], `pixels` a multiple of 16; median: f32 [band][pixel] (out);
 * count: u16 [pixel] (out); iterations: i32 [pixel] (out, Weiszfeld passes); scratch:
 * `scratchBytes(bands, times)` bytes, 16-byte aligned.
 */
export function geomedianBatch(
  stack: usize,
  bands: i32,
  times: i32,
  pixels: i32,
  median: usize,
  count: usize,
  iterations: usize,
  scratch: usize,
  eps: f32,
  maxIters: i32,
): void {
  const rowStride = <usize>roundUp4(times) << 2;
  const pixelBytes = <usize>bands * rowStride;
  const bandBytes = <usize>roundUp4(bands) << 2;
  const tile = scratch;
  const validity = tile + BLOCK_PIXELS * pixelBytes;
  const weights = validity + BLOCK_PIXELS * rowStride;
  const estimate = weights + rowStride;
  const next = estimate + bandBytes;
  const candidate = next + bandBytes;
  const history = candidate + bandBytes;
  memory.fill(estimate, 0, 9 * bandBytes);
  const rowBytes = <usize>pixels << 2;
  for (let first = 0; first < pixels; first += <i32>BLOCK_PIXELS) {
    memory.fill(validity, 0, BLOCK_PIXELS * rowStride);
    transposeBlock(stack, bands, times, rowBytes, first, tile, rowStride, pixelBytes, validity);
    for (let q = 0; q < <i32>BLOCK_PIXELS; q++) {
      const p = first + q;
      const pixel = tile + <usize>q * pixelBytes;
      const valid = compactPixel(pixel, bands, times, rowStride, validity + <usize>q * rowStride);
      store<u16>(count + (<usize>p << 1), <u16>valid);
      let performed = 0;
      if (valid == 0) {
        for (let b = 0; b < bands; b++) store<f32>(estimate + (<usize>b << 2), NaN);
      } else {
        // Start from the mean, as odc-algo and hdstats do. The coordinate-wise median start
        // saves about 1.5 of the 7–8 updates but its selection costs more than they do.
        bandMeans(pixel, rowStride, bands, valid, estimate);
        if (valid > 1) performed = solvePixel(pixel, rowStride, bands, bandBytes, valid, weights, estimate, next, candidate, history, eps, maxIters);
      }
      store<i32>(iterations + (<usize>p << 2), performed);
      let out = median + (<usize>p << 2);
      for (let b = 0; b < bands; b++, out += rowBytes) store<f32>(out, load<f32>(estimate + (<usize>b << 2)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// MADs: median over a pixel's valid observations x of a distance between x and its median m.

/** Bytes of scratch `madsBatch` needs (16-byte aligned). */
export function madsScratchBytes(bands: i32, times: i32): usize {
  const rowBytes = <usize>roundUp4(times) << 2;
  // tile and validity of BLOCK_PIXELS pixels, three f64 distance rows, the f64 median
  return BLOCK_PIXELS * (<usize>bands + 1) * rowBytes + 3 * 2 * rowBytes + (<usize>roundUp4(bands) << 3);
}

/**
 * Cosine (1 − x·m/(|x||m|)), Euclidean (|x − m|) and Bray–Curtis (Σ|x − m| / Σ|x + m|)
 * distances of the packed observations of one pixel to `center` (f64 per band), in float64,
 * into three f64 rows, 4 observations at a time (entries past the valid ones are garbage).
 */
function madDistances(
  pixel: usize,
  rowStride: usize,
  bands: i32,
  usedBytes: usize,
  center: usize,
  centerNorm: f64,
  cosines: usize,
  euclideans: usize,
  brayCurtises: usize,
): void {
  const one = f64x2.splat(1);
  const centerNormLanes = f64x2.splat(centerNorm);
  // Two passes over the bands, so each keeps its accumulators in registers.
  for (let c: usize = 0; c < usedBytes; c += LANE_BYTES) {
    let dotLow = f64x2.splat(0);
    let dotHigh = f64x2.splat(0);
    let norm2Low = f64x2.splat(0);
    let norm2High = f64x2.splat(0);
    let difference2Low = f64x2.splat(0);
    let difference2High = f64x2.splat(0);
    let sample = pixel + c;
    let coordinate = center;
    for (let b = 0; b < bands; b++, sample += rowStride, coordinate += 8) {
      const x = v128.load(sample);
      const xLow = f64x2.promote_low_f32x4(x);
      const xHigh = f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 2, 3));
      const m = v128.load64_splat(coordinate);
      dotLow = f64x2.add(dotLow, f64x2.mul(xLow, m));
      dotHigh = f64x2.add(dotHigh, f64x2.mul(xHigh, m));
      norm2Low = f64x2.add(norm2Low, f64x2.mul(xLow, xLow));
      norm2High = f64x2.add(norm2High, f64x2.mul(xHigh, xHigh));
      const differenceLow = f64x2.sub(xLow, m);
      const differenceHigh = f64x2.sub(xHigh, m);
      difference2Low = f64x2.add(difference2Low, f64x2.mul(differenceLow, differenceLow));
      difference2High = f64x2.add(difference2High, f64x2.mul(differenceHigh, differenceHigh));
    }
    const out = c << 1;
    v128.store(cosines + out, f64x2.sub(one, f64x2.div(dotLow, f64x2.mul(f64x2.sqrt(norm2Low), centerNormLanes))));
    v128.store(cosines + out, f64x2.sub(one, f64x2.div(dotHigh, f64x2.mul(f64x2.sqrt(norm2High), centerNormLanes))), LANE_BYTES);
    v128.store(euclideans + out, f64x2.sqrt(difference2Low));
    v128.store(euclideans + out, f64x2.sqrt(difference2High), LANE_BYTES);
  }
  for (let c: usize = 0; c < usedBytes; c += LANE_BYTES) {
    let differenceLow = f64x2.splat(0);
    let differenceHigh = f64x2.splat(0);
    let sumLow = f64x2.splat(0);
    let sumHigh = f64x2.splat(0);
    let sample = pixel + c;
    let coordinate = center;
    for (let b = 0; b < bands; b++, sample += rowStride, coordinate += 8) {
      const x = v128.load(sample);
      const xLow = f64x2.promote_low_f32x4(x);
      const xHigh = f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 2, 3));
      const m = v128.load64_splat(coordinate);
      differenceLow = f64x2.add(differenceLow, f64x2.abs(f64x2.sub(xLow, m)));
      differenceHigh = f64x2.add(differenceHigh, f64x2.abs(f64x2.sub(xHigh, m)));
      sumLow = f64x2.add(sumLow, f64x2.abs(f64x2.add(xLow, m)));
      sumHigh = f64x2.add(sumHigh, f64x2.abs(f64x2.add(xHigh, m)));
    }
    const out = c << 1;
    v128.store(brayCurtises + out, f64x2.div(differenceLow, sumLow));
    v128.store(brayCurtises + out, f64x2.div(differenceHigh, sumHigh), LANE_BYTES);
  }
}

@inline
function atF64(values: usize, i: i32): f64 {
  return load<f64>(values + (<usize>i << 3));
}

@inline
function swapF64(values: usize, i: i32, j: i32): void {
  const held = atF64(values, i);
  store<f64>(values + (<usize>i << 3), atF64(values, j));
  store<f64>(values + (<usize>j << 3), held);
}

/**
 * Moves the entries of `values[from, to)` that are < `pivot` (or ≤ it, `orEqual`) to the front of
 * the range and returns where the rest begins. Branch-free (the comparison outcome only moves an
 * index): the comparisons are unpredictable.
 */
@inline
function partition(values: usize, from: i32, to: i32, pivot: f64, orEqual: bool): i32 {
  let write = from;
  for (let read = from; read < to; read++) {
    const x = atF64(values, read);
    store<f64>(values + (<usize>read << 3), atF64(values, write));
    store<f64>(values + (<usize>write << 3), x);
    write += orEqual ? <i32>(x <= pivot) : <i32>(x < pivot);
  }
  return write;
}

/**
 * Rearranges `values[0, length)` (no NaN) so that entry k is the one a sort would put there,
 * those before it ≤ it; returns it. Quickselect with a median-of-three pivot.
 */
function selectF64(values: usize, length: i32, k: i32): f64 {
  let low = 0;
  let high = length - 1;
  while (high > low) {
    const middle = (low + high) >>> 1;
    // Median of low, middle, high to `high`, as the pivot.
    if (atF64(values, middle) < atF64(values, low)) swapF64(values, middle, low);
    if (atF64(values, high) < atF64(values, middle)) swapF64(values, high, middle);
    if (atF64(values, middle) < atF64(values, low)) swapF64(values, middle, low);
    swapF64(values, middle, high);
    const pivot = atF64(values, high);
    const split = partition(values, low, high, pivot, false);
    swapF64(values, split, high);
    if (k == split) return pivot;
    if (k < split) {
      high = split - 1;
    } else if (split == low) {
      // Nothing was below the pivot: step over all its copies, or runs of equal values would
      // make this quadratic.
      const past = partition(values, low + 1, high + 1, pivot, true);
      if (k < past) return pivot;
      low = past;
    } else {
      low = split + 1;
    }
  }
  return atF64(values, k);
}

/** Median (numpy's: the mean of the middle two for an even count) of the non-NaN entries of
 * `values[0, length)`; NaN if there are none. Reorders `values`. */
function nanMedian(values: usize, length: i32): f64 {
  let kept = 0;
  for (let i = 0; i < length; i++) {
    const x = atF64(values, i);
    store<f64>(values + (<usize>kept << 3), x);
    kept += <i32>(x == x);
  }
  if (kept == 0) return NaN;
  const upper = kept >> 1;
  const upperValue = selectF64(values, kept, upper);
  if (kept & 1) return upperValue;
  let lowerValue = atF64(values, 0);
  for (let i = 1; i < upper; i++) lowerValue = max(lowerValue, atF64(values, i));
  return (lowerValue + upperValue) / 2;
}

/**
 * SMAD, EMAD and BCMAD of every pixel of a batch: stack f32 [band][time][pixel] with `pixels` a
 * multiple of 16; median f32 [band][pixel]; smad, emad, bcmad f32 [pixel] (out); scratch
 * `madsScratchBytes(bands, times)` bytes, 16-byte aligned.
 */
export function madsBatch(
  stack: usize,
  bands: i32,
  times: i32,
  pixels: i32,
  median: usize,
  smad: usize,
  emad: usize,
  bcmad: usize,
  scratch: usize,
): void {
  const rowStride = <usize>roundUp4(times) << 2;
  const pixelBytes = <usize>bands * rowStride;
  const tile = scratch;
  const validity = tile + BLOCK_PIXELS * pixelBytes;
  const cosines = validity + BLOCK_PIXELS * rowStride;
  const euclideans = cosines + 2 * rowStride;
  const brayCurtises = euclideans + 2 * rowStride;
  const center = brayCurtises + 2 * rowStride;
  const rowBytes = <usize>pixels << 2;
  for (let first = 0; first < pixels; first += <i32>BLOCK_PIXELS) {
    memory.fill(validity, 0, BLOCK_PIXELS * rowStride);
    transposeBlock(stack, bands, times, rowBytes, first, tile, rowStride, pixelBytes, validity);
    for (let q = 0; q < <i32>BLOCK_PIXELS; q++) {
      const p = first + q;
      const pixel = tile + <usize>q * pixelBytes;
      const valid = compactPixel(pixel, bands, times, rowStride, validity + <usize>q * rowStride);
      const out = <usize>p << 2;
      if (valid == 0) {
        store<f32>(smad + out, NaN);
        store<f32>(emad + out, NaN);
        store<f32>(bcmad + out, NaN);
        continue;
      }
      let centerNorm2: f64 = 0;
      for (let b = 0; b < bands; b++) {
        const m = <f64>load<f32>(median + <usize>b * rowBytes + out);
        store<f64>(center + (<usize>b << 3), m);
        centerNorm2 += m * m;
      }
      madDistances(pixel, rowStride, bands, <usize>roundUp4(valid) << 2, center, Math.sqrt(centerNorm2), cosines, euclideans, brayCurtises);
      store<f32>(smad + out, <f32>nanMedian(cosines, valid));
      store<f32>(emad + out, <f32>nanMedian(euclideans, valid));
      store<f32>(bcmad + out, <f32>nanMedian(brayCurtises, valid));
    }
  }
}
