import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { fromArrayBuffer } from 'geotiff';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig, type RunConfig } from '../../shared/run-config.js';
import { sumOfDistances, weiszfeld } from '../../worker/kernels/geomedian-reference.js';
import { s3Client } from '../../io/s3-client.js';
import { saveTasks } from '../planner/save-tasks.js';
import { samplePasses, writeSampleCatalog } from '../sample/sample-catalog.js';
import { REFLECTANCE_BANDS, coverAt, dnOf, skyAt, surfaceReflectance, textureAt } from '../sample/sample-scene.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { spawnNodeTaskProcess } from './task-process-node.js';
import { runTasks, type DryRunLine, type RunSummary } from './run-tasks.js';

/**
 * The sample scene (four dates over one tile) planned on a grid of 120 m pixels aligned with
 * the sample's COGs, so that no resampling happens and the outputs can be checked pixel by
 * pixel against the scene's ground truth: which dates were clear, and the clear-sky
 * reflectance of each.
 */
const GRID = 'EPSG:32737;120;100';
const TILE = { x: 29, y: 820 }; // 348–360 km E, 9840–9852 km N: inside the swath of every pass
const DATES = 4;
const SIZE = 100;

let dir: string;
let cache: string;
const spawn = spawnNodeTaskProcess;

function config(yaml: string, location: string): RunConfig {
  return { ...parseRunConfig(yaml, 'test'), output_location: location, threads: 1 };
}

function pixelCentre(col: number, row: number): [number, number] {
  return [TILE.x * 12_000 + (col + 0.5) * 120, (TILE.y + 1) * 12_000 - (row + 0.5) * 120];
}

async function readBand(file: string | Uint8Array): Promise<ArrayLike<number>> {
  const bytes = typeof file === 'string' ? readFileSync(file) : file;
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const [data] = (await (await tiff.getImage()).readRasters()) as unknown as [ArrayLike<number>];
  return data;
}

const prefix = (location: string, product: string) => path.join(location, 'x29', 'y820', '2021--P1Y', `${product}_x29y820_2021--P1Y`);

