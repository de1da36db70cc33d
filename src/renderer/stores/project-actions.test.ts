// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import type { Project, ProjectRun } from '../../shared/api.js';
import { untitledProject } from '../../shared/untitled-project.js';
import { setApi } from '../api/api.js';
import { fakeApi } from '../test-support/fake-api.js';
import { resetStores } from '../test-support/reset-stores.js';
import { usePlan } from './plan-store.js';
import { usePreviews } from './preview-store.js';
import { newProject, openProject, saveProject } from './project-actions.js';
import { useRun } from './run-store.js';
import { useWorkspace } from './workspace-store.js';
import { planSummary } from '../../shared/test-support/plan-summary.js';

const CACHE = '/ws/plans/a.db';
const SUMMARY = planSummary({ db: CACHE });
const RUN: ProjectRun = {
  runId: 'r1',
  started: '2021-06-01T10:00:00.000Z',
  ended: '2021-06-01T10:01:00.000Z',
  status: 'finished',
  location: '/ws/out',
  configYaml: 'plugin: pq\n',
  tasks: { '2021--P1Y/218/74': { state: 'finished', stacItem: '/ws/out/a.stac-item.json', seconds: 12 } },
};
const LAYER = { id: 'a:clear', stacItem: '/ws/out/a.stac-item.json', task: '2021--P1Y/218/74', bands: ['clear'], ramp: 'viridis' as const, visible: true, opacity: 0.7 };
const IMAGE = { url: 'data:image/png;base64,', coordinates: [[0, 1], [1, 1], [1, 0], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]], range: { min: 0, max: 9 }, bands: ['clear'] };

beforeEach(() => {
  resetStores();
});

describe('project files', () => {
  it('save the plan summary, the run history and the preview layers (without their images)', async () => {
    const saved: Project[] = [];
    setApi(fakeApi({ saveProject: async (path, project) => (saved.push(project), { path }) }));
    useWorkspace.getState().update({ cache: CACHE });
    usePlan.setState({ status: 'done', summary: SUMMARY });
    useRun.setState({ history: [RUN] });
    usePreviews.setState({ layers: [{ ...LAYER, image: IMAGE, loading: false }], outputs: {} });
    expect(await saveProject('kenya')).toBeNull();
    expect(saved[0]).toMatchObject({ cache: CACHE, planSummary: SUMMARY, runs: [RUN], previews: { layers: [LAYER], outputs: {} } });
  });

  it('leave out the summary of a plan that is not the project\u2019s task cache', async () => {
    const saved: Project[] = [];
    setApi(fakeApi({ saveProject: async (path, project) => (saved.push(project), { path }) }));
    useWorkspace.getState().update({ cache: '/ws/plans/other.db' });
    usePlan.setState({ status: 'done', summary: SUMMARY });
    await saveProject('kenya');
    expect(saved[0]!.planSummary).toBeUndefined();
  });

  it('restore them when opened, the layers drawn again; a new project has none of them', async () => {
    const project: Project = { ...untitledProject(), name: 'Kenya', cache: CACHE, planSummary: SUMMARY, runs: [RUN], previews: { layers: [LAYER], outputs: {} } };
    setApi(
      fakeApi({
        openProject: async (path) => ({ path, project }),
        listTasks: async () => ({ db: CACHE, grid: 'africa-10', frequency: 'annual', temporalRange: '2021--P1Y', catalog: '/c.json', tasks: [] }),
        preview: async () => IMAGE,
      }),
    );
    expect(await openProject('/ws/projects/kenya.odcproj.json')).toBeNull();
    expect(usePlan.getState()).toMatchObject({ status: 'done', summary: SUMMARY });
    expect(useRun.getState()).toMatchObject({ status: 'idle', history: [RUN] });
    expect(usePreviews.getState().layers).toEqual([{ ...LAYER, image: IMAGE, loading: false }]);
    expect(useWorkspace.getState().project()).not.toHaveProperty('runs');

    await newProject();
    expect(usePlan.getState().summary).toBeNull();
    expect(useRun.getState().history).toEqual([]);
    expect(usePreviews.getState().layers).toEqual([]);
  });
});
