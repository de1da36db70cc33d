/**
 * Tasks end to end (issue 10): the real CLI plans (`save-tasks`) and computes (`run`) tasks of a
 * synthetic Sentinel-2-like scene from the sample generator, and each run's wall time and the
 * peak memory of its whole process tree (the CLI and its task processes: VmRSS of each, from
 * /proc every 100 ms, summed) are printed beside the read floor — GDAL reading every input band
 * of the task once, on one thread — and the targets of issue 10.
 *
 *   node --import tsx benchmarks/run.ts [--full] [--scale S] [--cases 1,2,3]
 *
 * 1. gm-s2 on a 1024 × 1024 px tile × 24 dates (10 bands + SCL, DEFLATE + predictor, 512 px
 *    blocks), the tile aligned with the scene (no resampling);
 * 2. pq on the africa-10 tile (9600² px at 10 m, EPSG:6933) that the same scene covers 1.1 % of;
 * 3. gm-s2 on that tile;
 * 4. (--full) gm-s2 on a 9600² px tile of a scene covering it all, 24 dates; --scale S makes
 *    that scene and tile S × 9600 px across (e.g. 0.25: 2400²); it is long: 24 × 11 COGs of
 *    9600² px are generated first.
 *
 * The CLI is the one users run (`node bin/odc-stats.js`, on dist/), built first (`npm run
 * build`) so that it is the tree as it is; its startup is part of each figure. Scenes are
 * generated once into benchmarks/out/ (gitignored) and reused. Needs `gdal-bin python3-gdal`
 * for the floor (skipped with a message without them).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { writeSampleCatalog, type SampleLayout } from '../src/main/sample/sample-catalog.js';
import { S2_TEN_BANDS } from '../src/main/sample/sample-scene.js';

const OUT = path.resolve('benchmarks/out/tasks');
const CLI = path.resolve('bin/odc-stats.js');
const DATES = 24;
const GiB = 2 ** 30;

interface Args {
  full: boolean;
  scale: number;
  cases: Set<number>;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { full: false, scale: 1, cases: new Set([1, 2, 3]) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full') args.full = true;
    else if (a === '--scale') args.scale = Number(argv[++i]);
    else if (a === '--cases') args.cases = new Set((argv[++i] ?? '').split(',').map(Number));
    else throw new Error(`unknown argument ${a}: expected --full, --scale S, --cases 1,2,3`);
  }
  if (!(args.scale > 0 && args.scale <= 1)) throw new Error('--scale must be in (0, 1]');
  if (args.full) args.cases.add(4);
  return args;
}

/** A scene of `pixels`² at 10 m with its north-west corner at (west, north), UTM 37S. */
function layout(pixels: number, west: number, north: number): SampleLayout {
  return { pixelMetres: 10, pixels, tiles: { BENCH: { west, north } }, bands: S2_TEN_BANDS, blocksize: 512, partialPasses: false };
}

