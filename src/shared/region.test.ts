import { describe, expect, it } from 'vitest';
import { UserError } from './errors.js';
import { polygonalBBox } from './geometry.js';
import { regionFromGeoJSON } from './region.js';

const square = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];
const polygon = (...rings: number[][][]) => ({ type: 'Polygon', coordinates: rings });

/** The message of the UserError `read` throws; fails the test if it throws nothing else. */
function refusal(read: () => unknown): string {
  try {
    read();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('regionFromGeoJSON', () => {
  it('reads a lon/lat region as given', () => {
    expect(regionFromGeoJSON(polygon(square(10, 20, 11, 21)))).toEqual([[square(10, 20, 11, 21)]]);
  });

  it('takes longitudes written past 180 across the antimeridian, as one region either side', () => {
    const parts = regionFromGeoJSON(polygon(square(179, 10, 181, 11)));
    expect(parts.map((p) => polygonalBBox([p])).sort((a, b) => a.minX - b.minX)).toEqual([
      { minX: -180, minY: 10, maxX: -179, maxY: 11 },
      { minX: 179, minY: 10, maxX: 180, maxY: 11 },
    ]);
  });

  it('refuses coordinates that are not longitudes and latitudes, naming the first', () => {
    expect(refusal(() => regionFromGeoJSON(polygon(square(500, 20, 501, 21))))).toMatch(
      /^region: longitude 500 is outside -180\.\.180 .*a projected CRS\? give the GeoJSON a crs member$/,
    );
    // A UTM region with no crs member: eastings are no longitudes.
    expect(refusal(() => regionFromGeoJSON(polygon(square(250_000, 9_850_000, 260_000, 9_860_000))))).toMatch(/^region: longitude 250000 is outside/);
    expect(refusal(() => regionFromGeoJSON(polygon(square(10, 85, 11, 95))))).toMatch(/^region: latitude 95 is outside -90\.\.90/);
  });

  it('reprojects a region whose crs member names a UTM zone', () => {
    // On the central meridian of zone 37 (39°E), 500 000 m east; northing 10 000 000 m is the equator
    // in the southern zones. 1 000 000 m south along the meridian at scale 0.9996 is 1 000 400 m
    // of meridian arc, 9.047° at about 110 580 m a degree near the equator.
    const ring = [[500_000, 9_000_000], [501_000, 9_000_000], [501_000, 10_000_000], [500_000, 10_000_000], [500_000, 9_000_000]];
    for (const name of ['urn:ogc:def:crs:EPSG::32737', 'EPSG:32737', 'http://www.opengis.net/def/crs/EPSG/0/32737']) {
      const region = regionFromGeoJSON({ type: 'FeatureCollection', crs: { type: 'name', properties: { name } }, features: [{ type: 'Feature', properties: {}, geometry: polygon(ring) }] });
      const box = polygonalBBox(region);
      expect(box.minX).toBeCloseTo(39, 9);
      expect(box.maxY).toBeCloseTo(0, 9);
      expect(box.minY).toBeCloseTo(-9.047, 2);
    }
  });

  it('reads CRS84 as lon/lat and refuses a CRS it does not know, in one line', () => {
    const crs84 = { ...polygon(square(10, 20, 11, 21)), crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } } };
    expect(regionFromGeoJSON(crs84)).toEqual([[square(10, 20, 11, 21)]]);
    const unknown = { ...polygon(square(10, 20, 11, 21)), crs: { type: 'name', properties: { name: 'EPSG:2193' } } };
    expect(refusal(() => regionFromGeoJSON(unknown))).toMatch(/^region: unsupported CRS 'EPSG:2193'/);
    const link = { ...polygon(square(10, 20, 11, 21)), crs: { type: 'link', properties: { href: 'x.prj' } } };
    expect(refusal(() => regionFromGeoJSON(link))).toMatch(/^region: unreadable crs member/);
  });

  it('refuses a bow-tie ring, naming the polygon and where it crosses', () => {
    const good = polygon(square(0, 0, 1, 1));
    const bowTie = polygon([[10, 20], [11, 21], [11, 20], [10, 21], [10, 20]]);
    expect(refusal(() => regionFromGeoJSON({ type: 'MultiPolygon', coordinates: [good.coordinates, bowTie.coordinates] }))).toBe(
      'region: polygon 2 crosses itself near [10.5, 20.5]; redraw it without a loop or bow-tie',
    );
    const crossedHole = polygon(square(0, 0, 4, 4), [[1, 1], [3, 3], [3, 1], [1, 3], [1, 1]]);
    expect(refusal(() => regionFromGeoJSON(crossedHole))).toMatch(/^region: hole 1 of polygon 1 crosses itself near \[2, 2\]/);
  });

  it('refuses rings of fewer than 3 distinct corners or no area, instead of planning nothing for them', () => {
    expect(refusal(() => regionFromGeoJSON(polygon([[10, 20], [11, 21], [11, 21], [10, 20]])))).toBe('region: polygon 1 has fewer than 3 distinct corners');
    expect(refusal(() => regionFromGeoJSON(polygon([[10, 20], [11, 21], [12, 22], [10, 20]])))).toBe(
      'region: polygon 1 encloses no area (its corners lie on one line)',
    );
  });

  it('checks rings across the antimeridian in continuous longitudes, where they do not cross themselves', () => {
    const crossing = polygon([[179.5, -16], [-179.5, -16], [-179.5, -17], [179.5, -17], [179.5, -16]]);
    expect(regionFromGeoJSON(crossing)).toHaveLength(2);
  });
});
