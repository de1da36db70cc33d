// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import type { TaskList } from '../../shared/api.js';
import type { SaveTasksResult } from '../../shared/save-tasks-contract.js';
import { setApi } from '../api/api.js';
import { fakeApi } from '../test-support/fake-api.js';
import { sentence, usePlan } from './plan-store.js';
import { groupIdOfLayer, histogramKey, previewGroups, usePreviews } from './preview-store.js';
import { runStatusText, useRun } from './run-store.js';
import { useWorkspace } from './workspace-store.js';
import { resetStores } from '../test-support/reset-stores.js';

const TASKS: TaskList = {
  db: '/ws/plans/a.db',
  grid: 'africa-10',
  frequency: 'annual',
  temporalRange: '2021--P1Y',
  catalog: '/c.json',
  tasks: [
    { id: '2021--P1Y/218/74', period: '2021--P1Y', x: 218, y: 74, datasets: 27, days: 18 },
    { id: '2021--P1Y/218/75', period: '2021--P1Y', x: 218, y: 75, datasets: 9, days: 9 },
  ],
};

beforeEach(() => {
  resetStores();
});

describe('workspace store', () => {
  it('picks, unpicks and adds tiles without duplicates', () => {
    const ws = useWorkspace.getState();
    ws.togglePick('a');
    ws.togglePick('b');
    ws.togglePick('a');
    ws.addPicks(['b', 'c']);
    expect(useWorkspace.getState().pickedTiles).toEqual(['b', 'c']);
  });

  it('gives the project file content without its actions, and persists it', () => {
    useWorkspace.getState().update({ name: 'Kenya', catalog: '/c.json' });
    const project = useWorkspace.getState().project();
    expect(project.name).toBe('Kenya');
    expect(Object.values(project).some((v) => typeof v === 'function')).toBe(false);
    expect(JSON.parse(localStorage.getItem('odc-stats-workspace')!).state.catalog).toBe('/c.json');
  });
});

describe('plan store', () => {
  it('asks for a catalogue next to its field before calling the host', async () => {
    await usePlan.getState().plan();
    expect(usePlan.getState().error).toEqual({ field: 'catalog', message: 'Give a catalogue: a STAC catalogue path or URL, or use the sample.' });
  });

  it('plans the regions, then loads the tasks of the new cache', async () => {
    let request: unknown;
    setApi(
      fakeApi({
        planTasks: async (r) => {
          request = r;
          return { db: TASKS.db } as SaveTasksResult;
        },
        listTasks: async () => TASKS,
      }),
    );
    useWorkspace.getState().update({ catalog: '/c.json', regions: [{ type: 'Feature' }], temporalRange: '2021', pickedTiles: ['old'] });
    await usePlan.getState().plan();
    expect(request).toMatchObject({ catalog: '/c.json', year: 2021, region: { type: 'FeatureCollection', features: [{ type: 'Feature' }] } });
    expect(usePlan.getState()).toMatchObject({ status: 'done', period: '2021--P1Y' });
    expect(usePlan.getState().tasks?.tasks).toHaveLength(2);
    expect(useWorkspace.getState()).toMatchObject({ cache: TASKS.db, pickedTiles: [] });
  });

  it('puts a host error next to the control the host says it is about, as a sentence', async () => {
    setApi(fakeApi({ planTasks: async () => ({ error: "unknown grid 'mars-10': use one of au-10", field: 'grid' }) }));
    useWorkspace.getState().update({ catalog: '/c.json' });
    await usePlan.getState().plan();
    expect(usePlan.getState().error).toEqual({ field: 'grid', message: "Unknown grid 'mars-10': use one of au-10." });
    expect(sentence('done.')).toBe('Done.');
  });

  it('puts an error the host does not place with the plan, whatever its words', async () => {
    setApi(fakeApi({ planTasks: async () => ({ error: 'no datasets found in /c.json for products s2_l2a, in 1990--P1Y (3 items read)' }) }));
    useWorkspace.getState().update({ catalog: '/c.json' });
    await usePlan.getState().plan();
    expect(usePlan.getState().error?.field).toBe('plan');
  });

  it('follows the progress of its own plan only', () => {
    usePlan.setState({ planId: 'p1' });
    usePlan.getState().handleEvent({ type: 'plan-progress', planId: 'p2', itemsRead: 5, datasets: 5, tasks: 1 });
    expect(usePlan.getState().progress).toBeNull();
    usePlan.getState().handleEvent({ type: 'plan-progress', planId: 'p1', itemsRead: 7, datasets: 6, tasks: 2 });
    expect(usePlan.getState().progress).toEqual({ itemsRead: 7, datasets: 6, tasks: 2 });
  });
});

