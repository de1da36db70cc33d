import { describe, expect, it } from 'vitest';
import { formatDuration, runProgress } from './run-progress.js';

describe('run progress', () => {
  it('counts ended tasks whole and a running one by its chunks, and projects the pace so far', () => {
    const progress = runProgress(
      {
        a: { state: 'finished', chunks: { done: 3, total: 4 } },
        b: { state: 'running', chunks: { done: 1, total: 4 } },
        c: { state: 'queued' },
        d: { state: 'failed' },
      },
      30,
      null,
    );
    // Done: a (1) + b (1/4) + d (1) of 4 tasks = 0.5625; 30 s for that leaves 30 × 0.4375 / 0.5625 s.
    expect(progress).toEqual({ tasksEnded: 2, tasksTotal: 4, chunksDone: 5, chunksTotal: 8, fraction: 0.5625, secondsLeft: (30 * 0.4375) / 0.5625 });
  });

  it('leaves what the estimate says before any progress, and nothing once every task has ended', () => {
    expect(runProgress({ a: { state: 'running' } }, 5, 60).secondsLeft).toBe(55);
    expect(runProgress({ a: { state: 'running' } }, 5, null).secondsLeft).toBeNull();
    expect(runProgress({ a: { state: 'cancelled' } }, 5, 60).secondsLeft).toBe(0);
  });

  it('writes durations as people read them', () => {
    expect(formatDuration(44.6)).toBe('45 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(7500)).toBe('2 h 05 min');
  });
});
