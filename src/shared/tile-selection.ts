import { UserError } from './errors.js';
import { intersectTileRanges, tileRangeIsEmpty, validTileRange, type GridSpec, type TileIndex } from './grid.js';

/** Half-open ranges of tile indices, as given by `--tiles x0:x1,y0:y1`. */
export interface TileSelection {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

const INTEGER = /^[+-]?\d+$/;

export function parseTileSelection(text: string): TileSelection {
  const fail = (): never => {
    throw new UserError(`invalid --tiles '${text}': expected x0:x1,y0:y1 (half-open ranges of tile indices, e.g. 10:12,-5:-3)`);
  };
  const parts = text.split(',');
  if (parts.length !== 2) fail();
  const ranges = parts.map((p) => {
    const ends = p.trim().split(':');
    if (ends.length !== 2 || !INTEGER.test(ends[0]!) || !INTEGER.test(ends[1]!)) return fail();
    const lo = Number(ends[0]);
    const hi = Number(ends[1]);
    if (hi <= lo) throw new UserError(`invalid --tiles '${text}': empty range ${lo}:${hi} (the end is exclusive)`);
    return [lo, hi] as const;
  });
  const [[x0, x1], [y0, y1]] = ranges as [readonly [number, number], readonly [number, number]];
  return { x0, x1, y0, y1 };
}

export function tileInSelection(tile: TileIndex, s: TileSelection): boolean {
  return tile.x >= s.x0 && tile.x < s.x1 && tile.y >= s.y0 && tile.y < s.y1;
}

function formatTileSelection(s: TileSelection): string {
  return `${s.x0}:${s.x1},${s.y0}:${s.y1}`;
}

/**
 * The selection cut to the tiles the grid has (its CRS's valid extent), so that a range such as
 * 0:100000000 costs no more than the whole grid; refused when it has none of them.
 */
export function clampTileSelection(grid: GridSpec, s: TileSelection): TileSelection {
  const valid = validTileRange(grid);
  const clamped = intersectTileRanges(s, valid);
  if (tileRangeIsEmpty(clamped)) {
    throw new UserError(`--tiles ${formatTileSelection(s)} lies outside grid ${grid.name}, whose tiles are ${formatTileSelection(valid)}`);
  }
  return clamped;
}
