import { describe, expect, it } from 'vitest';
import { coordinateOperation, operationMeetsArea } from './coordinate-operations.js';
import { isGeographicCrs, normaliseCrs, transformer } from './crs.js';
import { UserError } from './errors.js';

const DEG = Math.PI / 180;

/** Textbook ellipsoidal formulas (Snyder, "Map Projections: A Working Manual", eq. 3-12, 14-3..14-6, 10-15). */
function authalicQ(lat: number, e2: number): number {
  const e = Math.sqrt(e2);
  const s = Math.sin(lat * DEG);
  return (1 - e2) * (s / (1 - e2 * s * s) - (1 / (2 * e)) * Math.log((1 - e * s) / (1 + e * s)));
}

function albers(lon: number, lat: number): [number, number] {
  // GRS80, lat_0 = 0, lon_0 = 132, standard parallels -18 and -36.
  const a = 6378137;
  const f = 1 / 298.257222101;
  const e2 = f * (2 - f);
  const m = (phi: number) => Math.cos(phi * DEG) / Math.sqrt(1 - e2 * Math.sin(phi * DEG) ** 2);
  const n = (m(-18) ** 2 - m(-36) ** 2) / (authalicQ(-36, e2) - authalicQ(-18, e2));
  const c = m(-18) ** 2 + n * authalicQ(-18, e2);
  const rho = (phi: number) => (a * Math.sqrt(c - n * authalicQ(phi, e2))) / n;
  const theta = n * (lon - 132) * DEG;
  return [rho(lat) * Math.sin(theta), rho(0) - rho(lat) * Math.cos(theta)];
}

function easeGrid2(lon: number, lat: number): [number, number] {
  // WGS84 cylindrical equal-area with true scale at 30°.
  const a = 6378137;
  const f = 1 / 298.257223563;
  const e2 = f * (2 - f);
  const k0 = Math.cos(30 * DEG) / Math.sqrt(1 - e2 * Math.sin(30 * DEG) ** 2);
  return [a * k0 * lon * DEG, (a * authalicQ(lat, e2)) / (2 * k0)];
}

describe('normaliseCrs', () => {
  it('accepts EPSG codes in either case and bare', () => {
    expect(normaliseCrs('epsg:3577')).toBe('EPSG:3577');
    expect(normaliseCrs('EPSG:6933')).toBe('EPSG:6933');
    expect(normaliseCrs(' 4326 ')).toBe('EPSG:4326');
  });

  it('knows every UTM zone, north and south', () => {
    for (let zone = 1; zone <= 60; zone++) {
      const code = String(zone).padStart(2, '0');
      expect(normaliseCrs(`epsg:326${code}`)).toBe(`EPSG:326${code}`);
      expect(normaliseCrs(`epsg:327${code}`)).toBe(`EPSG:327${code}`);
    }
    expect(() => normaliseCrs('EPSG:32661')).toThrow(UserError);
  });

  it('refuses unknown or malformed codes with a UserError naming them', () => {
    expect(() => normaliseCrs('EPSG:1234')).toThrow(/unsupported CRS 'EPSG:1234'/);
    expect(() => normaliseCrs('wgs84')).toThrow(UserError);
    expect(() => normaliseCrs('')).toThrow(UserError);
  });

  it('tells geographic from projected', () => {
    expect(isGeographicCrs('epsg:4326')).toBe(true);
    expect(isGeographicCrs('EPSG:3577')).toBe(false);
  });
});

describe('transformer', () => {
  it('is built once per pair', () => {
    expect(transformer('EPSG:4326', 'EPSG:3577')).toBe(transformer('EPSG:4326', 'EPSG:3577'));
  });

  it('is the identity within one CRS', () => {
    expect(transformer('epsg:3577', 'EPSG:3577')(-1_500_000, -3_900_000)).toEqual([-1_500_000, -3_900_000]);
  });

  it('projects to Australian Albers (EPSG:3577 and EPSG:9473) as the textbook formula does', () => {
    // On the central meridian at the origin latitude both coordinates are 0.
    const [x0, y0] = transformer('EPSG:4326', 'EPSG:3577')(132, 0);
    expect(x0).toBeCloseTo(0, 3);
    expect(y0).toBeCloseTo(0, 3);
    for (const [lon, lat] of [
      [132, -25],
      [149.13, -35.28],
      [115.86, -31.95],
      [145.77, -16.92],
    ] as const) {
      const [x, y] = albers(lon, lat);
      for (const crs of ['EPSG:3577', 'EPSG:9473']) {
        const [px, py] = transformer('EPSG:4326', crs)(lon, lat);
        expect(px).toBeCloseTo(x, 2);
        expect(py).toBeCloseTo(y, 2);
      }
    }
  });

  it('projects to EASE-Grid 2.0 (EPSG:6933) as the textbook formula does, and back', () => {
    const toEase = transformer('EPSG:4326', 'EPSG:6933');
    // The grid's published x extent: ±17 367 530.45 m at ±180°.
    expect(toEase(180, 0)[0]).toBeCloseTo(17_367_530.45, 1);
    for (const [lon, lat] of [
      [30, 10],
      [-17.5, -33.9],
      [179.5, -16],
      [0.5, 0.5],
    ] as const) {
      const [x, y] = easeGrid2(lon, lat);
      const [px, py] = toEase(lon, lat);
      expect(px).toBeCloseTo(x, 3);
      expect(py).toBeCloseTo(y, 3);
      const [backLon, backLat] = transformer('EPSG:6933', 'EPSG:4326')(px, py);
      expect(backLon).toBeCloseTo(lon, 9);
      expect(backLat).toBeCloseTo(lat, 9);
    }
  });

  it('projects to UTM zones: the central meridian on the equator is (500 000, 0) north, (500 000, 10 000 000) south', () => {
    // Zone N's central meridian is 6N - 183 degrees.
    const [xn, yn] = transformer('EPSG:4326', 'EPSG:32633')(15, 0);
    expect(xn).toBeCloseTo(500_000, 3);
    expect(yn).toBeCloseTo(0, 3);
    const [xs, ys] = transformer('EPSG:4326', 'EPSG:32755')(147, 0);
    expect(xs).toBeCloseTo(500_000, 3);
    expect(ys).toBeCloseTo(10_000_000, 3);
  });

  it('projects to Web Mercator: x = R·λ with R = 6 378 137', () => {
    const [x, y] = transformer('EPSG:4326', 'EPSG:3857')(90, 0);
    expect(x).toBeCloseTo((6_378_137 * Math.PI) / 2, 3);
    expect(y).toBeCloseTo(0, 3);
  });
});

