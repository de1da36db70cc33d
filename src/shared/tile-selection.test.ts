import { describe, expect, it } from 'vitest';
import { UserError } from './errors.js';
import { parseGrid } from './grid.js';
import { clampTileSelection, parseTileSelection, tileInSelection } from './tile-selection.js';

describe('--tiles', () => {
  it('parses half-open ranges, negatives included', () => {
    expect(parseTileSelection('10:12,-5:-3')).toEqual({ x0: 10, x1: 12, y0: -5, y1: -3 });
  });

  it('is half-open: the end index is not selected', () => {
    const s = parseTileSelection('10:12,-5:-3');
    expect(tileInSelection({ x: 10, y: -5 }, s)).toBe(true);
    expect(tileInSelection({ x: 11, y: -4 }, s)).toBe(true);
    expect(tileInSelection({ x: 12, y: -4 }, s)).toBe(false);
    expect(tileInSelection({ x: 11, y: -3 }, s)).toBe(false);
  });

  it.each(['10:12', '10-12,1:2', 'a:b,1:2', '3:3,1:2', '5:4,1:2', ''])('rejects %j with one line', (text) => {
    expect(() => parseTileSelection(text)).toThrow(UserError);
    try {
      parseTileSelection(text);
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
      expect((e as Error).message).toContain('--tiles');
    }
  });
});

describe('--tiles on a grid', () => {
  const africa10 = parseGrid('africa-10');

  it('cuts a range to the tiles the grid has (362 x 154 for africa-10)', () => {
    expect(clampTileSelection(africa10, parseTileSelection('0:100000000,0:100000000'))).toEqual({ x0: 0, x1: 362, y0: 0, y1: 154 });
    expect(clampTileSelection(africa10, parseTileSelection('200:210,-5:3'))).toEqual({ x0: 200, x1: 210, y0: 0, y1: 3 });
  });

  it('refuses a range wholly outside the grid, naming the valid one', () => {
    expect(() => clampTileSelection(africa10, parseTileSelection('1000:1001,0:1'))).toThrow(
      new UserError('--tiles 1000:1001,0:1 lies outside grid africa-10, whose tiles are 0:362,0:154'),
    );
  });
});
