/**
 * Geometric median kernel: WebAssembly (src/worker/kernels/geomedian.ts) against the float64
 * TypeScript reference, on synthetic Sentinel-2-like reflectance stacks.
 *
 *   node --import tsx benchmarks/geomedian.ts [--side 256] [--times 20,60,120] [--reference-pixels N]
 *
 * Reports ns per (Weiszfeld update × valid observation) on one thread, from the iteration counts
 * the kernels return, plus wall seconds. `--reference-pixels` runs the (slow) reference on the
 * first N pixels only; its ns figure is per unit of work, so it stays comparable.
 */
import { pathToFileURL } from 'node:url';
import { geomedian, mads, type GeomedianResult, type GeomedianStats, type StackShape } from '../src/worker/kernels/geomedian.js';
import { geomedianReference } from '../src/worker/kernels/geomedian-reference.js';
import { emptyStats } from '../src/worker/kernels/stack.js';
import { uniformSource } from '../src/shared/test-support/uniform-source.js';

const BANDS = 10;
const MASKED_FRACTION = 0.3;

// Surface reflectance of a few covers in the 10 Sentinel-2 geomedian bands
// (B02 B03 B04 B05 B06 B07 B08 B8A B11 B12), rounded from typical library spectra.
const COVERS: readonly (readonly number[])[] = [
  [0.03, 0.06, 0.04, 0.1, 0.25, 0.3, 0.33, 0.34, 0.2, 0.1], // green vegetation
  [0.06, 0.08, 0.1, 0.13, 0.16, 0.18, 0.2, 0.21, 0.26, 0.2], // dry grass
  [0.1, 0.14, 0.18, 0.21, 0.24, 0.26, 0.27, 0.28, 0.33, 0.28], // bare soil
  [0.05, 0.04, 0.03, 0.02, 0.01, 0.01, 0.01, 0.01, 0.005, 0.003], // water
  [0.12, 0.13, 0.14, 0.16, 0.17, 0.18, 0.19, 0.2, 0.22, 0.2], // built-up
];

/** One of COVERS, drawn with `uniform`. */
function drawCover(uniform: () => number): readonly number[] {
  const cover = COVERS[Math.floor(uniform() * COVERS.length)];
  if (!cover) throw new RangeError('uniform() must return values in [0, 1)');
  return cover;
}