describe('run on the sample scene', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'run-tasks-'));
    const sample = await writeSampleCatalog(path.join(dir, 'catalog'), { dates: DATES, tiles: ['37MCU'] });
    const plan = await saveTasks({ catalog: sample.catalogPath, inputProducts: ['s2_l2a'], grid: GRID, year: 2021, tiles: '29:30,820:821', output: path.join(dir, 'plan.db') });
    expect(plan.counts.tasks).toBe(1);
    cache = plan.db;
  }, 60_000);

  it('counts clear observations exactly as the scene has them (pq)', async () => {
    const location = path.join(dir, 'pq');
    const heartbeat = path.join(dir, 'heartbeat');
    const started = Date.now();
    const summary = (await runTasks({ cache, selectors: [], config: { ...config('plugin: pq\nproduct: {name: pq, version: 1.0.0}', location), heartbeat_filepath: heartbeat } }, spawn)) as RunSummary;
    expect(summary).toEqual({ finished: ['2021--P1Y/29/820'], skipped: [], failed: [] });
    expect(Date.parse(readFileSync(heartbeat, 'utf8').trim())).toBeGreaterThanOrEqual(started - 1000);
    const total = await readBand(`${prefix(location, 'pq')}_total.tif`);
    const clear = await readBand(`${prefix(location, 'pq')}_clear.tif`);
    const dates = samplePasses({ dates: DATES, tiles: ['37MCU'] }).map((p) => p.date);
    let cloudy = 0;
    for (let row = 0; row < SIZE; row++) {
      for (let col = 0; col < SIZE; col++) {
        const [x, y] = pixelCentre(col, row);
        const expected = dates.filter((d) => skyAt(d, x, y) === 'clear').length;
        cloudy += DATES - expected;
        expect(total[row * SIZE + col], `total at ${col},${row}`).toBe(DATES);
        expect(clear[row * SIZE + col], `clear at ${col},${row}`).toBe(expected);
      }
    }
    expect(cloudy).toBeGreaterThan(100); // the scene has clouds here: the check means something
  });

  it('finds the geomedian of the clear-sky observations (gm-s2)', async () => {
    const location = path.join(dir, 'gm');
    const yaml = ['plugin: gm-s2', 'plugin_config: {bands: [B02, B03, B04, B08, B11, B12], cloud_filters: []}', 'product: {name: gm, version: 1.0.0}'].join('\n');
    const summary = (await runTasks({ cache, selectors: [], config: config(yaml, location) }, spawn)) as RunSummary;
    expect(summary.failed).toEqual([]);
    const bands = await Promise.all(REFLECTANCE_BANDS.map((b) => readBand(`${prefix(location, 'gm')}_${b}.tif`)));
    const count = await readBand(`${prefix(location, 'gm')}_COUNT.tif`);
    const passes = samplePasses({ dates: DATES, tiles: ['37MCU'] });
    for (let p = 0; p < SIZE * SIZE; p += 97) {
      const [x, y] = pixelCentre(p % SIZE, Math.floor(p / SIZE));
      const clearDays = passes.filter((pass) => skyAt(pass.date, x, y) === 'clear');
      expect(count[p]).toBe(clearDays.length);
      if (clearDays.length === 0) {
        for (const band of bands) expect(band[p]).toBe(0);
        continue;
      }
      const observations = clearDays.map((pass) => {
        const doy = Math.floor((pass.time.getTime() - Date.UTC(2021, 0, 1)) / 86_400_000) + 1;
        return Float64Array.from(REFLECTANCE_BANDS, (b) => dnOf(surfaceReflectance(b, coverAt(x, y), textureAt(x, y), doy)) * 1e-4 - 1e-4);
      });
      const { estimate } = weiszfeld(observations, REFLECTANCE_BANDS.length, 1e-9, 10_000);
      // A geometric median need not be unique: the sample's observations of a pixel differ in
      // two bands nearly along one line, where the sum of distances is flat over many DN. So the
      // output is held to the optimum's objective, not to one minimiser's bands.
      // The output is the optimum up to the kernel's tolerance and the rounding to whole DN
      // (≤ 0.5 DN = 5e-5 per band): its sum of distances to the observations may exceed the
      // optimum's by at most that rounding, |δ| ≤ 5e-5·√6, once per observation.
      const output = Float64Array.from(bands, (band) => band[p]! * 1e-4 - 1e-4);
      const slack = observations.length * 5e-5 * Math.sqrt(6) + 1e-5 * sumOfDistances(observations, estimate);
      expect(sumOfDistances(observations, output), `objective at ${p}`).toBeLessThanOrEqual(sumOfDistances(observations, estimate) + slack);
    }
  });

  it('lists what it would do with --dryrun, and skips finished tasks', async () => {
    const location = path.join(dir, 'pq');
    const lines = (await runTasks({ cache, selectors: ['0'], config: config('plugin: pq\nproduct: {name: pq, version: 1.0.0}', location), dryrun: true }, spawn)) as DryRunLine[];
    expect(lines).toEqual([{ task: '2021--P1Y/29/820', days: DATES, datasets: DATES, output: `${prefix(location, 'pq')}.stac-item.json`, state: 'skip' }]);
    const again = (await runTasks({ cache, selectors: [], config: config('plugin: pq\nproduct: {name: pq, version: 1.0.0}', location) }, spawn)) as RunSummary;
    expect(again.skipped).toEqual(['2021--P1Y/29/820']);
  });

  describe('on S3', () => {
    motoForTests();
    beforeAll(async () => {
      await s3Client().send(new CreateBucketCommand({ Bucket: 'fleet' }));
      await s3Client().send(new PutObjectCommand({ Bucket: 'fleet', Key: 'caches/plan.db', Body: readFileSync(cache) }));
    });

    it('reads the cache from S3 and writes every output there, the STAC item included', async () => {
      const summary = (await runTasks(
        { cache: 's3://fleet/caches/plan.db', selectors: ['2021--P1Y/29/820'], config: config('plugin: pq\nproduct: {name: pq, version: 1.0.0}', 's3://fleet/out/{product}/{version}') },
        spawn,
      )) as RunSummary;
      expect(summary).toEqual({ finished: ['2021--P1Y/29/820'], skipped: [], failed: [] });
      const listed = await s3Client().send(new ListObjectsV2Command({ Bucket: 'fleet', Prefix: 'out/' }));
      const keys = (listed.Contents ?? []).map((o) => o.Key!.split('/').pop()).sort();
      expect(keys).toEqual(
        ['.sha1', '.stac-item.json', '_clear.tif', '_clear_0_5.tif', '_clear_2_5.tif', '_thumbnail.png', '_total.tif'].map((s) => `pq_x29y820_2021--P1Y${s}`).sort(),
      );
      const object = await s3Client().send(new GetObjectCommand({ Bucket: 'fleet', Key: 'out/pq/1-0-0/x29/y820/2021--P1Y/pq_x29y820_2021--P1Y_total.tif' }));
      const total = await readBand(await object.Body!.transformToByteArray());
      expect(total[0]).toBe(DATES);
    });
  });
});
