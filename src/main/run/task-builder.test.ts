import { describe, expect, it } from 'vitest';
import { reduceThreadCount, taskProcessCount } from './task-builder.js';

describe('taskProcessCount', () => {
  it('runs one process per CPU where threads is absent, zero or negative, and never more than the tasks', () => {
    expect(taskProcessCount(undefined, Infinity, 8)).toBe(8);
    expect(taskProcessCount(0, Infinity, 8)).toBe(8);
    expect(taskProcessCount(-1, Infinity, 8)).toBe(8);
    expect(taskProcessCount(3, Infinity, 8)).toBe(3);
    expect(taskProcessCount(undefined, 2, 8)).toBe(2);
  });
});

describe('reduceThreadCount', () => {
  it('takes threads_per_task where it is given', () => {
    expect(reduceThreadCount(3, 1, 2)).toBe(3);
    expect(reduceThreadCount(1, 1, 16)).toBe(1);
  });

  it('shares the CPUs out among the task processes, less the one each task thread keeps busy', () => {
    // One process on 16 CPUs: 15 reduce threads beside the task's own.
    expect(reduceThreadCount(undefined, 1, 16)).toBe(15);
    // Four processes on 16 CPUs: 4 CPUs each.
    expect(reduceThreadCount(undefined, 4, 16)).toBe(3);
    // One process on 2 CPUs, or a process per CPU (odc-stats' default): the task's thread reduces.
    expect(reduceThreadCount(undefined, 1, 2)).toBe(1);
    expect(reduceThreadCount(undefined, undefined, 16)).toBe(1);
    expect(reduceThreadCount(0, 32, 16)).toBe(1);
  });
});
