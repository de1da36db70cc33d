import { describe, expect, it } from 'vitest';
import { formatArea, regionAreaKm2, regionBounds, regionLabelPoint } from './region-measure.js';

const box = (w: number, s: number, e: number, n: number) => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];

/** The area of a lon/lat quadrilateral on the WGS 84 ellipsoid, in km², from the authalic formula. */
function ellipsoidQuadArea(w: number, s: number, e: number, n: number): number {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const b = a * (1 - f);
  const ecc = Math.sqrt(2 * f - f * f);
  const q = (deg: number) => {
    const sin = Math.sin((deg * Math.PI) / 180);
    return sin / (1 - ecc * ecc * sin * sin) + (1 / (2 * ecc)) * Math.log((1 + ecc * sin) / (1 - ecc * sin));
  };
  return ((b * b * ((e - w) * Math.PI)) / 180 / 2) * (q(n) - q(s)) / 1e6;
}

describe('regionAreaKm2', () => {
  it('measures on the ellipsoid', () => {
    const area = regionAreaKm2({ type: 'Polygon', coordinates: [box(36.95, -1.9, 37.6, -1.2)] })!;
    expect(area).toBeCloseTo(ellipsoidQuadArea(36.95, -1.9, 37.6, -1.2), 1);
    expect(area).toBeGreaterThan(5500);
    expect(area).toBeLessThan(5700);
    expect(regionAreaKm2({ type: 'Polygon', coordinates: [box(10, 60, 11, 61)] })).toBeCloseTo(ellipsoidQuadArea(10, 60, 11, 61), 1);
  });

  it('leaves out holes, adds up polygons, and takes a polygon across the antimeridian whole', () => {
    const withHole = regionAreaKm2({ type: 'Polygon', coordinates: [box(0, 0, 2, 2), box(0.5, 0.5, 1.5, 1.5).reverse()] })!;
    expect(withHole).toBeCloseTo(ellipsoidQuadArea(0, 0, 2, 2) - ellipsoidQuadArea(0.5, 0.5, 1.5, 1.5), 1);
    const two = regionAreaKm2({ type: 'MultiPolygon', coordinates: [[box(0, 0, 1, 1)], [box(5, 0, 6, 1)]] })!;
    expect(two).toBeCloseTo(2 * ellipsoidQuadArea(0, 0, 1, 1), 1);
    const across = regionAreaKm2({ type: 'Polygon', coordinates: [box(179.5, 0, 180.5, 1)] })!;
    expect(across).toBeCloseTo(ellipsoidQuadArea(0, 0, 1, 1), 1);
  });

  it('gives null for a region the planner would refuse', () => {
    const bowTie = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    expect(regionAreaKm2({ type: 'Polygon', coordinates: [bowTie] })).toBeNull();
    expect(regionAreaKm2({ type: 'Polygon', coordinates: [] })).toBeNull();
  });
});

describe('formatArea', () => {
  it('keeps two significant decimals for small areas and none for large ones', () => {
    expect(formatArea(0.4213)).toBe('0.42 km²');
    expect(formatArea(12.46)).toBe('12.5 km²');
    expect(formatArea(5612.4)).toBe('5,612 km²');
  });
});

describe('regionBounds and regionLabelPoint', () => {
  it('box the outer rings, continuous across the antimeridian', () => {
    expect(regionBounds({ type: 'Polygon', coordinates: [box(36.95, -1.9, 37.6, -1.2)] })).toEqual([36.95, -1.9, 37.6, -1.2]);
    const across = [
      [179, 0],
      [-179, 0],
      [-179, 1],
      [179, 1],
      [179, 0],
    ];
    expect(regionBounds({ type: 'Polygon', coordinates: [across] })).toEqual([179, 0, 181, 1]);
    expect(regionBounds({ type: 'Polygon', coordinates: [] })).toBeNull();
  });

  it('label the largest polygon at its centroid', () => {
    const [lon, lat] = regionLabelPoint({ type: 'MultiPolygon', coordinates: [[box(0, 0, 1, 1)], [box(10, 10, 14, 12)]] })!;
    expect(lon).toBeCloseTo(12, 9);
    expect(lat).toBeCloseTo(11, 9);
    const l = [
      [0, 0],
      [3, 0],
      [3, 1],
      [1, 1],
      [1, 3],
      [0, 3],
      [0, 0],
    ];
    const [x, y] = regionLabelPoint({ type: 'Polygon', coordinates: [l] })!;
    expect(x).toBeCloseTo(1.1, 9);
    expect(y).toBeCloseTo(1.1, 9);
  });
});
