import { describe, expect, it } from 'vitest';
import { UserError } from './errors.js';
import { formatTaskId, parseTaskId, parseTaskSelector, selectTasks, type TaskId, type TaskSelector } from './task-id.js';

interface CachedTask extends TaskId {
  datasets: number;
}

const TILES: Array<[number, number]> = [
  [-2, 7],
  [3, -4],
  [3, 4],
  [10, 0],
  [10, 1],
  [12, 3],
];

/** Twelve tasks as the task cache lists them: by period, then x, then y. */
const TASKS: CachedTask[] = ['2020--P1Y', '2021--P1Y'].flatMap((period, p) =>
  TILES.map(([x, y], t) => ({ period, x, y, datasets: p * 6 + t })),
);

function pick(...selectors: string[]): number[] {
  return selectTasks(TASKS, selectors.map(parseTaskSelector)).map((task) => task.datasets);
}

describe('formatTaskId', () => {
  it('writes PERIOD/X/Y with at least two digits, as odc-stats writes tile_idx', () => {
    expect(formatTaskId({ period: '2021--P1Y', x: 3, y: 4 })).toBe('2021--P1Y/03/04');
    expect(formatTaskId({ period: '2021--P1Y', x: 217, y: 75 })).toBe('2021--P1Y/217/75');
    expect(formatTaskId({ period: '2020-12--P3M', x: -4, y: -123 })).toBe('2020-12--P3M/-4/-123');
    expect(formatTaskId({ period: '2021--P1Y', x: 0, y: -10 })).toBe('2021--P1Y/00/-10');
  });
});

describe('parseTaskId', () => {
  it('reads the slash, comma and path forms', () => {
    const expected = { period: '2021--P1Y', x: 3, y: -4 };
    expect(parseTaskId('2021--P1Y/3/-4')).toEqual(expected);
    expect(parseTaskId('2021--P1Y/03/-04')).toEqual(expected);
    expect(parseTaskId('2021--P1Y,+3,-4')).toEqual(expected);
    expect(parseTaskId('2021--P1Y,+003,-004')).toEqual(expected);
    expect(parseTaskId('x+003/y-004/2021--P1Y')).toEqual(expected);
    expect(parseTaskId('x3,y-4,2021--P1Y')).toEqual(expected);
    expect(parseTaskId('x-03/y+04/2020-01--P3M')).toEqual({ period: '2020-01--P3M', x: -3, y: 4 });
  });

  it('gives the period its canonical label', () => {
    expect(parseTaskId('2021--P12M/1/2').period).toBe('2021--P1Y');
    expect(parseTaskId('2021--1Y/1/2').period).toBe('2021--P1Y');
  });

  it('reads back what formatTaskId writes', () => {
    for (const task of TASKS) {
      const { period, x, y } = task;
      expect(parseTaskId(formatTaskId(task))).toEqual({ period, x, y });
    }
  });

  it('refuses malformed ids with a message naming them', () => {
    expect(() => parseTaskId('2021--P1Y/3')).toThrow(UserError);
    expect(() => parseTaskId('2021--P1Y/3')).toThrow("invalid task '2021--P1Y/3'");
    expect(() => parseTaskId('2021--P1Y/3/4/5')).toThrow(UserError);
    expect(() => parseTaskId('2021--P1Y/3/4.5')).toThrow('whole numbers');
    expect(() => parseTaskId('2021--P1Y/three/4')).toThrow('whole numbers');
    expect(() => parseTaskId('2021/3/4')).toThrow("invalid task '2021/3/4': invalid temporal range '2021'");
  });
});

