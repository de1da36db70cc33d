import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import { closing, dilation, diskHalfWidths, erosion, filtersReach, maskCleanup, opening, parseMaskFilters, type MaskFilter } from './morphology.js';

interface Picture {
  mask: Uint8Array;
  width: number;
  height: number;
}

/** Rows of '#' (1) and '.' (0). */
function picture(rows: readonly string[]): Picture {
  const height = rows.length;
  const width = rows[0]!.length;
  const mask = new Uint8Array(width * height);
  rows.forEach((row, y) => {
    if (row.length !== width) throw new Error(`row ${y} is not ${width} wide`);
    for (let x = 0; x < width; x++) mask[y * width + x] = row[x] === '#' ? 1 : 0;
  });
  return { mask, width, height };
}

function rowsOf(mask: Uint8Array, width: number): string[] {
  const rows: string[] = [];
  for (let start = 0; start < mask.length; start += width) {
    rows.push([...mask.subarray(start, start + width)].map((v) => (v ? '#' : '.')).join(''));
  }
  return rows;
}

type Operation = (mask: Uint8Array, width: number, height: number, radius: number) => Uint8Array;

function applied(operation: Operation, rows: readonly string[], radius: number): string[] {
  const { mask, width, height } = picture(rows);
  return rowsOf(operation(mask, width, height, radius), width);
}

/** The definition, pixel by pixel over the whole disk; pixels outside the image are skipped. */
function bruteForce(mask: Uint8Array, width: number, height: number, radius: number, kind: 'dilation' | 'erosion'): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let any = false;
      let all = true;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const sx = x + dx;
          const sy = y + dy;
          if (dx * dx + dy * dy > radius * radius || sx < 0 || sy < 0 || sx >= width || sy >= height) continue;
          if (mask[sy * width + sx]) any = true;
          else all = false;
        }
      }
      out[y * width + x] = (kind === 'dilation' ? any : all) ? 1 : 0;
    }
  }
  return out;
}

/** A reproducible pseudo-random mask with about `density` of its pixels set. */
function speckled(width: number, height: number, density: number, seed: number): Uint8Array {
  let state = seed >>> 0;
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    mask[i] = state / 2 ** 32 < density ? 1 : 0;
  }
  return mask;
}

const dot7 = ['.......', '.......', '.......', '...#...', '.......', '.......', '.......'];

describe('diskHalfWidths', () => {
  it('is the disk of skimage: dx² + dy² ≤ r²', () => {
    expect([...diskHalfWidths(0)]).toEqual([0]);
    expect([...diskHalfWidths(1)]).toEqual([0, 1, 0]);
    expect([...diskHalfWidths(2)]).toEqual([0, 1, 2, 1, 0]);
    expect([...diskHalfWidths(3)]).toEqual([0, 2, 2, 3, 2, 2, 0]);
    // 13 and 29 pixels, as skimage.morphology.disk(2) and disk(3).
    const area = (r: number): number => [...diskHalfWidths(r)].reduce((sum, w) => sum + 2 * w + 1, 0);
    expect(area(2)).toBe(13);
    expect(area(3)).toBe(29);
    expect(area(5)).toBe(81);
  });
});

describe('dilation', () => {
  it('grows a pixel into a plus with r = 1', () => {
    expect(applied(dilation, dot7, 1)).toEqual(['.......', '.......', '...#...', '..###..', '...#...', '.......', '.......']);
  });

  it('grows a pixel into the 13-pixel disk with r = 2', () => {
    expect(applied(dilation, dot7, 2)).toEqual(['.......', '...#...', '..###..', '.#####.', '..###..', '...#...', '.......']);
  });

  it('grows a pixel into the 29-pixel disk with r = 3', () => {
    expect(applied(dilation, dot7, 3)).toEqual(['...#...', '.#####.', '.#####.', '#######', '.#####.', '.#####.', '...#...']);
  });

  it('clips the disk at the image edge', () => {
    expect(applied(dilation, ['#....', '.....', '.....', '....#'], 2)).toEqual(['###..', '##..#', '#..##', '..###']);
  });

  it('leaves the mask as it is with r = 0, and an empty mask empty', () => {
    expect(applied(dilation, dot7, 0)).toEqual(dot7);
    expect(applied(dilation, ['....', '....'], 3)).toEqual(['....', '....']);
  });

  it('fills the image from one pixel when the disk is larger than the image', () => {
    expect(applied(dilation, ['#...', '....', '....'], 1000)).toEqual(['####', '####', '####']);
  });
});

