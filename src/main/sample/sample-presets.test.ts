import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetFor, presetKey, SAMPLE_PRESETS } from '../../shared/plugin-presets.js';
import { parseRunConfig } from '../../shared/run-config.js';
import { saveTasks } from '../planner/save-tasks.js';
import { runTasks, type RunSummary } from '../run/run-tasks.js';
import { spawnNodeTaskProcess } from '../run/task-process-node.js';
import { writeSampleCatalog } from './sample-catalog.js';

/** One tile of 100 × 100 pixels of 120 m inside 37MCU, on 4 of the sample's dates. */
const TASK = '2021--P1Y/29/820';
let dir: string;
let cache: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sample-presets-'));
  const sample = await writeSampleCatalog(path.join(dir, 'catalog'), { dates: 4, tiles: ['37MCU'] });
  const plan = await saveTasks({ catalog: sample.catalogPath, inputProducts: ['s2_l2a'], grid: 'EPSG:32737;120;100', year: 2021, tiles: '29:30,820:821', output: path.join(dir, 'plan.db') });
  cache = plan.db;
}, 60_000);

function run(yaml: string, name: string): Promise<RunSummary> {
  const config = { ...parseRunConfig(yaml, name), output_location: path.join(dir, name.replaceAll('/', '-')), threads: 1 };
  return runTasks({ cache, selectors: [TASK], config }, spawnNodeTaskProcess) as Promise<RunSummary>;
}

describe('the presets offered on the sample', () => {
  it.each(SAMPLE_PRESETS.map((p) => [presetKey(p), p.yaml]))('%s runs on the sample and finishes', async (key, yaml) => {
    expect(await run(yaml, key)).toEqual({ finished: [TASK], skipped: [], failed: [] });
  }, 60_000);

  it('are needed: the geomedian preset of real Sentinel-2 asks for a band the sample lacks', async () => {
    const summary = await run(presetFor('gm-s2')!.yaml, 'real-gm-s2');
    expect(summary.failed).toEqual([{ task: TASK, error: expect.stringContaining("no asset 'B05'") }]);
  }, 60_000);
});
