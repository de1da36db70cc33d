/**
 * Geometric median kernel (WebAssembly, src/worker/kernels/geomedian.ts) against the scalar C
 * speed reference ref_gm.c (/work/shared/bench, see its README), on the synthetic stacks of
 * ./geomedian.ts, one thread each, same relative tolerance (eps 1e-6; ref_gm takes −1e-6).
 *
 *   node --import tsx benchmarks/geomedian-vs-ref.ts [--side 256] [--times 24,60] [--runs 5]
 *       [--ref /work/shared/bench/ref_gm.c] [--baseline DIR]
 *
 * ref_gm.c is built with gcc as its README says (-O3 -march=native -fopenmp -shared -fPIC) into
 * a temporary folder, with a small driver (./geomedian-ref-driver.c) that times the call alone
 * and is run as a child process; the stack goes to it through a file, in ref_gm's layout
 * (pixel, band, time). Without gcc, or without ref_gm.c, the benchmark says so and exits 0.
 *
 * Runs alternate (WASM, ref, WASM, ref, …) so both see the same load; the table gives the median
 * of the per-run ratios ref time / WASM time (the speed-up), in wall time and in CPU time (less
 * moved by other processes on a shared machine), and the median of each side's wall times. The
 * WASM time is the whole `geomedian` call (copies in and out included); ref_gm's is its call
 * alone.
 * Accuracy: per pixel, the objective Σ_i |x_i − m| (float64, over the pixel's valid observations)
 * at each answer; "gap" is (ours − ref) / ref, so a negative gap means our answer is better.
 *
 * `--baseline DIR` also times another build of the kernel, a folder holding a copy of
 * geomedian.ts, stack.ts and geomedian.wasm (e.g. of an earlier commit), in the same rotation.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { geomedian, type GeomedianOptions, type GeomedianResult, type GeomedianStats, type StackShape } from '../src/worker/kernels/geomedian.js';
import { emptyStats } from '../src/worker/kernels/stack.js';
import { syntheticStack } from './geomedian.js';

const BANDS = 10;
const EPS = 1e-6;
const MAX_ITERS = 1000;
/** Both answers must reach the same objective within this relative gap. */
const OBJECTIVE_TOLERANCE = 1e-5;

type Kernel = (stack: Float32Array, shape: StackShape, options?: GeomedianOptions, stats?: GeomedianStats) => GeomedianResult;

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return (at >= 0 ? process.argv[at + 1] : undefined) ?? fallback;
}

function hasOption(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[half] ?? NaN) : ((sorted[half - 1] ?? NaN) + (sorted[half] ?? NaN)) / 2;
}

interface Timing {
  wall: number;
  cpu: number;
}