describe('erosion', () => {
  const block = ['.........', '.........', '..#####..', '..#####..', '..#####..', '..#####..', '..#####..', '.........', '.........'];

  it('shrinks a 5×5 block to 3×3 with r = 1', () => {
    expect(applied(erosion, block, 1)).toEqual(['.........', '.........', '.........', '...###...', '...###...', '...###...', '.........', '.........', '.........']);
  });

  it('removes a 5×5 block with r = 3, which does not fit in it', () => {
    expect(applied(erosion, block, 3).join('')).not.toContain('#');
  });

  it('does not eat a mask away from the image edge (outside counts as set)', () => {
    expect(applied(erosion, ['#####', '#####', '#####', '#####'], 2)).toEqual(['#####', '#####', '#####', '#####']);
    expect(applied(erosion, ['###....', '###....', '###....', '###....', '###....'], 1)).toEqual([
      '##.....',
      '##.....',
      '##.....',
      '##.....',
      '##.....',
    ]);
  });

  it('erodes from a clear pixel inside', () => {
    expect(applied(erosion, ['#####', '#####', '##.##', '#####', '#####'], 1)).toEqual(['#####', '##.##', '#...#', '##.##', '#####']);
  });
});

describe('opening and closing', () => {
  it('opening removes an isolated pixel and keeps what holds the disk', () => {
    const rows = ['..........', '.#........', '..........', '....#####.', '....#####.', '....#####.', '....#####.', '....#####.', '..........'];
    // The 5×5 block loses its corners: only the plus-shaped disk of r = 1 is swept inside it.
    expect(applied(opening, rows, 1)).toEqual([
      '..........',
      '..........',
      '..........',
      '.....###..',
      '....#####.',
      '....#####.',
      '....#####.',
      '.....###..',
      '..........',
    ]);
  });

  it('opening keeps a disk of the same radius exactly', () => {
    const disk2 = ['.......', '...#...', '..###..', '.#####.', '..###..', '...#...', '.......'];
    expect(applied(opening, disk2, 2)).toEqual(disk2);
    expect(applied(opening, disk2, 3).join('')).not.toContain('#');
  });

  it('closing fills a one-pixel hole and keeps the outline', () => {
    const rows = ['.........', '.........', '..#####..', '..#####..', '..##.##..', '..#####..', '..#####..', '.........', '.........'];
    expect(applied(closing, rows, 1)).toEqual(['.........', '.........', '..#####..', '..#####..', '..#####..', '..#####..', '..#####..', '.........', '.........']);
  });

  it('closing bridges a gap against the edge without eroding from outside', () => {
    expect(applied(closing, ['##.##'], 1)).toEqual(['#####']);
    expect(applied(closing, ['#...#'], 1)).toEqual(['#...#']);
  });
});

describe('fast morphology against the definition', () => {
  // Widths around the 32-pixel words the rows are packed into, radii past one word of margin.
  const shapes: Array<[width: number, height: number]> = [
    [1, 1],
    [1, 9],
    [13, 1],
    [31, 5],
    [32, 7],
    [33, 6],
    [65, 23],
    [100, 9],
  ];
  for (const [width, height] of shapes) {
    for (const radius of [1, 2, 3, 5, 8, 31, 32, 33, 40]) {
      it(`matches on ${width} × ${height} with r = ${radius}`, () => {
        for (const [seed, density] of [
          [1, 0.03],
          [2, 0.5],
          [3, 0.97],
        ] as const) {
          const mask = speckled(width, height, density, seed + radius * 101 + width);
          expect(dilation(mask, width, height, radius)).toEqual(bruteForce(mask, width, height, radius, 'dilation'));
          expect(erosion(mask, width, height, radius)).toEqual(bruteForce(mask, width, height, radius, 'erosion'));
        }
      });
    }
  }

  it('treats any non-zero byte as set and refuses a mask of the wrong size or a bad radius', () => {
    expect([...dilation(Uint8Array.of(0, 255, 0), 3, 1, 1)]).toEqual([1, 1, 1]);
    expect(() => dilation(new Uint8Array(5), 2, 2, 1)).toThrow(RangeError);
    expect(() => erosion(new Uint8Array(4), 2, 2, -1)).toThrow(RangeError);
    expect(() => erosion(new Uint8Array(4), 2, 2, 1.5)).toThrow(RangeError);
  });
});

