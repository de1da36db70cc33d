import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { normaliseCrs } from '../../shared/crs.js';
import type { Affine, GeoBox } from '../../shared/geobox.js';
import { ControlGrid, invertAffine } from './reproject.js';

/**
 * The largest distance, in source pixels, between the control grid's interpolated source
 * position of a destination pixel centre and proj4's exact one, over a lattice of pixels.
 */
function maxInterpolationError(dst: GeoBox, sourceCrs: string, sourceAffine: Affine): number {
  const grid = ControlGrid.forDestination(dst, sourceCrs).mapped(invertAffine(sourceAffine));
  const exact = proj4(normaliseCrs(dst.crs), normaliseCrs(sourceCrs));
  const toPixel = invertAffine(sourceAffine);
  const us = new Float64Array(dst.width);
  const vs = new Float64Array(dst.width);
  const [a, b, c, d, e, f] = dst.affine;
  let worst = 0;
  // Rows and columns coprime with the control step, so that samples fall everywhere in a cell.
  for (let row = 0; row < dst.height; row += 37) {
    grid.fillRow(row + 0.5, 0.5, dst.width, us, vs);
    for (let col = 0; col < dst.width; col += 13) {
      const [x, y] = exact.forward([a * (col + 0.5) + b * (row + 0.5) + c, d * (col + 0.5) + e * (row + 0.5) + f]) as [
        number,
        number,
      ];
      const u = toPixel[0] * x + toPixel[1] * y + toPixel[2];
      const v = toPixel[3] * x + toPixel[4] * y + toPixel[5];
      worst = Math.max(worst, Math.hypot(us[col]! - u, vs[col]! - v));
    }
  }
  return worst;
}

describe('ControlGrid', () => {
  it('is within 0.01 px of exact transforms for a 9600² EPSG:6933 tile at 10 m from UTM 37S', () => {
    const dst: GeoBox = { crs: 'EPSG:6933', affine: [10, 0, 3_700_000, 0, -10, -760_000], width: 9600, height: 9600 };
    const error = maxInterpolationError(dst, 'EPSG:32737', [10, 0, 399_960, 0, -10, 9_300_040]);
    expect(error).toBeLessThan(0.01);
  });

  it('is within 0.01 px for Australian Albers at 30 m from UTM 55S (Landsat)', () => {
    const dst: GeoBox = { crs: 'EPSG:3577', affine: [30, 0, 1_500_000, 0, -30, -3_900_000], width: 3200, height: 3200 };
    const error = maxInterpolationError(dst, 'EPSG:32755', [30, 0, 300_000, 0, -30, 6_100_000]);
    expect(error).toBeLessThan(0.01);
  });

  it('is within 0.01 px for UTM at 10 m from EPSG:6933 at 10 m, the other way', () => {
    const dst: GeoBox = { crs: 'EPSG:32737', affine: [10, 0, 400_000, 0, -10, 9_300_000], width: 9600, height: 9600 };
    const error = maxInterpolationError(dst, 'EPSG:6933', [10, 0, 3_600_000, 0, -10, -700_000]);
    expect(error).toBeLessThan(0.01);
  });

  it('is exact for an affine relation, and reports the extent and the scale at the centre', () => {
    const dst: GeoBox = { crs: 'EPSG:32737', affine: [20, 0, 500_100, 0, -20, 9_299_900], width: 100, height: 50 };
    const grid = ControlGrid.forDestination(dst, 'EPSG:32737').mapped(invertAffine([10, 0, 500_000, 0, -10, 9_300_000]));
    const us = new Float64Array(100);
    const vs = new Float64Array(100);
    grid.fillRow(7.5, 0.5, 100, us, vs);
    for (let col = 0; col < 100; col++) {
      expect(us[col]).toBeCloseTo(10 + 2 * (col + 0.5), 9);
      expect(vs[col]).toBeCloseTo(10 + 2 * 7.5, 9);
    }
    const extent = grid.extent()!;
    expect(extent.minX).toBeCloseTo(10, 9);
    expect(extent.maxX).toBeCloseTo(210, 9);
    expect(extent.minY).toBeCloseTo(10, 9);
    expect(extent.maxY).toBeCloseTo(110, 9);
    const scale = grid.scaleAtCentre();
    expect(scale.across).toBeCloseTo(2, 9);
    expect(scale.down).toBeCloseTo(2, 9);
  });

  it('inverts an affine transform', () => {
    const affine: Affine = [10, 2, 500, -1, -10, 900];
    const [a, b, c, d, e, f] = invertAffine(affine);
    const x = 10 * 3 + 2 * 4 + 500;
    const y = -1 * 3 - 10 * 4 + 900;
    expect(a * x + b * y + c).toBeCloseTo(3, 12);
    expect(d * x + e * y + f).toBeCloseTo(4, 12);
  });
});