/** Wall and CPU seconds of `run` (CPU time of the process: user and system). */
function timed(run: () => void): Timing {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  run();
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** Builds ref_gm.c as its README says and the driver against it; undefined without gcc. */
function buildReference(source: string, folder: string): string | undefined {
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (gcc.error || gcc.status !== 0) return undefined;
  const library = join(folder, 'ref_gm.so');
  const driver = join(folder, 'ref_gm_driver');
  execFileSync('gcc', ['-O3', '-march=native', '-fopenmp', '-shared', '-fPIC', '-o', library, source, '-lm'], { stdio: 'inherit' });
  const driverSource = fileURLToPath(new URL('./geomedian-ref-driver.c', import.meta.url));
  execFileSync('gcc', ['-O2', '-o', driver, driverSource, library, `-Wl,-rpath,${folder}`], { stdio: 'inherit' });
  return driver;
}

/** The stack in ref_gm's layout: (rows, cols, bands, times), pixel p at row-major (row, col). */
function toPixelMajor(stack: Float32Array, shape: StackShape): Float32Array {
  const { bands, times, pixels } = shape;
  const out = new Float32Array(stack.length);
  for (let b = 0; b < bands; b++) {
    for (let t = 0; t < times; t++) {
      const row = stack.subarray((b * times + t) * pixels, (b * times + t + 1) * pixels);
      let at = b * times + t;
      for (let p = 0; p < pixels; p++, at += bands * times) out[at] = row[p]!;
    }
  }
  return out;
}

interface ReferenceRun extends Timing {
  updates: number;
  /** (pixel, band) */
  median: Float32Array;
}

function runReference(driver: string, folder: string, side: number, times: number, pixels: number): ReferenceRun {
  const input = join(folder, `stack-${times}.f32`);
  const output = join(folder, `median-${times}.f32`);
  const args = [input, output, side, side, BANDS, times, -EPS, MAX_ITERS, 1, 1].map(String);
  const stdout = execFileSync(driver, args, { encoding: 'utf8' });
  const [wallText = '', cpuText = '', updatesText = ''] = stdout.trim().split(/\s+/);
  const bytes = readFileSync(output);
  return {
    wall: Number(wallText),
    cpu: Number(cpuText),
    updates: Number(updatesText),
    median: new Float32Array(bytes.buffer, bytes.byteOffset, pixels * BANDS),
  };
}

interface ObjectiveComparison {
  /** Σ over pixels of ours / Σ of ref's, − 1. */
  totalGap: number;
  largestGap: number;
  smallestGap: number;
  /** Pixels whose |gap| exceeds OBJECTIVE_TOLERANCE. */
  outside: number;
  /** Pixels where ours is worse by more than OBJECTIVE_TOLERANCE. */
  worse: number;
}

/** Objectives at our median ([band][pixel]) and ref_gm's ((pixel, band)), pixel by pixel. */
function compareObjectives(stack: Float32Array, shape: StackShape, ours: Float32Array, reference: Float32Array): ObjectiveComparison {
  const { bands, times, pixels } = shape;
  const objectiveOurs = new Float64Array(pixels);
  const objectiveReference = new Float64Array(pixels);
  const valid = new Uint8Array(times);
  for (let p = 0; p < pixels; p++) {
    valid.fill(1);
    for (let b = 0; b < bands; b++) {
      for (let t = 0; t < times; t++) if (!Number.isFinite(stack[(b * times + t) * pixels + p]!)) valid[t] = 0;
    }
    for (let t = 0; t < times; t++) {
      if (!valid[t]) continue;
      let distance2Ours = 0;
      let distance2Reference = 0;
      for (let b = 0; b < bands; b++) {
        const x = stack[(b * times + t) * pixels + p]!;
        distance2Ours += (x - ours[b * pixels + p]!) ** 2;
        distance2Reference += (x - reference[p * bands + b]!) ** 2;
      }
      objectiveOurs[p]! += Math.sqrt(distance2Ours);
      objectiveReference[p]! += Math.sqrt(distance2Reference);
    }
  }
  let totalOurs = 0;
  let totalReference = 0;
  let largestGap = -Infinity;
  let smallestGap = Infinity;
  let outside = 0;
  let worse = 0;
  for (let p = 0; p < pixels; p++) {
    const fOurs = objectiveOurs[p]!;
    const fReference = objectiveReference[p]!;
    totalOurs += fOurs;
    totalReference += fReference;
    const gap = fReference > 0 ? (fOurs - fReference) / fReference : fOurs;
    largestGap = Math.max(largestGap, gap);
    smallestGap = Math.min(smallestGap, gap);
    if (Math.abs(gap) > OBJECTIVE_TOLERANCE) outside++;
    if (gap > OBJECTIVE_TOLERANCE) worse++;
  }
  return { totalGap: totalOurs / totalReference - 1, largestGap, smallestGap, outside, worse };
}

/** Medians over the runs of one kernel against ref_gm. */
interface Side {
  /** Wall seconds. */
  seconds: number;
  /** ref_gm's time / this kernel's, wall and CPU. */
  speedUp: number;
  cpuSpeedUp: number;
  updatesPerPixel: number;
}

interface Row {
  times: number;
  validPerPixel: number;
  referenceSeconds: number;
  referenceUpdates: number;
  ours: Side;
  baseline?: Side;
  objectives: ObjectiveComparison;
}

/** A kernel timed run after run, each run against the ref_gm run next to it. */
class Runs {
  private readonly timings: Timing[] = [];
  private readonly references: Timing[] = [];
  stats = emptyStats();
  result: GeomedianResult | undefined;

  constructor(
    private readonly kernel: Kernel,
    private readonly stack: Float32Array,
    private readonly shape: StackShape,
  ) {}

  run(): Timing {
    this.stats = emptyStats();
    const timing = timed(() => {
      this.result = this.kernel(this.stack, this.shape, { eps: EPS, maxIters: MAX_ITERS }, this.stats);
    });
    this.timings.push(timing);
    return timing;
  }

  against(reference: Timing): void {
    this.references.push(reference);
  }

  summary(): Side {
    const pairs = this.timings.map((timing, i) => ({ timing, reference: this.references[i] ?? { wall: NaN, cpu: NaN } }));
    return {
      seconds: median(this.timings.map((timing) => timing.wall)),
      speedUp: median(pairs.map(({ timing, reference }) => reference.wall / timing.wall)),
      cpuSpeedUp: median(pairs.map(({ timing, reference }) => reference.cpu / timing.cpu)),
      updatesPerPixel: this.stats.iterations / this.shape.pixels,
    };
  }
}

async function loadBaseline(folder: string | undefined): Promise<Kernel | undefined> {
  if (folder === undefined) return undefined;
  const module = (await import(pathToFileURL(join(resolve(folder), 'geomedian.ts')).href)) as { geomedian: Kernel };
  return module.geomedian;
}

async function main(): Promise<void> {
  const side = Number(option('side', '256'));
  const timesList = option('times', '24,60').split(',').map(Number);
  const runs = Number(option('runs', '5'));
  const referenceSource = option('ref', '/work/shared/bench/ref_gm.c');
  const baseline = await loadBaseline(hasOption('baseline') ? option('baseline', '') : undefined);
  const pixels = side * side;

  if (!existsSync(referenceSource)) {
    process.stdout.write(`geomedian-vs-ref: ${referenceSource} not found (--ref PATH); nothing measured.\n`);
    return;
  }
  const folder = mkdtempSync(join(tmpdir(), 'geomedian-vs-ref-'));
  try {
    const driver = buildReference(referenceSource, folder);
    if (driver === undefined) {
      process.stdout.write('geomedian-vs-ref: gcc not found, so ref_gm.c cannot be built; nothing measured (Debian: apt-get install gcc).\n');
      return;
    }
    const rows: Row[] = [];
    for (const times of timesList) {
      const shape: StackShape = { bands: BANDS, times, pixels };
      const stack = syntheticStack(pixels, times, 20240601 + times);
      writeFileSync(join(folder, `stack-${times}.f32`), toPixelMajor(stack, shape));
      // Warm-up: compile the modules and let V8 tier up the wrappers.
      const warmShape: StackShape = { bands: BANDS, times, pixels: 1024 };
      const warmStack = syntheticStack(1024, times, 7);
      geomedian(warmStack, warmShape);
      baseline?.(warmStack, warmShape);

      const ours = new Runs(geomedian, stack, shape);
      const before = baseline && new Runs(baseline, stack, shape);
      const referenceTimes: number[] = [];
      let reference: ReferenceRun | undefined;
      for (let run = 0; run < runs; run++) {
        const oursTiming = ours.run();
        reference = runReference(driver, folder, side, times, pixels);
        referenceTimes.push(reference.wall);
        ours.against(reference);
        const beforeTiming = before?.run();
        before?.against(reference);
        process.stderr.write(
          `T=${times} run ${run + 1}: WASM ${oursTiming.wall.toFixed(3)} s, ref_gm ${reference.wall.toFixed(3)} s` +
            (beforeTiming ? `, baseline ${beforeTiming.wall.toFixed(3)} s` : '') +
            '\n',
        );
      }
      if (!ours.result || !reference) throw new Error('--runs must be at least 1');
      let valid = 0;
      for (const c of ours.result.count) valid += c;
      rows.push({
        times,
        validPerPixel: valid / pixels,
        referenceSeconds: median(referenceTimes),
        referenceUpdates: reference.updates / pixels,
        ours: ours.summary(),
        baseline: before?.summary(),
        objectives: compareObjectives(stack, shape, ours.result.median, reference.median),
      });
    }

    const gap = (g: number): string => g.toExponential(1);
    const speedUps = (side: Side): string => `${side.speedUp.toFixed(2)}× (${side.cpuSpeedUp.toFixed(2)}×)`;
    const lines = [
      `${side}×${side} px × ${BANDS} bands, eps 1e-6 (ref_gm: −1e-6), maxIters ${MAX_ITERS}, one thread, Node ${process.version}, ${runs} alternating runs (medians).`,
      'Speed-up: ref_gm time / WASM time, median of the per-run ratios, wall (CPU). Gap: (objective at ours − at ref_gm) / at ref_gm, per pixel.',
      '',
      '| T | valid obs / px | updates / px (WASM, ref_gm) | WASM s | ref_gm s | speed-up | Σ-objective gap | per-pixel gap (min, max) | pixels with gap beyond ±1e-5 (ours worse) |' +
        (baseline ? ' baseline: s | speed-up | updates / px |' : ''),
      '| --: | --: | --: | --: | --: | --: | --: | --: | --: |' + (baseline ? ' --: | --: | --: |' : ''),
      ...rows.map(
        (r) =>
          `| ${r.times} | ${r.validPerPixel.toFixed(1)} | ${r.ours.updatesPerPixel.toFixed(1)}, ${r.referenceUpdates.toFixed(1)} | ${r.ours.seconds.toFixed(3)} | ` +
          `${r.referenceSeconds.toFixed(3)} | ${speedUps(r.ours)} | ${gap(r.objectives.totalGap)} | ${gap(r.objectives.smallestGap)}, ${gap(r.objectives.largestGap)} | ` +
          `${r.objectives.outside} (${r.objectives.worse}) |` +
          (r.baseline ? ` ${r.baseline.seconds.toFixed(3)} | ${speedUps(r.baseline)} | ${r.baseline.updatesPerPixel.toFixed(1)} |` : ''),
      ),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
