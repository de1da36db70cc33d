import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Project } from '../../shared/api.js';
import { untitledProject } from '../../shared/untitled-project.js';
import { ProjectStore } from './projects.js';
import { planSummary } from '../../shared/test-support/plan-summary.js';

const project = (name: string): Project => ({
  ...untitledProject(),
  name,
  catalog: '/c/catalog.json',
  pickedTiles: ['2021--P1Y/218/74'],
  plugin: 'pq',
  configYaml: 'plugin: pq\n',
});

describe('ProjectStore', () => {
  let dir: string;
  let store: ProjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'projects-'));
    store = new ProjectStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('saves a project by name into the workspace and opens it again', async () => {
    const saved = await store.save('kenya', project('Kenya'));
    expect(saved).toBe(path.join(dir, 'projects', 'kenya.odcproj.json'));
    const opened = await store.open(saved);
    expect(opened.project).toEqual(project('Kenya'));
  });

  it('keeps the plan summary, the run history and the preview layers', async () => {
    const withHistory: Project = {
      ...project('Runs'),
      cache: '/ws/plans/a.db',
      planSummary: planSummary(),
      runs: [{ runId: 'r1', started: '2021-01-01T00:00:00Z', ended: '2021-01-01T00:01:00Z', status: 'failed', location: '/ws/out', configYaml: 'plugin: pq\n', tasks: { '2021--P1Y/218/74': { state: 'failed', error: 'no B05' } } }],
      previews: { layers: [{ id: 'l1', stacItem: '/ws/out/a.stac-item.json', task: '2021--P1Y/218/74', bands: ['clear'], ramp: 'viridis', visible: true, opacity: 0.5 }], outputs: {} },
    };
    await store.save('runs', withHistory);
    expect((await store.open('runs')).project).toEqual(withHistory);
  });

  it('refuses a project file whose run history is not a list of runs, in one line', async () => {
    const file = path.join(dir, 'broken.odcproj.json');
    await writeFile(file, JSON.stringify({ format: 'odc-stats-project/1', project: { ...project('Broken'), runs: { r1: {} } } }));
    await expect(store.open(file)).rejects.toThrow(`project file ${file}: runs is not a list of runs, each with its tasks`);
  });

  it('keeps the recent projects, newest first, without duplicates', async () => {
    await store.save('a', project('A'));
    await store.save('b', project('B'));
    await store.open('a');
    expect((await store.recent()).map((r) => r.name)).toEqual(['A', 'B']);
  });

  it('refuses missing files and files of another kind with one line', async () => {
    await expect(store.open('nothing')).rejects.toThrow(/^project file not found: /);
    const other = path.join(dir, 'other.json');
    await writeFile(other, '{"hello": 1}');
    await expect(store.open(other)).rejects.toThrow(/^not an odc-stats project file/);
    await expect(store.save('  ', project('x'))).rejects.toThrow(/no project file name/);
  });
});
