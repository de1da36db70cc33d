import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import { oneDatasetCache } from '../test-support/one-dataset-cache.js';
import { TaskInspections } from './task-inspections.js';
import { spawnNodeTaskProcess } from './task-process-node.js';

const PQ = 'plugin: pq\n';

describe('TaskInspections', () => {
  let dir: string;
  let cache: string;
  const inspections = new TaskInspections(spawnNodeTaskProcess, '/tmp/unused/{product}');
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'inspections-'));
    cache = await oneDatasetCache(dir);
  });
  afterAll(() => inspections.close());

  it('names a point no task of the plan covers, and a task the plan lacks, in one line', async () => {
    await expect(inspections.story({ cache, configYaml: PQ, lon: 30.5, lat: 20.5 })).rejects.toThrow(
      new UserError('no task of the plan covers 30.50000, 20.50000 (tile 30,20)'),
    );
    await expect(inspections.view({ cache, configYaml: PQ, task: '2021--P1Y/11/20', day: '2021-03-10' })).rejects.toThrow('the plan has no task 2021--P1Y/11/20');
  });

  it("answers with the task process's one line when the task's inputs cannot be read", async () => {
    const error = await inspections.story({ cache, configYaml: PQ, lon: 10.55, lat: 20.55 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/SCL\.tif/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('refuses a config with a problem before asking the task process', async () => {
    await expect(inspections.story({ cache, configYaml: 'plugin: gm-s9\n', lon: 10.55, lat: 20.55 })).rejects.toThrow(/the run config has a problem on line 1: .*gm-s9/);
  });
});