function gaussianSource(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * `[band][time][pixel]` stack: each pixel mixes two covers; each date varies the mix
 * seasonally, scales brightness (illumination, BRDF), adds per-band noise, and a tenth of the
 * unmasked dates are cloud or shadow the mask missed. 30 % of observations are masked (NaN),
 * a few of them in a single band only. Values clipped to [0, 0.6].
 */
export function syntheticStack(pixels: number, times: number, seed: number): Float32Array {
  const stack = new Float32Array(BANDS * times * pixels);
  const uniform = uniformSource(seed);
  const gaussian = gaussianSource(uniform);
  const coverA = new Float64Array(BANDS);
  const coverB = new Float64Array(BANDS);
  for (let p = 0; p < pixels; p++) {
    coverA.set(drawCover(uniform));
    coverB.set(drawCover(uniform));
    const mix = uniform();
    const seasonality = 0.3 * uniform();
    const phase = 2 * Math.PI * uniform();
    for (let t = 0; t < times; t++) {
      const masked = uniform() < MASKED_FRACTION;
      const maskedBand = masked && uniform() < 0.05 ? Math.floor(uniform() * BANDS) : -1;
      const share = Math.min(1, Math.max(0, mix + seasonality * Math.sin(phase + (2 * Math.PI * t) / Math.max(times, 1))));
      const brightness = 1 + 0.05 * gaussian();
      const contamination = uniform();
      const cloud = contamination < 0.07 ? 0.25 + 0.35 * uniform() : 0;
      const shadow = contamination >= 0.07 && contamination < 0.1 ? 0.3 + 0.3 * uniform() : 1;
      for (let b = 0; b < BANDS; b++) {
        let value = brightness * shadow * (share * coverA[b]! + (1 - share) * coverB[b]!) + 0.005 * gaussian();
        if (cloud > 0) value = cloud + 0.02 * gaussian() + 0.3 * value;
        value = Math.min(0.6, Math.max(0, value));
        const isMasked = maskedBand < 0 ? masked : b === maskedBand;
        stack[(b * times + t) * pixels + p] = isMasked ? NaN : value;
      }
    }
  }
  return stack;
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return (at >= 0 ? process.argv[at + 1] : undefined) ?? fallback;
}

function timed<T>(run: () => T): { result: T; seconds: number } {
  const start = process.hrtime.bigint();
  const result = run();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

interface WasmRun {
  result: GeomedianResult;
  seconds: number;
  stats: GeomedianStats;
}

interface Row {
  times: number;
  validPerPixel: number;
  wasmIterationsPerPixel: number;
  wasmNs: number;
  wasmFastestNs: number;
  wasmSeconds: number;
  madsSeconds: number;
  referencePixels: number;
  referenceIterationsPerPixel: number;
  referenceNs: number;
  referenceSeconds: number;
  wasmReachedMax: number;
}

function main(): void {
  const side = Number(option('side', '256'));
  const timesList = option('times', '20,60,120').split(',').map(Number);
  const pixels = side * side;
  const referencePixels = Math.min(pixels, Number(option('reference-pixels', String(pixels))));
  const rows: Row[] = [];
  for (const times of timesList) {
    const stack = syntheticStack(pixels, times, 20240601 + times);
    const shape: StackShape = { bands: BANDS, times, pixels };
    // Warm-up: compile the module and let V8 tier up the wrapper.
    geomedian(syntheticStack(1024, times, 7), { bands: BANDS, times, pixels: 1024 });

    // WASM runs are short and the machine is shared: time three and keep the median.
    const timeWasm = (): WasmRun => {
      const stats = emptyStats();
      const run = timed(() => geomedian(stack, shape, {}, stats));
      return { ...run, stats };
    };
    const [fastest, wasm] = [timeWasm(), timeWasm(), timeWasm()].sort((a, b) => a.seconds - b.seconds) as [WasmRun, WasmRun, WasmRun];
    const wasmStats = wasm.stats;
    const madsRun = timed(() => mads(stack, shape, wasm.result.median));
    void madsRun.result;

    // The reference on the first `referencePixels` pixels: a copy of that slice of every row.
    const referenceShape: StackShape = { bands: BANDS, times, pixels: referencePixels };
    const referenceStack = new Float32Array(BANDS * times * referencePixels);
    for (let row = 0; row < BANDS * times; row++) {
      referenceStack.set(stack.subarray(row * pixels, row * pixels + referencePixels), row * referencePixels);
    }
    const referenceStats = emptyStats();
    const reference = timed(() => geomedianReference(referenceStack, referenceShape, {}, referenceStats));
    void reference.result;

    let valid = 0;
    for (const c of wasm.result.count) valid += c;
    const row: Row = {
      times,
      validPerPixel: valid / pixels,
      wasmIterationsPerPixel: wasmStats.iterations / pixels,
      wasmNs: (wasm.seconds * 1e9) / wasmStats.observationIterations,
      wasmFastestNs: (fastest.seconds * 1e9) / wasmStats.observationIterations,
      wasmSeconds: wasm.seconds,
      madsSeconds: madsRun.seconds,
      referencePixels,
      referenceIterationsPerPixel: referenceStats.iterations / referencePixels,
      referenceNs: (reference.seconds * 1e9) / referenceStats.observationIterations,
      referenceSeconds: reference.seconds,
      wasmReachedMax: wasmStats.reachedMaxIters,
    };
    rows.push(row);
    process.stderr.write(`T=${times}: wasm ${row.wasmNs.toFixed(2)} ns, reference ${row.referenceNs.toFixed(2)} ns\n`);
  }

  const lines = [
    `${side}×${side} px × ${BANDS} bands, ${Math.round(MASKED_FRACTION * 100)} % of observations masked, eps 1e-6, one thread, Node ${process.version}.`,
    'WASM: median of 3 runs (fastest in brackets); reference: 1 run. ns per (Weiszfeld update × valid observation).',
    '',
    '| T | valid obs / px | updates / px (WASM, ref.) | WASM ns | reference ns | reference / WASM | WASM s | reference s | MADs (WASM) s |',
    '| --: | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...rows.map(
      (r) =>
        `| ${r.times} | ${r.validPerPixel.toFixed(1)} | ${r.wasmIterationsPerPixel.toFixed(1)}, ${r.referenceIterationsPerPixel.toFixed(1)} | ${r.wasmNs.toFixed(2)} (${r.wasmFastestNs.toFixed(2)}) | ` +
        `${r.referenceNs.toFixed(0)} | ${(r.referenceNs / r.wasmNs).toFixed(0)}× | ${r.wasmSeconds.toFixed(2)} | ` +
        `${r.referenceSeconds.toFixed(2)}${r.referencePixels < pixels ? ` (${r.referencePixels} px)` : ''} | ${r.madsSeconds.toFixed(2)} |`,
    ),
  ];
  const reachedMax = rows.reduce((sum, r) => sum + r.wasmReachedMax, 0);
  if (reachedMax > 0) lines.push('', `WASM pixels that used all 1000 iterations: ${reachedMax}.`);
  process.stdout.write(lines.join('\n') + '\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
