import { describe, expect, it } from 'vitest';
import { transformer } from './crs.js';
import { UserError } from './errors.js';
import {
  lonLatBBoxOfTiles,
  polygonalBBox,
  polygonalFromGeoJSON,
  polygonalIntersectsBBox,
  projectPolygonal,
  scanTilesIntersecting,
  tileCentreLonLat,
  tileFootprintLonLat,
  tilesIntersecting,
} from './geometry.js';
import type { Polygonal, Ring } from './geometry.js';
import { parseGrid, tileBounds } from './grid.js';
import type { TileIndex } from './grid.js';

const DEG = Math.PI / 180;

/** EASE-Grid 2.0 (EPSG:6933) by the textbook formulas: x depends on longitude only, y on latitude only. */
const WGS84_E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563);
const EASE_K0 = Math.cos(30 * DEG) / Math.sqrt(1 - WGS84_E2 * Math.sin(30 * DEG) ** 2);
function easeX(lon: number): number {
  return 6378137 * EASE_K0 * lon * DEG;
}
function easeY(lat: number): number {
  const e = Math.sqrt(WGS84_E2);
  const s = Math.sin(lat * DEG);
  const q = (1 - WGS84_E2) * (s / (1 - WGS84_E2 * s * s) - (1 / (2 * e)) * Math.log((1 - e * s) / (1 + e * s)));
  return (6378137 * q) / (2 * EASE_K0);
}

/** Tiles of the global grids (96 km, origin -17 376 000, -7 392 000) overlapping a lon/lat box. */
function globalTilesOfLonLatBox(west: number, south: number, east: number, north: number): TileIndex[] {
  const column = (lon: number) => (easeX(lon) + 17_376_000) / 96_000;
  const row = (lat: number) => (easeY(lat) + 7_392_000) / 96_000;
  const tiles: TileIndex[] = [];
  for (let x = Math.floor(column(west)); x < Math.ceil(column(east)); x++) {
    for (let y = Math.floor(row(south)); y < Math.ceil(row(north)); y++) tiles.push({ x, y });
  }
  return tiles;
}

function lonLatBox(west: number, south: number, east: number, north: number): Ring {
  return [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
    [west, south],
  ];
}

function square(minX: number, minY: number, maxX: number, maxY: number): Ring {
  return lonLatBox(minX, minY, maxX, maxY);
}

function signedArea(ring: number[][]): number {
  let twice = 0;
  for (let i = 0; i + 1 < ring.length; i++) twice += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return twice / 2;
}

describe('polygonalFromGeoJSON', () => {
  const ring = lonLatBox(30, -11, 31, -10);

  it('reads Polygon, MultiPolygon, Feature and STAC item geometries', () => {
    expect(polygonalFromGeoJSON({ type: 'Polygon', coordinates: [ring] })).toEqual([[ring]]);
    expect(polygonalFromGeoJSON({ type: 'MultiPolygon', coordinates: [[ring], [lonLatBox(0, 0, 1, 1)]] })).toEqual([
      [ring],
      [lonLatBox(0, 0, 1, 1)],
    ]);
    const item = {
      type: 'Feature',
      stac_version: '1.0.0',
      id: 'S2A_36LTQ_20240101_0_L2A',
      bbox: [30, -11, 31, -10],
      geometry: { type: 'Polygon', coordinates: [ring.map(([lon, lat]) => [lon, lat, 0])] },
      properties: { datetime: '2024-01-01T00:00:00Z' },
      assets: {},
    };
    expect(polygonalFromGeoJSON(item)).toEqual([[ring]]);
  });

  it('collects the polygons of every feature of a collection, skipping other geometries', () => {
    const collection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: {} },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] }, properties: {} },
        { type: 'Feature', geometry: null, properties: {} },
        { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[lonLatBox(0, 0, 1, 1)]] }, properties: {} },
      ],
    };
    expect(polygonalFromGeoJSON(collection)).toEqual([[ring], [lonLatBox(0, 0, 1, 1)]]);
  });

  it('closes open rings and keeps holes', () => {
    const hole = lonLatBox(30.2, -10.8, 30.8, -10.2);
    const open = ring.slice(0, 4);
    expect(polygonalFromGeoJSON({ type: 'Polygon', coordinates: [open, hole] })).toEqual([[ring, hole]]);
  });

  it('refuses geometries without polygons', () => {
    expect(() => polygonalFromGeoJSON({ type: 'Point', coordinates: [0, 0] })).toThrow(/region has no polygon \(found Point\)/);
    expect(() => polygonalFromGeoJSON({ type: 'FeatureCollection', features: [] })).toThrow(UserError);
    expect(() => polygonalFromGeoJSON(null)).toThrow(/region has no polygon/);
    expect(() => polygonalFromGeoJSON({ type: 'Polygon', coordinates: [[[0, 0], [1, 'a'], [1, 1], [0, 0]]] })).toThrow(
      /invalid position/,
    );
    expect(() => polygonalFromGeoJSON({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] })).toThrow(UserError);
  });

  it('splits a polygon crossing the antimeridian into its parts either side', () => {
    const crossing = [
      [179.5, -16],
      [-179.5, -16],
      [-179.5, -17],
      [179.5, -17],
      [179.5, -16],
    ];
    const parts = polygonalFromGeoJSON({ type: 'Polygon', coordinates: [crossing] });
    const boxes = parts.map((part) => polygonalBBox([part])).sort((a, b) => a.minX - b.minX);
    expect(boxes).toEqual([
      { minX: -180, minY: -17, maxX: -179.5, maxY: -16 },
      { minX: 179.5, minY: -17, maxX: 180, maxY: -16 },
    ]);
  });

  it('splits a polygon written with longitudes past 180', () => {
    const parts = polygonalFromGeoJSON({ type: 'Polygon', coordinates: [lonLatBox(179, 10, 181, 11)] });
    const boxes = parts.map((part) => polygonalBBox([part])).sort((a, b) => a.minX - b.minX);
    expect(boxes).toEqual([
      { minX: -180, minY: 10, maxX: -179, maxY: 11 },
      { minX: 179, minY: 10, maxX: 180, maxY: 11 },
    ]);
  });
});

