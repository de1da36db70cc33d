import { describe, expect, it } from 'vitest';
import { parseGrid } from '../../shared/grid.js';
import { formatLatLon, gridOrNull, gridPosition } from './coordinates.js';

describe('coordinates', () => {
  it('writes lat, lon with hemispheres', () => {
    expect(formatLatLon(36.8219, -1.2833)).toBe('1.28330° S, 36.82190° E');
    expect(formatLatLon(-0.5, 51.5, 2)).toBe('51.50° N, 0.50° W');
  });

  it('places a point in the grid CRS and its tile', () => {
    const grid = parseGrid('africa-10');
    const position = gridPosition(grid, 37.3, -1.8)!;
    expect(position.tile).toEqual({ x: 218, y: 74 });
    expect(position.x).toBeCloseTo(3_599_000, -4);
    expect(gridPosition(parseGrid('epsg:32737;10;1000'), 39, -1)!.x).toBeCloseTo(500_000, 0);
  });

  it('reads a grid name, or gives null', () => {
    expect(gridOrNull('africa-10')?.crs).toBe('EPSG:6933');
    expect(gridOrNull('africa-1')).toBeNull();
  });
});
