import { describe, expect, it } from 'vitest';
import type { GridSpec } from './grid.js';
import { estimateWork } from './work-estimate.js';

const grid: GridSpec = { name: 'test', crs: 'EPSG:3577', resolution: 30, tileShape: 100, tileSize: 3000, origin: { x: 0, y: 0 } };

describe('work estimate', () => {
  it('counts pixels × fused observations, bytes read and the largest task', () => {
    // Two tasks: 5 datasets on 4 days, and 3 datasets on 3 days; every dataset has 4 bands.
    const e = estimateWork(grid, [{ datasets: 5, days: 4 }, { datasets: 3, days: 3 }], 8 * 4, 8);
    expect(e.pixelObservations).toBe(10_000 * 7);
    expect(e.bytesToRead).toBe(10_000 * 2 * 32);
    // 4 days × 4 bands × 2 bytes + 4 bands × 4 bytes, per pixel.
    expect(e.largestTaskBytes).toBe(10_000 * (4 * 4 * 2 + 4 * 4));
  });

  it('is zero for no tasks', () => {
    expect(estimateWork(grid, [], 0, 0)).toEqual({ pixelObservations: 0, bytesToRead: 0, largestTaskBytes: 0 });
  });
});