describe('projectPolygonal', () => {
  // A Sentinel-2-like footprint: edges of 1.15° (east-west) and 1° (north-south).
  const footprint: Polygonal = [[lonLatBox(30, -11, 31.15, -10)]];

  it('divides long edges: 0.25° pieces by default, so 5 + 4 + 5 + 4 pieces and 19 points', () => {
    const projected = projectPolygonal(footprint, 'EPSG:4326', 'EPSG:6933');
    expect(projected[0]![0]).toHaveLength(19);
    // The second point is a fifth of the way along the 1.15° southern edge: lon 30.23.
    const [x, y] = projected[0]![0]![1]!;
    expect(x).toBeCloseTo(easeX(30.23), 3);
    expect(y).toBeCloseTo(easeY(-11), 3);
  });

  it('leaves edges shorter than the threshold alone', () => {
    const projected = projectPolygonal(footprint, 'EPSG:4326', 'EPSG:6933', 2);
    expect(projected[0]![0]).toHaveLength(5);
    const [x, y] = projected[0]![0]![2]!;
    expect(x).toBeCloseTo(easeX(31.15), 3);
    expect(y).toBeCloseTo(easeY(-10), 3);
  });

  it('bounds the projected geometry', () => {
    const box = polygonalBBox(projectPolygonal(footprint, 'EPSG:4326', 'EPSG:6933'));
    expect(box.minX).toBeCloseTo(easeX(30), 3);
    expect(box.maxX).toBeCloseTo(easeX(31.15), 3);
    expect(box.minY).toBeCloseTo(easeY(-11), 3);
    expect(box.maxY).toBeCloseTo(easeY(-10), 3);
  });
});

