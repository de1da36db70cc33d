/**
 * The presets of DEA's Landsat products run on the synthetic collections they are made for:
 * water observations, fractional cover fused with them, and the ARD.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetFor } from '../../shared/plugin-presets.js';
import { parseRunConfig } from '../../shared/run-config.js';
import { saveTasks } from '../planner/save-tasks.js';
import { runTasks } from '../run/run-tasks.js';
import { spawnNodeTaskProcess } from '../run/task-process-node.js';
import { FRACTIONAL_COVER_COLLECTION, LANDSAT_ARD_COLLECTION, WATER_OBSERVATIONS_COLLECTION, type LandsatLayout } from './landsat-sample.js';
import { writeSampleCatalog } from './sample-catalog.js';

/** One scene of 32 × 32 pixels of 120 m, a tile of the grid below. */
const LAYOUT: LandsatLayout = { pixelMetres: 120, pixels: 32, scenes: { '168060': { west: 249_600, north: 9_903_360 } }, blocksize: 16 };
const TASK = '2021--P1Y/65/2578';
let dir: string;
let catalog: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'landsat-presets-'));
  const sample = await writeSampleCatalog(path.join(dir, 'catalog'), {
    collections: [LANDSAT_ARD_COLLECTION, WATER_OBSERVATIONS_COLLECTION, FRACTIONAL_COVER_COLLECTION],
    landsat: { dates: 4, layout: LAYOUT },
  });
  catalog = sample.catalogPath;
}, 60_000);

describe('the presets of DEA Landsat products', () => {
  it.each([
    ['wofs-summary', WATER_OBSERVATIONS_COLLECTION],
    ['fc-percentiles', `${FRACTIONAL_COVER_COLLECTION}+${WATER_OBSERVATIONS_COLLECTION}`],
    ['tcw-percentiles', LANDSAT_ARD_COLLECTION],
  ])('%s runs on %s and finishes', async (key, inputProducts) => {
    const plan = await saveTasks({ catalog, inputProducts: [inputProducts], grid: 'EPSG:32737;120;32', year: 2021, tiles: '65:66,2578:2579', output: path.join(dir, `${key}.db`) });
    expect(plan.counts.tasks).toBe(1);
    const config = { ...parseRunConfig(presetFor(key)!.yaml, key), output_location: path.join(dir, key), threads: 1 };
    expect(await runTasks({ cache: plan.db, selectors: [TASK], config }, spawnNodeTaskProcess)).toEqual({ finished: [TASK], skipped: [], failed: [] });
  }, 60_000);
});
