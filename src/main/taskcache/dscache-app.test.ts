/** The app's task list of odc-stats' own task cache (odc-dscache), through the Api. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createApiService } from '../api-service.js';
import { odcDscacheSample } from '../test-support/odc-dscache-sample.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dscache-app-'));
const api = createApiService({
  workspace: dir,
  spawn: () => {
    throw new Error('no task process runs in this test');
  },
});
afterAll(() => {
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

it('lists the tasks of an odc-dscache file as of its own caches', async () => {
  const cache = path.join(dir, 'odc-stats.db');
  writeFileSync(cache, odcDscacheSample());
  expect(await api.listTasks(cache)).toEqual({
    db: cache,
    grid: 'au-30',
    frequency: 'annual',
    temporalRange: '2021--P1Y',
    catalog: '',
    tasks: [
      { id: '2021--P1Y/44/15', period: '2021--P1Y', x: 44, y: 15, datasets: 20, days: 20 },
      { id: '2021--P1Y/45/15', period: '2021--P1Y', x: 45, y: 15, datasets: 15, days: 15 },
    ],
  });
});