describe('polygonalIntersectsBBox', () => {
  const box = { minX: 0, minY: 0, maxX: 10, maxY: 10 };

  it('counts only shared area', () => {
    expect(polygonalIntersectsBBox([[square(2, 2, 3, 3)]], box)).toBe(true);
    expect(polygonalIntersectsBBox([[square(-5, -5, 15, 15)]], box)).toBe(true);
    expect(polygonalIntersectsBBox([[square(9.5, 2, 20, 3)]], box)).toBe(true);
    expect(polygonalIntersectsBBox([[square(20, 20, 30, 30)]], box)).toBe(false);
  });

  it('does not count touching along an edge or at a corner', () => {
    expect(polygonalIntersectsBBox([[square(10, 0, 20, 10)]], box)).toBe(false);
    expect(polygonalIntersectsBBox([[square(10, 10, 20, 20)]], box)).toBe(false);
    expect(polygonalIntersectsBBox([[square(-3, 10, 13, 12)]], box)).toBe(false);
  });

  it('finds overlap that enters and leaves through corners only', () => {
    // Triangle (0,0) (20,20) (0,20): covers the box's upper-left half, with no vertex inside the box,
    // no box corner strictly inside it and no edge crossing a box edge between corners.
    const triangle: Ring = [
      [0, 0],
      [20, 20],
      [0, 20],
      [0, 0],
    ];
    expect(polygonalIntersectsBBox([[triangle]], box)).toBe(true);
  });

  it('respects holes', () => {
    const frame = square(-10, -10, 20, 20);
    expect(polygonalIntersectsBBox([[frame, square(0, 0, 10, 10)]], box)).toBe(false);
    expect(polygonalIntersectsBBox([[frame, square(-1, -1, 11, 11)]], box)).toBe(false);
    expect(polygonalIntersectsBBox([[frame, square(1, 1, 9, 9)]], box)).toBe(true);
    expect(polygonalIntersectsBBox([[frame, square(0, 0, 9.9, 10)]], box)).toBe(true);
  });

  it('sees past a concave notch around the box', () => {
    // A U whose notch, x 0..10 and y 0..15, holds the box.
    const u: Ring = [
      [-5, -5],
      [15, -5],
      [15, 15],
      [10, 15],
      [10, 0],
      [0, 0],
      [0, 15],
      [-5, 15],
      [-5, -5],
    ];
    expect(polygonalIntersectsBBox([[u]], box)).toBe(false);
    expect(polygonalIntersectsBBox([[u]], { minX: 0, minY: -1, maxX: 10, maxY: 10 })).toBe(true);
  });

  it('is true when any polygon of several overlaps', () => {
    expect(polygonalIntersectsBBox([[square(20, 20, 30, 30)], [square(5, 5, 6, 6)]], box)).toBe(true);
  });
});

describe('tilesIntersecting', () => {
  const global10 = parseGrid('global-10');
  const africa10 = parseGrid('africa-10');

  it('finds the 2 x 2 tiles around the equator and the prime meridian', () => {
    // x = 0 and y = 0 are tile edges: -17 376 000 = -181 * 96 000 and -7 392 000 = -77 * 96 000.
    const tiles = tilesIntersecting(global10, [[lonLatBox(-0.5, -0.5, 0.5, 0.5)]]);
    expect(tiles).toEqual([
      { x: 180, y: 76 },
      { x: 180, y: 77 },
      { x: 181, y: 76 },
      { x: 181, y: 77 },
    ]);
  });

  it('leaves out a tile the footprint only touches along its edge', () => {
    // Longitude 0 is the western edge of column 181, latitude 0 the southern edge of row 77.
    expect(tilesIntersecting(global10, [[lonLatBox(0, 0.1, 0.5, 0.5)]])).toEqual([{ x: 181, y: 77 }]);
    expect(tilesIntersecting(global10, [[lonLatBox(0, 0, 0.5, 0.5)]])).toEqual([{ x: 181, y: 77 }]);
  });

  it('matches the tiles of a lon/lat box computed by hand', () => {
    // A 110 km footprint over Zambia: meridians and parallels are straight lines in EPSG:6933.
    expect(tilesIntersecting(africa10, [[lonLatBox(30, -11, 31.15, -10)]])).toEqual(globalTilesOfLonLatBox(30, -11, 31.15, -10));
  });

  it('leaves out the tiles inside a hole', () => {
    const outer = lonLatBox(-3, -3, 3, 3);
    const hole = lonLatBox(-1.5, -1.5, 1.5, 1.5);
    // Column k spans lon (k - 181) * 0.99497° .. (k - 180) * 0.99497°, so columns 180 and 181 lie
    // inside the hole; row j spans y (j - 77) * 96 km.., and y(1.5°) ≈ 191 km, so rows 76 and 77 do.
    const inHole = (t: TileIndex) => t.x >= 180 && t.x <= 181 && t.y >= 76 && t.y <= 77;
    const expected = globalTilesOfLonLatBox(-3, -3, 3, 3).filter((t) => !inHole(t));
    expect(tilesIntersecting(global10, [[outer, hole]])).toEqual(expected);
    expect(expected).toHaveLength(globalTilesOfLonLatBox(-3, -3, 3, 3).length - 4);
  });

  it('finds tiles at both ends of the x range for a footprint crossing the antimeridian', () => {
    const region = polygonalFromGeoJSON({
      type: 'Polygon',
      coordinates: [
        [
          [179.5, -20],
          [-179.5, -20],
          [-179.5, -19],
          [179.5, -19],
          [179.5, -20],
        ],
      ],
    });
    // Lon 179.5 is x = 17 319 288 m: column floor(34 695 288 / 96 000) = 361 (the last);
    // lon -179.5 is column floor(56 712 / 96 000) = 0.
    const tiles = tilesIntersecting(global10, region);
    const rows = globalTilesOfLonLatBox(179.5, -20, 180, -19).map((t) => t.y);
    expect(rows.length).toBeGreaterThan(0);
    expect(tiles).toEqual([...rows.map((y) => ({ x: 0, y })), ...rows.map((y) => ({ x: 361, y }))]);
  });

  it('works in the grid CRS for Albers grids', () => {
    // The au-30 tile (12, 16) centre, in lon/lat, is found in that tile only when the footprint is small.
    const [lon, lat] = transformer('EPSG:3577', 'EPSG:4326')(-1_488_000, -3_888_000);
    expect(tilesIntersecting(parseGrid('au-30'), [[lonLatBox(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)]])).toEqual([
      { x: 12, y: 16 },
    ]);
  });
});

