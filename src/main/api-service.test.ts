import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, PlanTasksRequest } from '../shared/api.js';
import { createApiService, type ApiService } from './api-service.js';

const ITEM = {
  type: 'Feature',
  stac_version: '1.0.0',
  id: 'one',
  collection: 'prod',
  geometry: { type: 'Polygon', coordinates: [[[10.2, 20.2], [10.8, 20.2], [10.8, 20.8], [10.2, 20.8], [10.2, 20.2]]] },
  bbox: [10.2, 20.2, 10.8, 20.8],
  properties: { datetime: '2021-03-10T10:00:00Z' },
  assets: { B02: { href: 'B02.tif', type: 'image/tiff; application=geotiff' } },
  links: [],
};

describe('createApiService', () => {
  let dir: string;
  let api: ApiService;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'api-service-'));
    api = createApiService({ workspace: dir, spawn: () => {
        throw new Error('no worker runs in these tests');
      }, });
  });
  afterAll(async () => {
    api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('says where its workspace is', async () => {
    expect(await api.hostInfo()).toMatchObject({ workspace: dir });
  });

  it('validates the plugin_config with the plugin, on the line of the bad key', async () => {
    const text = 'plugin: gm-s2\nplugin_config:\n  bands: [B02]\n  bandz: [B03]\n';
    const [d] = await api.validateConfig(text);
    expect(d).toMatchObject({ line: 4, severity: 'error' });
    expect(d!.message).toMatch(/^unknown key 'bandz' in plugin_config of gm-s2/);
    expect(await api.validateConfig('plugin: gm-s2\n')).toEqual([]);
    expect((await api.validateConfig('plugin: no-such-plugin\n'))[0]!.line).toBe(1);
  });

  it('answers user errors as data', async () => {
    expect(await api.listTasks(path.join(dir, 'none.db'))).toEqual({ error: expect.stringMatching(/^task cache not found/) });
    expect(await api.planTasks({ catalog: '', inputProducts: ['s2_l2a'], grid: 'africa-10' })).toEqual({ error: expect.stringMatching(/no catalogue/), field: 'catalog' });
    expect(await api.planTasks({ catalog: 'x', inputProducts: ['s2_l2a'], grid: 'mars-10' })).toEqual({ error: expect.stringMatching(/^unknown grid 'mars-10'/), field: 'grid' });
  });

  it('says which field of a plan request an error is about', async () => {
    const items = path.join(dir, 'items.ndjson');
    await writeFile(items, `${JSON.stringify(ITEM)}\n`);
    const request = { catalog: items, inputProducts: ['prod'], grid: 'africa-10', year: 2021 };
    const fieldOf = async (patch: Partial<PlanTasksRequest>) => ((await api.planTasks({ ...request, ...patch })) as ApiError).field;
    expect(await fieldOf({ catalog: path.join(dir, 'no-such-catalog.json') })).toBe('catalog');
    expect(await fieldOf({ inputProducts: [] })).toBe('collections');
    expect(await fieldOf({ frequency: 'fortnightly' })).toBe('frequency');
    expect(await fieldOf({ year: undefined, temporalRange: '2021--P1X' })).toBe('temporalRange');
    expect(await fieldOf({ year: undefined, frequency: '3month-seasons' })).toBe('temporalRange');
    expect(await fieldOf({ region: { type: 'Polygon', coordinates: [[[1, 2]]] } })).toBe('region');
    // A plan that finds nothing is about the whole request, not the catalogue it read.
    const empty = await api.planTasks({ ...request, year: 1990 });
    expect(empty).toEqual({ error: expect.stringMatching(/^no datasets found/), field: 'plan' });
    expect(await api.planTasks(request)).not.toHaveProperty('error');
  });

  it('refuses a run whose config has a problem, naming its line', async () => {
    const result = await api.startRun({ cache: path.join(dir, 'x.db'), tasks: ['2021--P1Y/1/1'], configYaml: 'plugin: pq\nthreads: lots\n' });
    expect(result).toEqual({ error: "the run config has a problem on line 2: key 'threads' must be a number" });
    expect(await api.startRun({ cache: 'x.db', tasks: [], configYaml: 'plugin: pq\n' })).toEqual({ error: expect.stringMatching(/no tasks picked/) });
  });

  it('saves and opens projects and lists them as recent', async () => {
    const saved = await api.saveProject('p1', { name: 'P1' } as never);
    expect(saved).toEqual({ path: path.join(dir, 'projects', 'p1.odcproj.json') });
    expect(await api.openProject('p1')).toMatchObject({ project: { name: 'P1' } });
    expect((await api.recentProjects())[0]).toMatchObject({ name: 'P1' });
  });
});