describe('run store', () => {
  it('refuses to run without picks', async () => {
    useWorkspace.getState().update({ cache: '/a.db' });
    await useRun.getState().start();
    expect(useRun.getState().error).toBe('Pick at least one tile on the map to run.');
  });

  it('tracks a run through its events and remembers the config it ran', async () => {
    setApi(fakeApi({ startRun: async () => ({ runId: 'r1', location: '/out' }) }));
    useWorkspace.getState().update({ cache: '/a.db', pickedTiles: ['T1', 'T2'], configYaml: 'plugin: pq\n' });
    await useRun.getState().start();
    expect(useRun.getState()).toMatchObject({ runId: 'r1', status: 'running', tasks: { T1: { state: 'queued' } } });
    expect(useWorkspace.getState().lastRunConfigYaml).toBe('plugin: pq\n');
    const run = useRun.getState();
    run.handleEvent({ type: 'task-started', runId: 'r1', task: 'T1' });
    run.handleEvent({ type: 'task-progress', runId: 'r1', task: 'T1', stage: 'loading', done: 2, total: 4 });
    expect(useRun.getState().tasks.T1).toMatchObject({ state: 'running', stage: 'loading', done: 2 });
    run.handleEvent({ type: 'task-result', runId: 'r1', task: 'T1', status: 'failed', error: 'no datasets readable' });
    run.handleEvent({ type: 'task-result', runId: 'other', task: 'T2', status: 'finished' });
    run.handleEvent({ type: 'run-log', runId: 'r1', time: '2021-01-01T00:00:00Z', level: 'error', message: 'T1: failed' });
    run.handleEvent({ type: 'run-finished', runId: 'r1', summary: { finished: [], skipped: [], failed: [{ task: 'T1', error: 'x' }] } });
    expect(useRun.getState().tasks).toEqual({ T1: { state: 'failed', stage: 'loading', done: 2, total: 4, error: 'no datasets readable' }, T2: { state: 'cancelled' } });
    expect(useRun.getState().logs).toHaveLength(1);
    // A failed task fails the run, whatever else happened.
    expect(useRun.getState()).toMatchObject({ status: 'failed', outcome: { finished: 0, skipped: 0, failed: 1, cancelled: 1 } });
  });

  it('counts the failures of a run whose every task failed, and says so', async () => {
    setApi(fakeApi({ startRun: async () => ({ runId: 'r1', location: '/out' }) }));
    useWorkspace.getState().update({ cache: '/a.db', pickedTiles: ['T1'] });
    await useRun.getState().start();
    const run = useRun.getState();
    run.handleEvent({ type: 'task-result', runId: 'r1', task: 'T1', status: 'failed', error: "band 'B05' not found" });
    run.handleEvent({ type: 'run-finished', runId: 'r1', summary: { finished: [], skipped: [], failed: [{ task: 'T1', error: "band 'B05' not found" }] } });
    const { status, outcome } = useRun.getState();
    expect(status).toBe('failed');
    expect(runStatusText(status, outcome)).toBe('failed: 0 finished, 1 failed');
  });

  it('takes the end of tasks whose events were missed from the summary', async () => {
    setApi(fakeApi({ startRun: async () => ({ runId: 'r1', location: '/out' }) }));
    useWorkspace.getState().update({ cache: '/a.db', pickedTiles: ['T1', 'T2', 'T3'] });
    await useRun.getState().start();
    useRun.getState().handleEvent({ type: 'run-finished', runId: 'r1', summary: { finished: ['T1'], skipped: ['T2'], failed: [] } });
    const { status, outcome, tasks } = useRun.getState();
    expect(tasks).toEqual({ T1: { state: 'finished' }, T2: { state: 'skipped' }, T3: { state: 'cancelled' } });
    expect(runStatusText(status, outcome)).toBe('cancelled: 1 finished, 1 skipped, 1 cancelled');
  });

  it('says only "finished" when every task finished', () => {
    expect(runStatusText('finished', { finished: 2, skipped: 0, failed: 0, cancelled: 0 })).toBe('finished');
    expect(runStatusText('running', null)).toBe('running');
    expect(runStatusText('idle', null)).toBe('');
  });

  it('forgets a start error once the YAML it was about changes, not before', async () => {
    setApi(fakeApi({ startRun: async () => ({ error: "the run config has a problem on line 4: unknown key 'bandz'" }) }));
    useWorkspace.getState().update({ cache: '/a.db', pickedTiles: ['T1'], configYaml: 'plugin: gm-s2\n' });
    await useRun.getState().start();
    expect(useRun.getState()).toMatchObject({ status: 'failed', error: "The run config has a problem on line 4: unknown key 'bandz'." });
    useWorkspace.getState().update({ name: 'renamed', lastRunConfigYaml: 'x' });
    expect(useRun.getState().error).not.toBeNull();
    useWorkspace.getState().update({ configYaml: 'plugin: gm-s2\nresolution: 120\n' });
    expect(useRun.getState()).toMatchObject({ status: 'idle', error: null });
  });

  it('forgets "pick a tile" once tiles are picked, and keeps an error of the run itself', async () => {
    useWorkspace.getState().update({ cache: '/a.db' });
    await useRun.getState().start();
    expect(useRun.getState().error).toMatch(/^Pick at least one tile/);
    useWorkspace.getState().togglePick('T1');
    expect(useRun.getState().error).toBeNull();

    setApi(fakeApi({ startRun: async () => ({ runId: 'r1', location: '/out' }) }));
    await useRun.getState().start();
    useRun.getState().handleEvent({ type: 'run-finished', runId: 'r1', error: 'the task cache is locked' });
    useWorkspace.getState().update({ configYaml: 'plugin: pq\n' });
    expect(useRun.getState()).toMatchObject({ status: 'failed', error: 'The task cache is locked.' });
  });
});

