import { describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../shared/api.js';
import { arrowStep, describeTile, insetOutline, startTile, taskAt, tileAfterStep } from './keyboard-cursor.js';

const task = (period: string, x: number, y: number, datasets = 4): TaskSummary => ({ id: `${period}/${x}/${y}`, period, x, y, datasets, days: 2 });
const TASKS = [task('2020--P1Y', 218, 74), task('2021--P1Y', 218, 74, 35), task('2021--P1Y', 218, 75, 1), task('2021--P1Y', 230, 60)];

describe('the tile cursor', () => {
  it('moves up the screen to the tile north (y + 1), and only for arrow keys', () => {
    const at = { x: 218, y: 74 };
    expect(tileAfterStep(at, arrowStep('ArrowUp')!)).toEqual({ x: 218, y: 75 });
    expect(tileAfterStep(at, arrowStep('ArrowDown')!)).toEqual({ x: 218, y: 73 });
    expect(tileAfterStep(at, arrowStep('ArrowLeft')!)).toEqual({ x: 217, y: 74 });
    expect(tileAfterStep(at, arrowStep('ArrowRight')!)).toEqual({ x: 219, y: 74 });
    expect(arrowStep('Enter')).toBeNull();
  });

  it('starts on the task of the period shown nearest the tile at the centre', () => {
    expect(startTile(TASKS, '2021--P1Y', { x: 225, y: 62 })).toEqual({ x: 230, y: 60 });
    expect(startTile(TASKS, '2021--P1Y', { x: 219, y: 76 })).toEqual({ x: 218, y: 75 });
    expect(startTile(TASKS, '2019--P1Y', { x: 218, y: 74 })).toBeNull();
  });

  it("finds a tile's task in the period shown, or in the first period when all are shown", () => {
    expect(taskAt(TASKS, '2021--P1Y', { x: 218, y: 74 })?.id).toBe('2021--P1Y/218/74');
    expect(taskAt(TASKS, null, { x: 218, y: 74 })?.id).toBe('2020--P1Y/218/74');
    expect(taskAt(TASKS, '2020--P1Y', { x: 218, y: 75 })).toBeUndefined();
  });

  it('says which tile it is on, its task and whether it is picked', () => {
    expect(describeTile({ x: 218, y: 74 }, TASKS[1], true)).toBe('Tile 218,74: 2021--P1Y, 35 datasets, picked');
    expect(describeTile({ x: 218, y: 75 }, TASKS[2], false)).toBe('Tile 218,75: 2021--P1Y, 1 dataset, not picked');
    expect(describeTile({ x: 1, y: 2 }, undefined, false)).toBe('Tile 1,2: no task planned');
  });

  it('draws its outline a little inside the tile', () => {
    const square = { type: 'Polygon' as const, coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]] };
    expect(insetOutline(square, [1, 1], 0.5).coordinates[0]).toEqual([[0.5, 0.5], [1.5, 0.5], [1.5, 1.5], [0.5, 1.5], [0.5, 0.5]]);
  });
});
