/**
 * The `reduce` presets on the embedded sample (four dates over one tile, on a grid of 120 m
 * pixels aligned with the sample's COGs, so nothing is resampled): their outputs against NDVI
 * medians and band percentiles computed here, pixel by pixel, from the input COGs.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../shared/run-config.js';
import { presetFor } from '../../shared/plugin-presets.js';
import { saveTasks } from '../planner/save-tasks.js';
import { runTasks, type RunSummary } from '../run/run-tasks.js';
import { spawnNodeTaskProcess } from '../run/task-process-node.js';
import { SAMPLE_COLLECTION, writeSampleCatalog, type SampleCatalog } from '../sample/sample-catalog.js';
import { runCli } from '../test-support/spawn-cli.js';

const GRID = 'EPSG:32737;120;100';
const SIZE = 100;
/** Tile (29, 820) of the grid in the pixels of sample tile 37MCU: (348 000 − 299 880) / 120, (9 900 000 − 9 852 000) / 120. */
const WINDOW = [401, 400, 401 + SIZE, 400 + SIZE];
/** SCL classes the presets drop: no data, cloud shadows, cloud medium and high probability, thin cirrus. */
const NOT_CLEAR = new Set([0, 3, 8, 9, 10]);

let dir: string;
let cache: string;
let sample: SampleCatalog;

async function readTiff(file: string, window?: number[]): Promise<ArrayLike<number>> {
  const bytes = readFileSync(file);
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const [data] = (await (await tiff.getImage()).readRasters(window ? { window } : {})) as unknown as [ArrayLike<number>];
  return data;
}

/** Per pixel of the task, the values of `f(bands of one date)` on the dates whose SCL is clear and whose bands have data. */
async function clearSeries(bands: string[], f: (values: number[]) => number): Promise<number[][]> {
  const series: number[][] = Array.from({ length: SIZE * SIZE }, () => []);
  for (const item of sample.items) {
    const read = (band: string) => readTiff(path.join(sample.root, SAMPLE_COLLECTION, item.id, item.assets[band]!.href), WINDOW);
    const scl = await read('SCL');
    const data = await Promise.all(bands.map(read));
    for (let p = 0; p < SIZE * SIZE; p++) {
      const values = data.map((d) => d[p]!);
      if (NOT_CLEAR.has(scl[p]!) || values.some((v) => v === 0)) continue;
      series[p]!.push(f(values));
    }
  }
  return series;
}

function outputFile(location: string, shortName: string, band: string): string {
  return path.join(location, 'x029', 'y820', '2021--P1Y', `${shortName}_x029y820_2021--P1Y_${band}.tif`);
}

describe('reduce on the sample', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'run-reduce-'));
    sample = await writeSampleCatalog(path.join(dir, 'catalog'), { dates: 4, tiles: ['37MCU'] });
    const plan = await saveTasks({ catalog: sample.catalogPath, inputProducts: [SAMPLE_COLLECTION], grid: GRID, year: 2021, tiles: '29:30,820:821', output: path.join(dir, 'plan.db') });
    expect(plan.counts.tasks).toBe(1);
    cache = plan.db;
  }, 60_000);

  it('odc-stats run with the median NDVI preset writes the median of each pixel’s clear NDVI', async () => {
    const location = path.join(dir, 'ndvi');
    // The preset as it is, but for the cloud filters, so that the clear days are the SCL's own.
    const r = await runCli(['run', cache, '--config', presetFor('reduce/median-ndvi')!.yaml, '--plugin-config', 'cloud_filters: []', '--location', location, '--threads', '1']);
    expect(r.code, r.stderr).toBe(0);
    const median = await readTiff(outputFile(location, 'ndvi_median', 'ndvi_median'));
    const count = await readTiff(outputFile(location, 'ndvi_median', 'ndvi_count'));
    const ndvi = await clearSeries(['B04', 'B08'], ([red, nir]) => (nir! - red!) / (nir! + red!));
    let even = 0;
    let cloudy = 0;
    ndvi.forEach((values, p) => {
      expect(count[p], `count at ${p}`).toBe(values.length);
      if (values.length < sample.items.length) cloudy++;
      if (values.length === 0) return expect(median[p], `median at ${p}`).toBeNaN();
      const sorted = [...values].sort((a, b) => a - b);
      const half = Math.floor(sorted.length / 2);
      const expected = sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
      if (sorted.length % 2 === 0) even++;
      expect(median[p]!, `median at ${p}`).toBeCloseTo(expected, 6);
    });
    // Clouds hide some dates of some pixels, and make some counts even (a median between two values).
    expect(cloudy).toBeGreaterThan(100);
    expect(even).toBeGreaterThan(100);
  }, 60_000);

  it('the percentile preset writes the 10th, 50th and 90th percentile of B08 by odc-algo’s rule', async () => {
    const location = path.join(dir, 'percentiles');
    const config = parseRunConfig(presetFor('reduce/percentiles')!.yaml, 'preset');
    const summary = (await runTasks(
      { cache, selectors: [], config: { ...config, plugin_config: { ...config.plugin_config, cloud_filters: [] }, output_location: location, threads: 1 } },
      spawnNodeTaskProcess,
    )) as RunSummary;
    expect(summary.failed).toEqual([]);
    const b08 = await clearSeries(['B08'], ([nir]) => nir!);
    for (const q of [10, 50, 90]) {
      const out = await readTiff(outputFile(location, 'b08_pc', `B08_pc_${q}`));
      b08.forEach((values, p) => {
        if (values.length === 0) return expect(out[p], `pc ${q} at ${p}`).toBe(0);
        const sorted = [...values].sort((a, b) => a - b);
        // numpy's round, halves to even, of q(n − 1).
        const x = (q / 100) * (sorted.length - 1);
        const floor = Math.floor(x);
        const rank = x - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(x);
        expect(out[p], `pc ${q} at ${p}`).toBe(sorted[rank]);
      });
    }
  }, 60_000);
});
