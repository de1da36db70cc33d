import { describe, expect, it } from 'vitest';
import type { ObservationChunk } from './plugins/plugin.js';
import { chunkRows, rowRuns } from './reduce-threads.js';

describe('rowRuns', () => {
  it('cuts rows into runs of nearly equal length that cover them once', () => {
    expect(rowRuns(512, 4)).toEqual([
      [0, 128],
      [128, 256],
      [256, 384],
      [384, 512],
    ]);
    expect(rowRuns(50, 3)).toEqual([
      [0, 17],
      [17, 33],
      [33, 50],
    ]);
  });

  it('makes no run shorter than 16 rows, and one run of a chunk shorter than that', () => {
    expect(rowRuns(40, 8)).toEqual([
      [0, 20],
      [20, 40],
    ]);
    expect(rowRuns(5, 4)).toEqual([[0, 5]]);
  });
});

describe('chunkRows', () => {
  it('views a run of rows with the halo around it, on the grid of those rows', () => {
    // A chunk of 3 × 4 px with a halo of 1: 5 × 6 px, pixel (x, y) holding 10 y + x.
    const values = Uint16Array.from({ length: 30 }, (_, i) => 10 * Math.floor(i / 5) + (i % 5));
    const chunk: ObservationChunk = {
      geobox: { crs: 'EPSG:32737', affine: [10, 0, 500_000, 0, -10, 9_000_000], width: 5, height: 6 },
      days: ['2021-01-01'],
      bands: { B04: [values] },
      nodata: { B04: 0 },
    };
    // Rows 1…3 of the chunk less its halo: padded rows 1 to 4 (the halo row above and below).
    const part = chunkRows(chunk, 1, 1, 3);
    expect(part.geobox).toEqual({ crs: 'EPSG:32737', affine: [10, 0, 500_000, 0, -10, 8_999_990], width: 5, height: 4 });
    expect([...part.bands['B04']![0]!]).toEqual([10, 11, 12, 13, 14, 20, 21, 22, 23, 24, 30, 31, 32, 33, 34, 40, 41, 42, 43, 44]);
    // A view, not a copy.
    expect(part.bands['B04']![0]!.buffer).toBe(values.buffer);
    expect(part.days).toEqual(['2021-01-01']);
    expect(part.nodata).toEqual({ B04: 0 });
  });
});
