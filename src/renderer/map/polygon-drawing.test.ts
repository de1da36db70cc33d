import { describe, expect, it } from 'vitest';
import { onSameSpot, polygonCorners, regionProblem, type LonLat } from './geometry-draw.js';

/** A screen at 100 px a degree. */
const toScreen = ([lon, lat]: LonLat) => ({ x: lon * 100, y: -lat * 100 });

describe('polygonCorners', () => {
  it('drops the corner a double-click repeats, and a last click on the first corner', () => {
    const clicked: LonLat[] = [
      [0, 0],
      [1, 0],
      [1, 1],
      [1.01, 1.01],
    ];
    expect(polygonCorners(clicked, toScreen)).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(polygonCorners([...clicked.slice(0, 3), [0.02, 0]], toScreen)).toEqual(clicked.slice(0, 3));
  });

  it('keeps corners further apart than the tolerance', () => {
    const clicked: LonLat[] = [
      [0, 0],
      [0.1, 0],
      [0.1, 0.1],
    ];
    expect(polygonCorners(clicked, toScreen)).toEqual(clicked);
  });
});

describe('onSameSpot', () => {
  it('takes points within the tolerance in screen pixels as one', () => {
    // 0.03° apart is 3 px on this screen, 0.05° is 5 px.
    expect(onSameSpot([1, 1], [1.03, 1], toScreen)).toBe(true);
    expect(onSameSpot([1, 1], [1.05, 1], toScreen)).toBe(false);
    expect(onSameSpot([1, 1], [1.05, 1], toScreen, 5)).toBe(true);
  });
});

describe('regionProblem', () => {
  it('says why a bow-tie is refused, and nothing for a good ring', () => {
    const bowTie = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    expect(regionProblem({ type: 'Polygon', coordinates: [bowTie] })).toMatch(/^it crosses itself near \[.*\]; redraw it without a loop or bow-tie$/);
    expect(regionProblem({ type: 'MultiPolygon', coordinates: [[bowTie]] })).toMatch(/^polygon 1 crosses itself/);
    expect(
      regionProblem({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      }),
    ).toBeNull();
  });
});
