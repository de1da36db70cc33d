import { describe, expect, it } from 'vitest';
import type { FakeTask } from '../test-support/fake-worker.js';
import { spawnNodeTaskProcess } from './task-process-node.js';
import { runPool, type PoolJob } from './task-process-pool.js';

const spawn = () => spawnNodeTaskProcess(new URL('../test-support/fake-worker.ts', import.meta.url));

function jobs(...tasks: FakeTask[]): Array<PoolJob<FakeTask>> {
  return tasks.map((task, i) => ({ key: `t${i}`, task }));
}

describe('task process pool', () => {
  it('runs every job once, on at most `processes` processes at a time', async () => {
    let running = 0;
    let most = 0;
    const results = await runPool(spawn, jobs(...Array.from({ length: 6 }, () => ({ ms: 150, end: 'finish' as const }))), { processes: 2 }, {
      onStart: () => {
        running++;
        most = Math.max(most, running);
      },
      onResult: () => running--,
    });
    expect(results.map((r) => r.key).sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    expect(results.every((r) => r.status === 'finished')).toBe(true);
    expect(most).toBe(2);
  });

  it('keeps going when a task fails or its process crashes, and says why', async () => {
    const results = await runPool(
      spawn,
      jobs({ ms: 10, end: 'fail' }, { ms: 10, end: 'crash' }, { ms: 10, end: 'finish' }, { ms: 10, end: 'finish' }),
      { processes: 2 },
    );
    const byKey = Object.fromEntries(results.map((r) => [r.key, r]));
    expect(byKey['t0']).toEqual({ key: 't0', status: 'failed', error: 'task t0 failed on purpose' });
    expect(byKey['t1']).toEqual({ key: 't1', status: 'failed', error: 'worker process exited (code 3) while running the task' });
    expect(byKey['t2']!.status).toBe('finished');
    expect(byKey['t3']!.status).toBe('finished');
  });

  it('fails a task that runs past max_processing_time, and runs the next', async () => {
    const results = await runPool(spawn, jobs({ ms: 0, end: 'hang' }, { ms: 10, end: 'finish' }), { processes: 1, maxProcessingSeconds: 1 });
    expect(results).toEqual([
      { key: 't0', status: 'failed', error: 'exceeded max_processing_time of 1 s' },
      expect.objectContaining({ key: 't1', status: 'finished' }),
    ]);
  });

  it('stops taking jobs when cancelled', async () => {
    const controller = new AbortController();
    const pending = runPool(spawn, jobs({ ms: 0, end: 'hang' }, { ms: 10, end: 'finish' }), { processes: 1, signal: controller.signal });
    setTimeout(() => controller.abort(), 1500);
    const results = await pending;
    expect(results).toEqual([{ key: 't0', status: 'failed', error: 'cancelled' }]);
  });

  it('asks the tasks it gives up to stop; kills one that does not answer within the grace, and removes what it left', async () => {
    const controller = new AbortController();
    const cleanedUp: FakeTask[] = [];
    const answering: FakeTask = { ms: 60_000, end: 'finish' };
    const deaf: FakeTask = { ms: 0, end: 'hang' };
    let started = 0;
    const results = await runPool(
      spawn,
      jobs(answering, deaf),
      {
        processes: 2,
        signal: controller.signal,
        cancelGraceMs: 500,
        removeUnfinishedOutputs: async (task) => {
          cleanedUp.push(task);
        },
      },
      { onProgress: () => ++started === 2 && controller.abort() },
    );
    expect(results.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 't0', status: 'failed', error: 'cancelled' },
      { key: 't1', status: 'failed', error: 'cancelled' },
    ]);
    expect(cleanedUp).toEqual([deaf]);
  });
  it('cancels one job by its own signal: one waiting is not run, one running is given up and cleaned up; the others run', async () => {
    const cancelledBeforeStart = new AbortController();
    cancelledBeforeStart.abort();
    const cancelledRunning = new AbortController();
    const deaf: FakeTask = { ms: 0, end: 'hang' };
    const cleanedUp: FakeTask[] = [];
    const started: string[] = [];
    const cancelJobs: Array<PoolJob<FakeTask>> = [
      { key: 't0', task: { ms: 60_000, end: 'finish' }, signal: cancelledRunning.signal },
      { key: 't1', task: deaf, signal: cancelledRunning.signal },
      { key: 't2', task: { ms: 10, end: 'finish' }, signal: cancelledBeforeStart.signal },
      { key: 't3', task: { ms: 10, end: 'finish' } },
    ];
    const results = await runPool(
      spawn,
      cancelJobs,
      { processes: 2, cancelGraceMs: 500, removeUnfinishedOutputs: async (task) => void cleanedUp.push(task) },
      {
        onStart: (key) => started.push(key),
        onProgress: (key) => key === 't1' && cancelledRunning.abort(),
      },
    );
    expect(Object.fromEntries(results.map((r) => [r.key, r.status === 'failed' ? r.error : r.status]))).toEqual({
      t0: 'cancelled',
      t1: 'cancelled',
      t2: 'cancelled',
      t3: 'finished',
    });
    expect(started).not.toContain('t2');
    // The answering task removed its own outputs; the one that did not answer was killed and cleaned up after.
    expect(cleanedUp).toEqual([deaf]);
  });
});