describe('maskCleanup', () => {
  const rows = ['............', '.#..........', '............', '......###...', '......###...', '......###...', '............', '............'];

  it('applies the filters in order', () => {
    const { mask, width, height } = picture(rows);
    const cleaned = maskCleanup(mask, width, height, [
      ['opening', 1],
      ['dilation', 1],
    ]);
    expect(rowsOf(cleaned, width)).toEqual(rowsOf(dilation(opening(mask, width, height, 1), width, height, 1), width));
    expect(rowsOf(cleaned, width)).toEqual([
      '............',
      '............',
      '.......#....',
      '......###...',
      '.....#####..',
      '......###...',
      '.......#....',
      '............',
    ]);
  });

  it('skips steps of radius 0, as clear_0_5 relies on', () => {
    const { mask, width, height } = picture(rows);
    expect(maskCleanup(mask, width, height, [['opening', 0], ['dilation', 2]])).toEqual(dilation(mask, width, height, 2));
  });

  it('returns a new 0/1 mask and leaves the input alone', () => {
    const mask = Uint8Array.of(0, 7, 0, 0);
    const cleaned = maskCleanup(mask, 2, 2, []);
    expect([...cleaned]).toEqual([0, 1, 0, 0]);
    cleaned[0] = 1;
    expect([...mask]).toEqual([0, 7, 0, 0]);
  });
});

describe('parseMaskFilters', () => {
  it("reads odc-stats' YAML form", () => {
    const filters: MaskFilter[] = parseMaskFilters(
      [
        ['opening', 2],
        ['dilation', 5],
      ],
      'cloud_filters',
    );
    expect(filters).toEqual([
      ['opening', 2],
      ['dilation', 5],
    ]);
    expect(parseMaskFilters([['closing', 10], ['erosion', 0]], 'filters')).toEqual([
      ['closing', 10],
      ['erosion', 0],
    ]);
    expect(parseMaskFilters([], 'filters')).toEqual([]);
  });

  it('names the key and the problem', () => {
    const messageOf = (value: unknown): string => {
      try {
        parseMaskFilters(value, 'cloud_filters.cloud');
      } catch (e) {
        if (e instanceof UserError) return e.message;
        throw e;
      }
      throw new Error('expected a UserError');
    };
    expect(messageOf('opening')).toMatch(/^cloud_filters\.cloud: expected a list of \[operation, radius\] pairs .* got "opening"$/);
    expect(messageOf(undefined)).toContain('got nothing');
    expect(messageOf([['opening', 2, 3]])).toMatch(/^cloud_filters\.cloud\[0\]: expected an \[operation, radius\] pair/);
    expect(messageOf([['opening', 2], 'dilation'])).toMatch(/^cloud_filters\.cloud\[1\]: /);
    expect(messageOf([['dilate', 5]])).toBe('cloud_filters.cloud[0]: unknown operation "dilate": expected one of opening, closing, dilation, erosion');
    expect(messageOf([['dilation', -1]])).toContain('cloud_filters.cloud[0]: the radius of dilation must be a whole number of pixels, 0 or more, got -1');
    expect(messageOf([['dilation', 1.5]])).toContain('got 1.5');
    expect(messageOf([['dilation', '5']])).toContain('got "5"');
  });
});

describe('filtersReach', () => {
  it('counts opening and closing twice, dilation and erosion once', () => {
    // odc-stats' S2 default: opening 2 (2 + 2) then dilation 5 → 9 pixels.
    expect(filtersReach([['opening', 2], ['dilation', 5]])).toBe(9);
    expect(filtersReach([['closing', 1], ['erosion', 3]])).toBe(5);
    expect(filtersReach([])).toBe(0);
  });
});