describe('tile search within the grid', () => {
  it('tests only the tiles of the valid extent, so a world-wide footprint costs the grid and no more', () => {
    // 1° tiles: the world is columns -180..179 and rows -90..89, 64 800 tiles.
    const world = [[lonLatBox(-180, -90, 180, 90)]];
    const scan = scanTilesIntersecting(parseGrid('epsg:4326;0.1;10'), world);
    expect(scan.squares).toBe(360 * 180);
    const fine = scanTilesIntersecting(parseGrid('epsg:4326;0.001;10'), world);
    expect(fine.squares).toBe(36_000 * 18_000);
  });

  it('gives the tiles of one column at a time', () => {
    const scan = scanTilesIntersecting(parseGrid('epsg:4326;0.1;10'), [[lonLatBox(10.5, 20.5, 12.5, 21.5)]]);
    expect([...scan.columns()]).toEqual([
      [{ x: 10, y: 20 }, { x: 10, y: 21 }],
      [{ x: 11, y: 20 }, { x: 11, y: 21 }],
      [{ x: 12, y: 20 }, { x: 12, y: 21 }],
    ]);
  });
});

describe('lon/lat box of tiles', () => {
  it('covers the tiles of a lon/lat grid exactly', () => {
    const grid = parseGrid('epsg:4326;0.1;10');
    expect(lonLatBBoxOfTiles(grid, [{ x: 10, y: 20 }, { x: 12, y: 22 }])).toEqual([10, 20, 13, 23]);
    expect(lonLatBBoxOfTiles(grid, [])).toBeUndefined();
  });

  it('crosses the antimeridian when that is shorter, as STAC writes it: west > east', () => {
    // Global column 361 spans x 17 280 000 .. 17 376 000 m: lon 179.093° to past 180°; column 0
    // spans -17 376 000 .. -17 280 000 m, from past -180° to -179.093°. x = 17 367 530 m is 180°.
    const global10 = parseGrid('global-10');
    const [west, south, east, north] = lonLatBBoxOfTiles(global10, [{ x: 0, y: 80 }, { x: 361, y: 80 }])!;
    expect(west).toBeCloseTo((17_280_000 / easeX(180)) * 180, 6);
    expect(east).toBeCloseTo((-17_280_000 / easeX(180)) * 180, 6);
    expect(south).toBeLessThan(north);
    // Tiles on one side only: an ordinary box.
    const [w1, , e1] = lonLatBBoxOfTiles(global10, [{ x: 100, y: 80 }, { x: 101, y: 80 }])!;
    expect(w1).toBeCloseTo(((100 * 96_000 - 17_376_000) / easeX(180)) * 180, 6);
    expect(e1).toBeCloseTo(((102 * 96_000 - 17_376_000) / easeX(180)) * 180, 6);
  });
});

