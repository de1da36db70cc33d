/**
 * Time and peak memory of one task (`runTask`) on a synthetic Sentinel-2 catalogue made by the
 * sample generator, each variant in its own child process (which reports its wall time and
 * peak RSS, threads included).
 *
 *   node --import tsx benchmarks/task.ts --case full --pixels 4800 --dates 6 [--root DIR]...
 *
 * Cases: `sample` (800 px of 120 m, 18 dates, 6 bands, every other pass cut by a swath edge),
 * `full` (`--pixels` of 10 m, ten bands, every pass covering the tile), `sparse` (a `--pixels`
 * tile of 10 m whose datasets cover a tenth of its side, 1 % of its area). gm-s2 with MADs.
 * `--root` (repeatable) runs the task with the code of another checkout too (e.g. one made with
 * `git archive HEAD`), for before/after figures in one run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseTemporalRange } from '../src/shared/daterange.js';
import type { LonLatFootprint } from '../src/shared/geometry.js';
import type { OutputProduct } from '../src/shared/run-config.js';
import type { TaskDatasetRef, WorkerTask } from '../src/shared/task-messages.js';
import type { runTask as RunTask } from '../src/worker/run-task.js';
import { sampleItems, writeSampleCatalog, type SampleLayout } from '../src/main/sample/sample-catalog.js';
import { REFLECTANCE_BANDS, S2_TEN_BANDS } from '../src/main/sample/sample-scene.js';

const WEST = 192_000;
const NORTH = 9_888_000;

interface Case {
  layout: SampleLayout;
  dates: number;
  /** Task tile side, metres, and pixel size. */
  tileMetres: number;
  resolution: number;
}

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

function caseOf(name: string, pixels: number, dates: number): Case {
  const tiles = { T1: { west: WEST, north: NORTH } };
  switch (name) {
    case 'sample':
      return { layout: { pixelMetres: 120, pixels: 800, tiles, bands: REFLECTANCE_BANDS, blocksize: 256, partialPasses: true }, dates: 18, tileMetres: 96_000, resolution: 120 };
    case 'full':
      return { layout: { pixelMetres: 10, pixels, tiles, bands: S2_TEN_BANDS, blocksize: 512, partialPasses: false }, dates, tileMetres: pixels * 10, resolution: 10 };
    case 'sparse':
      return { layout: { pixelMetres: 10, pixels: pixels / 10, tiles, bands: S2_TEN_BANDS, blocksize: 512, partialPasses: false }, dates, tileMetres: pixels * 10, resolution: 10 };
    default:
      throw new Error(`unknown case ${name}`);
  }
}

const product: OutputProduct = {
  name: 'bench_gm',
  shortName: 'bench_gm',
  version: '1.0.0',
  productFamily: 'statistics',
  regionCodeFormat: 'x{x:02d}y{y:02d}',
  href: 'https://example.invalid/product/bench_gm',
  properties: {},
};

async function parent(): Promise<void> {
  const name = arg('case');
  const pixels = Number(arg('pixels', '4800'));
  const dates = Number(arg('dates', '6'));
  const c = caseOf(name, pixels, dates);
  const data = path.join(os.tmpdir(), `odc-stats-bench-task-${name}-${c.layout.pixels}-${c.dates}`);
  if (!existsSync(path.join(data, 'done'))) {
    rmSync(data, { recursive: true, force: true });
    const started = performance.now();
    await writeSampleCatalog(data, { dates: c.dates, tiles: ['T1'], layout: c.layout });
    mkdirSync(path.join(data, 'done'));
    console.error(`catalogue written in ${((performance.now() - started) / 1000).toFixed(1)} s: ${data}`);
  }
  const items = sampleItems({ dates: c.dates, tiles: ['T1'], layout: c.layout });
  const datasets: TaskDatasetRef[] = items.map((item) => ({
    id: item.id,
    collection: item.collection ?? '',
    solarDay: String(item.properties.datetime).slice(0, 10),
    assets: Object.fromEntries(Object.keys(item.assets).map((band) => [band, path.join(data, 's2_l2a', item.id, `${band}.tif`)])),
    ...(item.geometry && { footprint: item.geometry as LonLatFootprint }),
  }));
  const tileIndex = { x: WEST / c.tileMetres, y: NORTH / c.tileMetres - 1 };
  const roots = [path.resolve(import.meta.dirname, '..'), ...process.argv.flatMap((a, i) => (process.argv[i - 1] === '--root' ? [path.resolve(a)] : []))];
  for (const root of roots) {
    const out = path.join(os.tmpdir(), `odc-stats-bench-task-out-${process.pid}`);
    const task: WorkerTask = {
      id: { period: '2021--P1Y', ...tileIndex },
      period: parseTemporalRange('2021--P1Y'),
      grid: `EPSG:32737;${c.resolution};${c.tileMetres / c.resolution}`,
      datasets,
      plugin: 'gm-s2',
      pluginConfig: { bands: [...c.layout.bands], aux_names: {} },
      product,
      location: out,
      cogOptions: { common: { blocksize: 512 }, overrides: {} },
      overwrite: true,
      unsigned: false,
    };
    if (process.env.BENCH_TASK_JSON) {
      writeFileSync(process.env.BENCH_TASK_JSON, JSON.stringify(task));
      return;
    }
    const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', root], { input: JSON.stringify(task), encoding: 'utf8', maxBuffer: 1 << 26 });
    rmSync(out, { recursive: true, force: true });
    if (child.status !== 0) throw new Error(`${root}: ${child.stderr}`);
    const { seconds, peakMiB } = JSON.parse(child.stdout.trim().split('\n').pop()!) as { seconds: number; peakMiB: number };
    console.log(`${name} ${c.layout.pixels}px data, tile ${c.tileMetres / c.resolution} px, ${c.dates} dates, ${root}: ${seconds.toFixed(1)} s, peak RSS ${peakMiB.toFixed(0)} MiB`);
  }
}

async function childRun(root: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const task = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WorkerTask;
  const { runTask } = (await import(pathToFileURL(path.join(root, 'src/worker/run-task.ts')).href)) as { runTask: typeof RunTask };
  const started = performance.now();
  await runTask(task);
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ seconds, peakMiB: process.resourceUsage().maxRSS / 1024 }));
}

const childAt = process.argv.indexOf('--child');
await (childAt >= 0 ? childRun(process.argv[childAt + 1]!) : parent());