describe('parseTaskSelector', () => {
  it('tells ids, indices and slices apart', () => {
    expect(parseTaskSelector('2021--P1Y/3/4')).toEqual({ kind: 'id', id: { period: '2021--P1Y', x: 3, y: 4 } });
    expect(parseTaskSelector('5')).toEqual({ kind: 'index', index: 5 });
    expect(parseTaskSelector('-1')).toEqual({ kind: 'index', index: -1 });
    expect(parseTaskSelector(':100')).toEqual({ kind: 'slice', stop: 100 });
    expect(parseTaskSelector('1::10')).toEqual({ kind: 'slice', start: 1, step: 10 });
    expect(parseTaskSelector('-5:')).toEqual({ kind: 'slice', start: -5 });
    expect(parseTaskSelector('::')).toEqual({ kind: 'slice' });
    expect(parseTaskSelector('2:8:-2')).toEqual({ kind: 'slice', start: 2, stop: 8, step: -2 });
  });

  it('refuses what is none of them', () => {
    for (const text of ['', 'five', '2021--P1Y', '1.5', '1:2:3:4', 'a:b', '1:x']) {
      expect(() => parseTaskSelector(text), text).toThrow(UserError);
    }
    expect(() => parseTaskSelector('five')).toThrow("invalid task selector 'five'");
    expect(() => parseTaskSelector('::0')).toThrow('the slice step cannot be zero');
  });
});

describe('selectTasks', () => {
  it('selects everything when there is no selector', () => {
    const all = selectTasks(TASKS, []);
    expect(all).toEqual(TASKS);
    expect(all).not.toBe(TASKS);
  });

  it('selects by index, counting from the end for negative ones', () => {
    expect(pick('0')).toEqual([0]);
    expect(pick('5')).toEqual([5]);
    expect(pick('11')).toEqual([11]);
    expect(pick('-1')).toEqual([11]);
    expect(pick('-12')).toEqual([0]);
  });

  it('refuses an index past either end', () => {
    expect(() => pick('12')).toThrow(UserError);
    expect(() => pick('12')).toThrow('task index 12 is out of range: the task cache has 12 tasks');
    expect(() => pick('-13')).toThrow('task index -13 is out of range');
  });

  it('selects slices as Python does', () => {
    expect(pick(':3')).toEqual([0, 1, 2]);
    expect(pick('1::5')).toEqual([1, 6, 11]);
    expect(pick('::4')).toEqual([0, 4, 8]);
    expect(pick('-2:')).toEqual([10, 11]);
    expect(pick('3:-7')).toEqual([3, 4]);
    expect(pick('-100:2')).toEqual([0, 1]);
    expect(pick('100:')).toEqual([]);
    expect(pick(':-100')).toEqual([]);
    expect(pick('7:3')).toEqual([]);
  });

  it('keeps the task order for slices that step backwards', () => {
    expect(pick('::-4')).toEqual([3, 7, 11]);
    expect(pick('5:2:-1')).toEqual([3, 4, 5]);
    expect(pick(':-3:-1')).toEqual([10, 11]);
  });

  it('selects by id in any of its forms', () => {
    expect(pick('2021--P1Y/3/-4')).toEqual([7]);
    expect(pick('2021--P1Y,+3,-4')).toEqual([7]);
    expect(pick('x+003/y-004/2021--P1Y')).toEqual([7]);
    expect(pick('x-02/y+07/2020--P1Y')).toEqual([0]);
  });

  it('answers the union of the selectors in task order, each task once', () => {
    expect(pick('8', '2021--P1Y/3/4', ':2', '1')).toEqual([0, 1, 8]);
    expect(pick('-1', '0')).toEqual([0, 11]);
  });

  it('keeps the caller’s task objects', () => {
    const [task] = selectTasks(TASKS, [{ kind: 'index', index: 4 }]);
    expect(task).toBe(TASKS[4]);
  });

  it('names an id that is not in the task cache', () => {
    expect(() => pick('2021--P1Y/3/5')).toThrow(UserError);
    expect(() => pick('2021--P1Y/3/5')).toThrow('task 2021--P1Y/03/05 is not in the task cache');
    expect(() => pick('2022--P1Y/3/4')).toThrow('task 2022--P1Y/03/04 is not in the task cache');
  });

  it('refuses a slice with a zero step built without the parser', () => {
    const zeroStep: TaskSelector = { kind: 'slice', step: 0 };
    expect(() => selectTasks(TASKS, [zeroStep])).toThrow(UserError);
  });
});