describe('preview store', () => {
  /** Outputs of tile T1 in two products, and of tile T2: an item path names its product, version and location. */
  const OUTPUTS: Record<string, { product: string; version: string; bands: string[]; rgb?: [string, string, string] }> = {
    '/o/gm/1/x1/y1/T1.stac-item.json': { product: 'gm', version: '1', bands: ['B02', 'B03', 'B04', 'COUNT'], rgb: ['B04', 'B03', 'B02'] },
    '/o/gm/1/x2/y2/T2.stac-item.json': { product: 'gm', version: '1', bands: ['B02', 'B03', 'B04', 'COUNT'], rgb: ['B04', 'B03', 'B02'] },
    '/o/pq/1/x1/y1/T1.stac-item.json': { product: 'pq', version: '1', bands: ['clear', 'total'] },
    '/p/gm/1/x1/y1/T1.stac-item.json': { product: 'gm', version: '1', bands: ['B02', 'B03', 'B04', 'COUNT'], rgb: ['B04', 'B03', 'B02'] },
  };
  const GM_T1 = '/o/gm/1/x1/y1/T1.stac-item.json';
  const GM_T2 = '/o/gm/1/x2/y2/T2.stac-item.json';
  const PQ_T1 = '/o/pq/1/x1/y1/T1.stac-item.json';
  /** The same product and version as GM_T1, written elsewhere. */
  const GM_T1_ELSEWHERE = '/p/gm/1/x1/y1/T1.stac-item.json';
  let previewed: string[][];
  let inspected: unknown;
  let histogramsAsked: number;

  beforeEach(() => {
    previewed = [];
    inspected = undefined;
    histogramsAsked = 0;
    usePreviews.setState({ layers: [], outputs: {}, hiddenGroups: [], swipe: null, histograms: {} });
    setApi(
      fakeApi({
        describeOutput: async (stacItem) => ({
          stacItem,
          task: 'x',
          ...OUTPUTS[stacItem]!,
          location: stacItem.split('/').slice(0, 4).join('/'),
          bbox: [0, 0, 1, 1],
        }),
        preview: async (r) => {
          previewed.push(r.bands);
          return { url: `data:${r.stacItem}`, coordinates: [[0, 1], [1, 1], [1, 0], [0, 0]], range: { min: 1, max: 9 }, bands: r.bands };
        },
        inspect: async (r) => {
          inspected = r;
          return [{ stacItem: GM_T1, task: 'x', values: { COUNT: 4 } }];
        },
        histogram: async (r) => {
          histogramsAsked++;
          return { band: r.band, counts: [1, 2], from: 0, to: 10, min: 0, max: 10, p2: 0.2, p98: 9.8 };
        },
      }),
    );
  });

  /** Each layer as location:task:bands. */
  const listed = () => usePreviews.getState().layers.map((l) => `${l.stacItem.split('/').slice(1, 3).join('/')}:${l.task}:${l.bands.join('+')}`);
  const groupNames = () => {
    const { layers, outputs } = usePreviews.getState();
    return previewGroups(layers, outputs).map((g) => g.name);
  };

  it('adds the RGB and count layers of a finished task, and inspects its outputs', async () => {
    await usePreviews.getState().addOutput(GM_T1, 'T1');
    expect(usePreviews.getState().layers.map((l) => [l.bands.join('+'), l.visible, !!l.image])).toEqual([
      ['B04+B03+B02', true, true],
      ['COUNT', false, true],
    ]);
    expect(previewed).toEqual([['B04', 'B03', 'B02'], ['COUNT']]);
    await usePreviews.getState().inspectAt(1, 2);
    expect(inspected).toEqual({ stacItems: [GM_T1], lon: 1, lat: 2 });
    expect(usePreviews.getState().inspection?.results[0]!.values).toEqual({ COUNT: 4 });
    // Images are not persisted; the layer choices are.
    const saved = JSON.parse(localStorage.getItem('odc-stats-previews')!).state.layers;
    expect(saved[0].image).toBeUndefined();
    expect(saved[0].bands).toEqual(['B04', 'B03', 'B02']);
  });

  it('keeps each product and variant of a tile in a group of its own, the newest on top', async () => {
    await usePreviews.getState().addOutput(GM_T1, 'T1');
    await usePreviews.getState().addOutput(PQ_T1, 'T1');
    await usePreviews.getState().addOutput(GM_T1_ELSEWHERE, 'T1');
    expect(groupNames()).toEqual(['gm 1 (/p/gm/1)', 'pq 1', 'gm 1 (/o/gm/1)']);
    expect(listed()).toEqual(['p/gm:T1:B04+B03+B02', 'p/gm:T1:COUNT', 'o/pq:T1:clear', 'o/gm:T1:B04+B03+B02', 'o/gm:T1:COUNT']);
    // The pq output has no RGB: its count band shows.
    expect(usePreviews.getState().layers[2]!.visible).toBe(true);
  });

  it('replaces a rerun’s layers in its own group only, where the group is', async () => {
    await usePreviews.getState().addOutput(GM_T1, 'T1');
    await usePreviews.getState().addOutput(PQ_T1, 'T1');
    const pqLayer = usePreviews.getState().layers[0]!.id;
    usePreviews.getState().update(pqLayer, { opacity: 0.4 });
    usePreviews.getState().moveGroup(groupOf(PQ_T1), 1);
    await usePreviews.getState().addLayer(GM_T1, ['B02'], true);
    expect(listed()).toEqual(['o/gm:T1:B02', 'o/gm:T1:B04+B03+B02', 'o/gm:T1:COUNT', 'o/pq:T1:clear']);
    await usePreviews.getState().addOutput(GM_T1, 'T1');
    // The gm group holds its default layers again, still above pq; pq is untouched.
    expect(listed()).toEqual(['o/gm:T1:B04+B03+B02', 'o/gm:T1:COUNT', 'o/pq:T1:clear']);
    expect(usePreviews.getState().layers[2]!.opacity).toBe(0.4);
  });

  it('adds another tile of a group inside the group', async () => {
    await usePreviews.getState().addOutput(GM_T1, 'T1');
    await usePreviews.getState().addOutput(PQ_T1, 'T1');
    await usePreviews.getState().addOutput(GM_T2, 'T2');
    expect(groupNames()).toEqual(['pq 1', 'gm 1']);
    expect(listed()).toEqual(['o/pq:T1:clear', 'o/gm:T2:B04+B03+B02', 'o/gm:T2:COUNT', 'o/gm:T1:B04+B03+B02', 'o/gm:T1:COUNT']);
  });

  it('moves layers within their group and groups as a whole, and hides a group', async () => {
    await usePreviews.getState().addOutput(GM_T1, 'T1');
    await usePreviews.getState().addOutput(PQ_T1, 'T1');
    const [clear, rgb, count] = usePreviews.getState().layers.map((l) => l.id);
    // pq's only layer stays where it is: a layer does not leave its group.
    usePreviews.getState().moveLayer(clear!, 1);
    expect(usePreviews.getState().layers.map((l) => l.id)).toEqual([clear, rgb, count]);
    usePreviews.getState().moveLayer(count!, -1);
    expect(usePreviews.getState().layers.map((l) => l.id)).toEqual([clear, count, rgb]);
    usePreviews.getState().moveGroup(groupOf(GM_T1), -1);
    expect(usePreviews.getState().layers.map((l) => l.id)).toEqual([count, rgb, clear]);
    usePreviews.getState().moveGroup(groupOf(GM_T1), -1);
    expect(usePreviews.getState().layers.map((l) => l.id)).toEqual([count, rgb, clear]);
    usePreviews.getState().setGroupVisible(groupOf(PQ_T1), false);
    expect(usePreviews.getState().hiddenGroups).toEqual([groupOf(PQ_T1)]);
    // A new run of the group shows it again.
    await usePreviews.getState().addOutput(PQ_T1, 'T1');
    expect(usePreviews.getState().hiddenGroups).toEqual([]);
  });

  it('swipes between two layers while both exist, the divider kept on the map', async () => {
    await usePreviews.getState().addOutput(GM_T1, 'T1');
    await usePreviews.getState().addOutput(PQ_T1, 'T1');
    const [clear, rgb] = usePreviews.getState().layers.map((l) => l.id);
    usePreviews.getState().setSwipe({ left: rgb!, right: clear!, position: 1.5 });
    expect(usePreviews.getState().swipe).toEqual({ left: rgb, right: clear, position: 1 });
    usePreviews.getState().remove(clear!);
    expect(usePreviews.getState().swipe).toBeNull();
  });

  it('fetches a band’s histogram once, again after a rerun', async () => {
    await usePreviews.getState().addOutput(PQ_T1, 'T1');
    await usePreviews.getState().loadHistogram(PQ_T1, 'clear');
    await usePreviews.getState().loadHistogram(PQ_T1, 'clear');
    expect(histogramsAsked).toBe(1);
    expect(usePreviews.getState().histograms[histogramKey(PQ_T1, 'clear')]).toMatchObject({ p2: 0.2, p98: 9.8 });
    await usePreviews.getState().addOutput(PQ_T1, 'T1');
    await usePreviews.getState().loadHistogram(PQ_T1, 'clear');
    expect(histogramsAsked).toBe(2);
  });

  function groupOf(stacItem: string): string {
    const { layers, outputs } = usePreviews.getState();
    return groupIdOfLayer(layers.find((l) => l.stacItem === stacItem)!, outputs);
  }

  it('says there is nothing to inspect before a run', async () => {
    await usePreviews.getState().inspectAt(1, 2);
    expect(usePreviews.getState().inspection?.error).toMatch(/run a tile first/);
  });
});