describe('a coordinate operation chosen by transform_code', () => {
  /**
   * PROJ 9's own pipelines for UTM 55S → Australian Albers through "GDA94 to WGS 84 (2)"
   * (EPSG:9688, a Helmert in the coordinate frame convention) and through the null
   * "GDA94 to WGS 84 (1)", run backwards with `cct -d 4 -I` on Albers (1 500 000, −3 900 000)
   * and (1 200 000, −4 300 000) (pipelines from `projinfo -s EPSG:32755 -t EPSG:3577
   * --spatial-test intersects`).
   */
  const ALBERS_POINTS: Array<[number, number]> = [
    [1_500_000, -3_900_000],
    [1_200_000, -4_300_000],
  ];
  const UTM_THROUGH_9688: Array<[number, number]> = [
    [636_826.7652, 6_144_969.7908],
    [386_505.2543, 5_711_573.9886],
  ];
  const UTM_THROUGH_NULL_SHIFT: [number, number] = [636_826.222, 6_144_968.3661];

  it('shifts by EPSG:9688 between WGS 84 UTM and GDA94 Albers, both ways, as PROJ does', () => {
    const op = coordinateOperation('epsg:9688')!;
    ALBERS_POINTS.forEach(([x, y], k) => {
      const [e, n] = transformer('EPSG:3577', 'EPSG:32755', op)(x, y);
      expect(e).toBeCloseTo(UTM_THROUGH_9688[k]![0], 2);
      expect(n).toBeCloseTo(UTM_THROUGH_9688[k]![1], 2);
      const [bx, by] = transformer('EPSG:32755', 'EPSG:3577', op)(e, n);
      expect(bx).toBeCloseTo(x, 2);
      expect(by).toBeCloseTo(y, 2);
    });
  });

  it('is the null shift without one, or with EPSG:1150; about 1.5 m from EPSG:9688 here', () => {
    for (const op of [undefined, coordinateOperation('EPSG:1150')!]) {
      const [e, n] = transformer('EPSG:3577', 'EPSG:32755', op)(...ALBERS_POINTS[0]!);
      expect(e).toBeCloseTo(UTM_THROUGH_NULL_SHIFT[0], 2);
      expect(n).toBeCloseTo(UTM_THROUGH_NULL_SHIFT[1], 2);
    }
  });

  it('refuses an operation that does not join the two CRSs’ datums, and an unknown code', () => {
    const op = coordinateOperation('EPSG:9688')!;
    expect(() => transformer('EPSG:32655', 'EPSG:6933', op)).toThrow(
      new UserError('transform_code EPSG:9688 (GDA94 to WGS 84 (2)) is no coordinate operation between EPSG:32655 (WGS84) and EPSG:6933 (WGS84)'),
    );
    expect(() => transformer('EPSG:9473', 'EPSG:32755', op)).toThrow(/between EPSG:9473 \(GDA2020\) and EPSG:32755 \(WGS84\)/);
    expect(transformer('EPSG:3577', 'EPSG:3577', op)(1, 2)).toEqual([1, 2]);
    expect(coordinateOperation('EPSG:8048')).toBeUndefined();
  });

  it('meets an area of interest that overlaps Australia, as DEA’s whole-world one does', () => {
    const op = coordinateOperation('EPSG:9688')!;
    expect(operationMeetsArea(op, [-180, -90, 180, 90])).toBe(true);
    expect(operationMeetsArea(op, [140, -40, 150, -30])).toBe(true);
    expect(operationMeetsArea(op, [-10, 40, 10, 60])).toBe(false);
  });
});
