// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunEstimate, RunStartRequest } from '../../shared/api.js';
import { setApi } from '../api/api.js';
import { fakeApi } from '../test-support/fake-api.js';
import { resetStores } from '../test-support/reset-stores.js';
import { runStatusText, useRun } from './run-store.js';
import { useWorkspace } from './workspace-store.js';

const TASK = '2021--P1Y/218/74';
const OTHER = '2021--P1Y/218/75';

beforeEach(() => {
  resetStores();
  useWorkspace.getState().update({ cache: '/ws/plans/a.db', pickedTiles: [TASK, OTHER] });
});

/** An Api that estimates `estimate` and starts run r1, keeping what it was asked. */
function hostWith(estimate: Partial<RunEstimate>) {
  const started: RunStartRequest[] = [];
  const cancelled: Array<[string, string]> = [];
  const api = fakeApi({
    estimateRun: async (request) => ({ tasks: request.tasks.length, outputResolution: 10, pixelObservations: 1, seconds: 1, ...estimate }),
    startRun: async (request) => {
      started.push(request);
      return { runId: 'r1', location: '/ws/out' };
    },
    cancelTask: async (runId, task) => {
      cancelled.push([runId, task]);
      return true;
    },
  });
  setApi(api);
  return { started, cancelled };
}

describe('run store', () => {
  it('asks before a run whose pixels are finer than its data, with its estimated time; starts it once told to', async () => {
    const host = hostWith({ outputResolution: 10, inputResolution: 120, seconds: 1850 });
    await useRun.getState().start();
    expect(host.started).toEqual([]);
    expect(useRun.getState().warning).toBe(
      "This run computes 10 m pixels from data of 120 m pixels: 144 times the pixels of a run at 120 m, about 30 min 50 s with 2 workers. Set resolution: 120 in the YAML to run at the data's own pixel size.",
    );
    await useRun.getState().start(true);
    expect(host.started).toHaveLength(1);
    expect(useRun.getState()).toMatchObject({ status: 'running', warning: null, runId: 'r1' });
  });

  it('starts at once a run as coarse as its data, and forgets a warning once the YAML changes', async () => {
    const host = hostWith({ outputResolution: 120, inputResolution: 120 });
    await useRun.getState().start();
    expect(host.started).toHaveLength(1);
    useRun.setState({ warning: 'finer than the data' });
    useWorkspace.getState().update({ configYaml: 'plugin: pq\nresolution: 120\n' });
    expect(useRun.getState().warning).toBeNull();
  });

  it('never says "finished" of a run whose task failed, and keeps the run in the history', async () => {
    hostWith({});
    await useRun.getState().start();
    const { handleEvent } = useRun.getState();
    handleEvent({ type: 'task-result', runId: 'r1', task: TASK, status: 'failed', error: "dataset d has no asset 'B05' that plugin gm-s2 reads" });
    handleEvent({ type: 'task-result', runId: 'r1', task: OTHER, status: 'finished', stacItem: '/ws/out/b.json', seconds: 2 });
    handleEvent({ type: 'run-finished', runId: 'r1', summary: { finished: [OTHER], skipped: [], failed: [{ task: TASK, error: 'no B05' }] } });
    const { status, outcome, history } = useRun.getState();
    expect(runStatusText(status, outcome)).toBe('failed: 1 finished, 1 failed');
    expect(history).toEqual([
      expect.objectContaining({
        runId: 'r1',
        status: 'failed',
        location: '/ws/out',
        tasks: { [TASK]: { state: 'failed', error: "dataset d has no asset 'B05' that plugin gm-s2 reads" }, [OTHER]: { state: 'finished', stacItem: '/ws/out/b.json', seconds: 2 } },
      }),
    ]);
  });

  it('cancels one task through the host, and shows it cancelled when the host says so', async () => {
    const host = hostWith({});
    await useRun.getState().start();
    await useRun.getState().cancelTask(TASK);
    expect(host.cancelled).toEqual([['r1', TASK]]);
    const { handleEvent } = useRun.getState();
    handleEvent({ type: 'task-result', runId: 'r1', task: TASK, status: 'failed', error: 'cancelled' });
    handleEvent({ type: 'task-result', runId: 'r1', task: OTHER, status: 'finished', stacItem: '/ws/out/b.json', seconds: 2 });
    handleEvent({ type: 'run-finished', runId: 'r1', summary: { finished: [OTHER], skipped: [], failed: [{ task: TASK, error: 'cancelled' }] } });
    expect(useRun.getState().tasks[TASK]!.state).toBe('cancelled');
    expect(runStatusText(useRun.getState().status, useRun.getState().outcome)).toBe('cancelled: 1 finished, 1 cancelled');
  });

  it('keeps the chunks a task computes apart from its later stages', async () => {
    hostWith({});
    await useRun.getState().start();
    const { handleEvent } = useRun.getState();
    handleEvent({ type: 'task-progress', runId: 'r1', task: TASK, stage: 'computing', done: 3, total: 4 });
    handleEvent({ type: 'task-progress', runId: 'r1', task: TASK, stage: 'writing', done: 0, total: 1 });
    expect(useRun.getState().tasks[TASK]).toMatchObject({ stage: 'writing', chunks: { done: 3, total: 4 } });
  });
});