/** Writes the scene's catalogue once (its catalog.json is written last, so its presence means complete). */
async function scene(name: string, l: SampleLayout): Promise<string> {
  const root = path.join(OUT, name);
  const catalog = path.join(root, 'catalog.json');
  if (existsSync(catalog)) return catalog;
  rmSync(root, { recursive: true, force: true });
  const started = performance.now();
  await writeSampleCatalog(root, {
    dates: DATES,
    layout: l,
    threads: availableParallelism(),
    onItem: (done, total) => process.stderr.write(`\r${name}: ${done}/${total} dates written`),
  });
  process.stderr.write(` (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  return catalog;
}

/** Files of a scene's band `bands` (all when undefined). */
function sceneFiles(catalog: string, bands: readonly string[] | undefined): string[] {
  const collection = path.join(path.dirname(catalog), 's2_l2a');
  const files: string[] = [];
  for (const item of readdirSync(collection)) {
    const dir = path.join(collection, item);
    if (!existsSync(path.join(dir, `${item}.json`))) continue;
    for (const f of readdirSync(dir)) if (f.endsWith('.tif') && (!bands || bands.includes(f.slice(0, -4)))) files.push(path.join(dir, f));
  }
  return files.sort();
}

interface Measured {
  seconds: number;
  peakBytes: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** VmRSS of `root` and all its descendants, summed. */
function treeRss(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // Ended.
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Runs `odc-stats ARGS…`, sampling its process tree's memory every 100 ms. */
function cli(args: string[]): Promise<Measured> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let peakBytes = 0;
    const sample = () => {
      peakBytes = Math.max(peakBytes, treeRss(child.pid!));
    };
    const timer = setInterval(sample, 100);
    child.once('close', (code) => {
      clearInterval(timer);
      resolve({ seconds: (performance.now() - started) / 1000, peakBytes, code, stdout, stderr });
    });
  });
}

/** A Python with GDAL's bindings: the one on PATH, or Debian's (python3-gdal) where PATH has another first. */
function pythonWithGdal(): string | undefined {
  return ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', 'from osgeo import gdal'], { stdio: 'ignore' }).status === 0);
}

/** Seconds for GDAL to read (decode) every band of every file once, one thread, timed inside Python. */
function readFloor(python: string, files: string[]): number {
  const script = [
    'import sys, time',
    'from osgeo import gdal',
    'gdal.UseExceptions()',
    'files = sys.stdin.read().split("\\n")',
    't = time.perf_counter()',
    'for f in files:',
    '    ds = gdal.Open(f)',
    '    for b in range(1, ds.RasterCount + 1): ds.GetRasterBand(b).ReadAsArray()',
    '    ds = None',
    'print(time.perf_counter() - t)',
  ].join('\n');
  const r = spawnSync(python, ['-c', script], { input: files.join('\n'), encoding: 'utf8', env: { ...process.env, GDAL_NUM_THREADS: '1', GDAL_CACHEMAX: '64' } });
  if (r.status !== 0) throw new Error(`GDAL read floor failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

/**
 * Seconds for GDAL to write the run's output bands again as COGs with the settings the run used
 * (odc-stats' defaults: DEFLATE level 9, 800 px blocks, a predictor, average overviews), one
 * thread, timed inside Python: the cost of the outputs alone, which the read floor leaves out.
 */
function writeFloor(python: string, outputs: string[]): number {
  const script = [
    'import sys, time, tempfile, os',
    'from osgeo import gdal',
    'gdal.UseExceptions()',
    'files = sys.stdin.read().split("\\n")',
    'out = tempfile.mkdtemp()',
    'arrays = []',
    'for f in files:',
    '    ds = gdal.Open(f)',
    '    mem = gdal.GetDriverByName("MEM").CreateCopy("", ds)',
    '    kind = ds.GetRasterBand(1).DataType',
    '    arrays.append((mem, 3 if kind in (gdal.GDT_Float32, gdal.GDT_Float64) else 2, os.path.basename(f)))',
    '    ds = None',
    't = time.perf_counter()',
    'for mem, predictor, name in arrays:',
    '    gdal.Translate(os.path.join(out, name), mem, format="COG", creationOptions=["COMPRESS=DEFLATE", "LEVEL=9", "BLOCKSIZE=800", f"PREDICTOR={predictor}", "OVERVIEW_RESAMPLING=AVERAGE", "NUM_THREADS=1"])',
    'print(time.perf_counter() - t)',
    'import shutil; shutil.rmtree(out)',
  ].join('\n');
  const r = spawnSync(python, ['-c', script], { input: outputs.join('\n'), encoding: 'utf8', env: { ...process.env, GDAL_NUM_THREADS: '1', GDAL_CACHEMAX: '512' } });
  if (r.status !== 0) throw new Error(`GDAL write floor failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

/** The band COGs a case's run wrote (not the RGBA quicklook). */
function outputBands(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.tif') && !entry.name.endsWith('_rgba.tif')) found.push(p);
    }
  };
  walk(dir);
  return found.sort();
}

interface Case {
  id: number;
  title: string;
  catalog: string;
  grid: string;
  plugin: 'gm-s2' | 'pq';
  /** The tile to plan, where the scene's lon/lat footprint (rounded to 1e-7°) grazes its neighbours. */
  tiles?: string;
  /** Bands GDAL reads for the floor: the plugin's inputs. */
  floorBands: readonly string[] | undefined;
  targets: { floor?: number; memory?: number };
}

interface Row {
  c: Case;
  plan: Measured;
  run: Measured;
  floor: number | undefined;
  writeFloor: number | undefined;
}

async function runCase(c: Case, python: string | undefined): Promise<Row> {
  const dir = path.join(OUT, `case-${c.id}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = path.join(dir, 'tasks.db');
  process.stderr.write(`case ${c.id}: ${c.title}: planning…\n`);
  const plan = await cli(['save-tasks', db, '--catalog', c.catalog, '--input-products', 's2_l2a', '--grid', c.grid, '--frequency', 'all', ...(c.tiles ? ['--tiles', c.tiles] : [])]);
  if (plan.code !== 0) throw new Error(`save-tasks failed: ${plan.stderr}`);
  const tasks = /Planned (\d+) tasks/.exec(plan.stdout)?.[1];
  if (tasks !== '1') throw new Error(`expected one task, planned ${tasks}: ${plan.stdout}`);
  const config = path.join(dir, 'run.yaml');
  writeFileSync(config, [`plugin: ${c.plugin}`, `product: {name: ${c.plugin === 'pq' ? 'pq' : 'gm'}, version: 1.0.0}`, `output_location: ${path.join(dir, 'out')}`, 'threads: 1'].join('\n'));
  process.stderr.write(`case ${c.id}: running…\n`);
  const run = await cli(['run', db, '--config', config]);
  if (run.code !== 0) throw new Error(`run failed (${run.code}): ${run.stderr.slice(-2000)}`);
  process.stderr.write(`case ${c.id}: ${run.seconds.toFixed(1)} s, peak ${(run.peakBytes / GiB).toFixed(2)} GiB (${(run.peakBytes / 2 ** 20).toFixed(0)} MiB); read floor…\n`);
  const floor = python ? readFloor(python, sceneFiles(c.catalog, c.floorBands)) : undefined;
  const written = python ? writeFloor(python, outputBands(path.join(dir, 'out'))) : undefined;
  return { c, plan, run, floor, writeFloor: written };
}

function workLine(plan: Measured): string {
  return /Work: .*/.exec(plan.stdout)?.[0] ?? '';
}

function table(rows: Row[]): string {
  const lines = [
    '| case | run wall | peak memory (tree) | read floor (GDAL, 1 thread) | × floor | write floor (GDAL, 1 thread) | × (read + write floor) | target |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const { c, run, floor, writeFloor: written } of rows) {
    const ratio = floor === undefined ? 'n/a' : `${(run.seconds / floor).toFixed(1)}×`;
    const targets = [
      c.targets.floor !== undefined && `≤ ${c.targets.floor}× floor${floor === undefined ? '' : run.seconds / floor <= c.targets.floor ? ' ✓' : ' ✗'}`,
      c.targets.memory !== undefined && `≤ ${c.targets.memory} GiB${run.peakBytes / GiB <= c.targets.memory ? ' ✓' : ' ✗'}`,
    ].filter(Boolean);
    const floorText = floor === undefined ? 'skipped' : `${floor.toFixed(2)} s`;
    const writeText = written === undefined ? 'skipped' : `${written.toFixed(2)} s`;
    const both = floor === undefined || written === undefined ? 'n/a' : `${(run.seconds / (floor + written)).toFixed(1)}×`;
    lines.push(`| ${c.id}. ${c.title} | ${run.seconds.toFixed(1)} s | ${(run.peakBytes / GiB).toFixed(2)} GiB | ${floorText} | ${ratio} | ${writeText} | ${both} | ${targets.join(', ')} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) throw new Error('npm run build failed');
  mkdirSync(OUT, { recursive: true });
  const python = pythonWithGdal();
  if (!python) process.stderr.write('GDAL (python3-gdal) not found: the read floor is skipped (apt-get install -y gdal-bin python3-gdal)\n');
  const gmBands = [...S2_TEN_BANDS, 'SCL'];
  const cases: Case[] = [];
  if ([1, 2, 3].some((n) => args.cases.has(n))) {
    // 10.24 km square at UTM 37S (307200, 9850880): one 1024 px tile of EPSG:32737;10;1024
    // (tile 30, 961), and 1.1 % of the africa-10 tile it lies in.
    const catalog = await scene(`scene-1024x${DATES}`, layout(1024, 307_200, 9_850_880));
    const small = { catalog, floorBands: gmBands };
    if (args.cases.has(1)) cases.push({ id: 1, title: 'gm-s2, 1024² px × 24', grid: 'EPSG:32737;10;1024', tiles: '30:31,961:962', plugin: 'gm-s2', ...small, targets: { floor: 4, memory: 0.5 } });
    if (args.cases.has(2)) cases.push({ id: 2, title: 'pq, africa-10 9600² px, 1 % covered × 24', grid: 'africa-10', plugin: 'pq', catalog, floorBands: ['SCL'], targets: { floor: 5 } });
    if (args.cases.has(3)) cases.push({ id: 3, title: 'gm-s2, africa-10 9600² px, 1 % covered × 24', grid: 'africa-10', plugin: 'gm-s2', ...small, targets: { floor: 8, memory: 1 } });
  }
  if (args.cases.has(4)) {
    const side = Math.round((9600 * args.scale) / 16) * 16;
    // A tile of EPSG:32737;10;side at (288000, 9888000) with the scene exactly on it.
    const tile = side * 10;
    const [west, north] = [Math.ceil(288_000 / tile) * tile, Math.ceil(9_888_000 / tile) * tile];
    const tiles = `${west / tile}:${west / tile + 1},${north / tile - 1}:${north / tile}`;
    const catalog = await scene(`scene-${side}x${DATES}`, layout(side, west, north));
    cases.push({ id: 4, title: `gm-s2, ${side}² px fully covered × 24`, grid: `EPSG:32737;10;${side}`, tiles, plugin: 'gm-s2', catalog, floorBands: gmBands, targets: { memory: 2 } });
  }
  const rows: Row[] = [];
  for (const c of cases) {
    const row = await runCase(c, python);
    rows.push(row);
    process.stdout.write(`case ${c.id} plan (${row.plan.seconds.toFixed(1)} s, peak ${(row.plan.peakBytes / 2 ** 20).toFixed(0)} MiB): ${workLine(row.plan)}\n`);
  }
  process.stdout.write(`\n${table(rows)}\n`);
}

await main();
