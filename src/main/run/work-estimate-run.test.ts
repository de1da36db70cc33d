import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { saveTasks } from '../planner/save-tasks.js';
import { writeSampleCatalog } from '../sample/sample-catalog.js';
import { TaskCache } from '../taskcache/task-cache.js';

/**
 * The plan's work estimate against a run of its task: the sample scene (eight dates, half of
 * them from a pass whose swath edge leaves 61 % of the tile without data) on a 512 px tile of
 * 120 m pixels inside 37MCU, computed by gm-s2 in a process of its own.
 */
const GRID = 'EPSG:32737;120;512';
const TILES = '5:6,160:161';
const MEASURE = fileURLToPath(new URL('../test-support/measure-task.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Measured {
  status: string;
  maxRssBytes: number;
  readBytes: number;
}

function measureTask(cache: string, config: string, location: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MEASURE, cache, config, location], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Measured) : reject(new Error(`measure-task exited ${code}: ${stderr}`))));
  });
}

/**
 * What a reader decodes at least for the task: every block of each band's full-resolution
 * image that the tile's window meets (the grid is aligned with the sample's pixels).
 */
async function blocksDecoded(cacheFile: string): Promise<number> {
  const cache = TaskCache.open(cacheFile);
  const row = cache.tasks()[0]!;
  const [tileWest, tileNorth] = [row.x * 512 * 120, (row.y + 1) * 512 * 120];
  let bytes = 0;
  for (const { item } of cache.datasetsOf(row.taskId)) {
    for (const asset of Object.values(item.assets)) {
      const file = readFileSync(asset.href);
      const image = await (await fromArrayBuffer(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer)).getImage();
      const [west, north] = image.getOrigin() as [number, number];
      const c0 = Math.max(0, (tileWest - west) / 120);
      const r0 = Math.max(0, (north - tileNorth) / 120);
      const c1 = Math.min(image.getWidth(), c0 + 512);
      const r1 = Math.min(image.getHeight(), r0 + 512);
      const [bw, bh] = [image.getTileWidth(), image.getTileHeight()];
      const blocks = (Math.ceil(c1 / bw) - Math.floor(c0 / bw)) * (Math.ceil(r1 / bh) - Math.floor(r0 / bh));
      bytes += blocks * bw * bh * image.getBytesPerPixel();
    }
  }
  cache.close();
  return bytes;
}

describe('the work estimate of a plan', () => {
  it('is within 2× of the memory, the decoded pixels and the file bytes of a run of its largest task', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'estimate-'));
    const sample = await writeSampleCatalog(path.join(dir, 'catalog'), { dates: 8, tiles: ['37MCU'] });
    const plan = await saveTasks({ catalog: sample.catalogPath, inputProducts: ['s2_l2a'], grid: GRID, year: 2021, tiles: TILES, output: path.join(dir, 'plan.db') });
    expect(plan.counts.tasks).toBe(1);
    const config = path.join(dir, 'gm.yaml');
    // One reduce thread, as each task process of a run with odc-stats' default threads has, and as the plan assumes.
    writeFileSync(config, ['plugin: gm-s2', 'plugin_config: {bands: [B02, B03, B04, B08, B11, B12]}', 'product: {name: gm, version: 1.0.0}', 'threads_per_task: 1'].join('\n'));
    const run = await measureTask(plan.db, config, path.join(dir, 'out'));
    expect(run.status).toBe('finished');
    const decoded = await blocksDecoded(plan.db);
    const e = plan.estimate;
    const ratios = { memory: e.largestTaskBytes / run.maxRssBytes, decoded: e.decodedBytes / decoded, files: e.fileBytes! / run.readBytes };
    const figures = JSON.stringify({ estimate: e, run, decoded });
    for (const [what, ratio] of Object.entries(ratios)) {
      expect(ratio, `${what}: ${figures}`).toBeGreaterThanOrEqual(0.5);
      expect(ratio, `${what}: ${figures}`).toBeLessThanOrEqual(2);
    }
  }, 180_000);
});
