/**
 * How long a pixel's story and a day's observation view take in the app, from the sources:
 *
 *   node --import tsx benchmarks/pixel-story.ts [DATES]    # default 60
 *
 * Writes the sample's tile 37MBU with DATES dates (every 20 days from 2021-01-03; cached under
 * benchmarks/out), plans it on africa-10 over four years with frequency `all` (one task per
 * tile holding every date), then asks the Api service — as the app's host does — for the story
 * of 12 pixels with gm-s2 on the sample's six bands: the first includes starting the task
 * process kept for stories; then one day's view of the tile (true colour and both masks).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isApiError } from '../src/shared/api.js';
import { createApiService } from '../src/main/api-service.js';
import { saveTasks } from '../src/main/planner/save-tasks.js';
import { writeSampleCatalog } from '../src/main/sample/sample-catalog.js';

const OUT = path.resolve('benchmarks/out');
const dates = Number(process.argv[2] ?? 60);
const CONFIG = ['plugin: gm-s2', 'plugin_config:', '  bands: [B02, B03, B04, B08, B11, B12]', 'resolution: 120', ''].join('\n');
/** Points of tile 218,74 of africa-10 within 37MBU (lon, lat). */
const POINTS: Array<[number, number]> = Array.from({ length: 12 }, (_, k) => [36.35 + 0.05 * (k % 4), -1.3 - 0.1 * Math.floor(k / 4)]);

async function main(): Promise<void> {
  const root = path.join(OUT, `pixel-story-sample-${dates}`);
  if (!existsSync(path.join(root, 'catalog.json'))) await writeSampleCatalog(root, { dates, tiles: ['37MBU'] });
  const cache = path.join(OUT, `pixel-story-${dates}.db`);
  const plan = await saveTasks({
    catalog: path.join(root, 'catalog.json'),
    inputProducts: ['s2_l2a'],
    grid: 'africa-10',
    frequency: 'all',
    temporalRange: '2021-01-01--P4Y',
    output: cache,
    overwrite: true,
  });
  process.stdout.write(`${plan.counts.tasks} tasks from ${dates} dates\n`);
  const api = createApiService({ workspace: path.join(OUT, 'pixel-story-workspace') });
  try {
    const times: number[] = [];
    let days: string[] = [];
    for (const [lon, lat] of POINTS) {
      const started = performance.now();
      const story = await api.pixelStory({ cache, configYaml: CONFIG, lon, lat });
      times.push((performance.now() - started) / 1000);
      if (isApiError(story)) throw new Error(story.error);
      days = story.observations.map((o) => o.day);
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    process.stdout.write(
      `story of ${days.length} observations: first ${times[0]!.toFixed(2)} s (starts the task process), ` +
        `then median ${warm[Math.floor(warm.length / 2)]!.toFixed(2)} s, slowest ${warm[warm.length - 1]!.toFixed(2)} s\n`,
    );
    const started = performance.now();
    const view = await api.observationView({ cache, configYaml: CONFIG, task: (await firstTask(api, cache))!, day: days[Math.floor(days.length / 2)]! });
    if (isApiError(view)) throw new Error(view.error);
    process.stdout.write(`observation view of one day: ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
  } finally {
    api.close();
  }
}

async function firstTask(api: ReturnType<typeof createApiService>, cache: string): Promise<string | undefined> {
  const list = await api.listTasks(cache);
  if (isApiError(list)) throw new Error(list.error);
  return list.tasks.find((t) => t.x === 218 && t.y === 74)?.id;
}

await main();