describe('tile footprints', () => {
  it('densifies an au tile into 4 * pointsPerEdge + 1 counter-clockwise points on its projected square', () => {
    const au30 = parseGrid('au-30');
    const footprint = tileFootprintLonLat(au30, { x: 12, y: 16 }, 4);
    expect(footprint.type).toBe('Polygon');
    if (footprint.type !== 'Polygon') return;
    const [ring] = footprint.coordinates;
    expect(ring).toHaveLength(17);
    expect(ring![0]).toEqual(ring![16]);
    expect(signedArea(ring!)).toBeGreaterThan(0);
    // Every point maps back onto the tile's square: corners at points 0, 4, 8, 12.
    const toAlbers = transformer('EPSG:4326', 'EPSG:3577');
    const corners = [
      [-1_536_000, -3_936_000],
      [-1_440_000, -3_936_000],
      [-1_440_000, -3_840_000],
      [-1_536_000, -3_840_000],
    ];
    corners.forEach(([x, y], i) => {
      const [px, py] = toAlbers(ring![i * 4]![0]!, ring![i * 4]![1]!);
      expect(px).toBeCloseTo(x!, 3);
      expect(py).toBeCloseTo(y!, 3);
    });
    // The southern edge is straight in Albers but curved in lon/lat: its middle point lies off the
    // lon/lat chord between the corners (by about 100 m, L²/8ρ with ρ ≈ 10 000 km).
    const [a, mid, b] = [ring![0]!, ring![2]!, ring![4]!];
    const t = (mid[0]! - a[0]!) / (b[0]! - a[0]!);
    const chordLat = a[1]! + t * (b[1]! - a[1]!);
    expect(Math.abs(mid[1]! - chordLat)).toBeGreaterThan(0.0005);
  });

  it('splits the western-most global tile at the antimeridian', () => {
    const footprint = tileFootprintLonLat(parseGrid('global-10'), { x: 0, y: 77 }, 8);
    expect(footprint.type).toBe('MultiPolygon');
    if (footprint.type !== 'MultiPolygon') return;
    expect(footprint.coordinates).toHaveLength(2);
    // The tile spans x -17 376 000 .. -17 280 000, i.e. lon -180.0878 (= 179.9122) .. -179.0928.
    const west = -17_376_000 / (6378137 * EASE_K0 * DEG) + 360;
    const east = -17_280_000 / (6378137 * EASE_K0 * DEG);
    const spans = footprint.coordinates
      .map((polygon) => {
        const lons = polygon[0]!.map((p) => p[0]!);
        return [Math.min(...lons), Math.max(...lons)];
      })
      .sort((p, q) => p[0]! - q[0]!);
    expect(spans[0]![0]).toBe(-180);
    expect(spans[0]![1]).toBeCloseTo(east, 6);
    expect(spans[1]![0]).toBeCloseTo(west, 6);
    expect(spans[1]![1]).toBe(180);
    for (const polygon of footprint.coordinates) {
      const ring = polygon[0]!;
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      expect(signedArea(ring)).toBeGreaterThan(0);
      for (const [lon, lat] of ring) {
        expect(Math.abs(lon!)).toBeLessThanOrEqual(180);
        expect(Math.abs(lat!)).toBeLessThanOrEqual(90);
      }
    }
  });

  it('pins the parts of polar tiles beyond the pole to the pole', () => {
    // Row 0 starts at y = -7 392 000, south of the pole's y = -7 342 230.
    const footprint = tileFootprintLonLat(parseGrid('africa-10'), { x: 100, y: 0 }, 4);
    expect(footprint.type).toBe('Polygon');
    if (footprint.type !== 'Polygon') return;
    const lats = footprint.coordinates[0]!.map((p) => p[1]!);
    expect(Math.min(...lats)).toBe(-90);
    expect(lats.every(Number.isFinite)).toBe(true);
    expect(tileCentreLonLat(parseGrid('africa-10'), { x: 100, y: 0 })[1]).toBe(-90);
  });

  it('gives the tile centre in lon/lat', () => {
    // Tile (181, 77) of global-10 is x 0..96 000, y 0..96 000: centre at (48 000, 48 000).
    const [lon, lat] = tileCentreLonLat(parseGrid('global-10'), { x: 181, y: 77 });
    expect(lon).toBeCloseTo(48_000 / (6378137 * EASE_K0 * DEG), 9);
    expect(easeY(lat)).toBeCloseTo(48_000, 3);
    const bounds = tileBounds(parseGrid('global-10'), { x: 181, y: 77 });
    expect(bounds).toEqual({ minX: 0, minY: 0, maxX: 96_000, maxY: 96_000 });
  });
});
