import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Project } from '../../shared/api.js';
import { untitledProject } from '../../shared/untitled-project.js';
import { ProjectStore } from './projects.js';

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
