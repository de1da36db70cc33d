import { describe, expect, it } from 'vitest';
import { UserError } from './errors.js';
import { geoboxBounds, pixelToWorld } from './geobox.js';
import { crsExtent, GRID_NAMES, parseGrid, regionCode, tileBounds, tileGeobox, tileIndexOf, tileRangeOfBBox, validTileRange } from './grid.js';

describe('parseGrid', () => {
  it('reads the au grids', () => {
    expect(parseGrid('au-30')).toEqual({
      name: 'au-30',
      crs: 'EPSG:3577',
      resolution: 30,
      tileShape: 3200,
      tileSize: 96_000,
      origin: { x: -2_688_000, y: -5_472_000 },
    });
    expect(parseGrid('au-10').tileShape).toBe(9600);
    expect(parseGrid('au-20').tileShape).toBe(4800);
    expect(parseGrid('au-60').tileShape).toBe(1600);
  });

  it('treats - and _ alike and ignores case, answering the canonical name', () => {
    expect(parseGrid('AU_30')).toEqual(parseGrid('au-30'));
    expect(parseGrid('Au_Extended-10')).toMatchObject({
      name: 'au-extended-10',
      crs: 'EPSG:3577',
      tileShape: 9600,
      tileSize: 96_000,
      origin: { x: -4_416_000, y: -6_912_000 },
    });
    expect(parseGrid('ALBERS_AU_25')).toEqual({
      name: 'albers-au-25',
      crs: 'EPSG:3577',
      resolution: 25,
      tileShape: 4000,
      tileSize: 100_000,
      origin: { x: 0, y: 0 },
    });
  });

  it('makes africa and global the same EASE-Grid 2.0 grid', () => {
    const africa = parseGrid('africa_20');
    const global = parseGrid('global-20');
    expect(africa.name).toBe('africa-20');
    expect(global.name).toBe('global-20');
    expect({ ...africa, name: '' }).toEqual({ ...global, name: '' });
    expect(africa).toMatchObject({ crs: 'EPSG:6933', resolution: 20, tileShape: 4800, tileSize: 96_000 });
    expect(africa.origin).toEqual({ x: -17_376_000, y: -7_392_000 });
  });

  it('reads custom CRS;RESOLUTION;TILE_PIXELS grids with their origin at 0,0', () => {
    expect(parseGrid('epsg:3857;30;5000')).toEqual({
      name: 'EPSG:3857;30;5000',
      crs: 'EPSG:3857',
      resolution: 30,
      tileShape: 5000,
      tileSize: 150_000,
      origin: { x: 0, y: 0 },
    });
    expect(parseGrid(' EPSG:32755 ; 10 ; 1024 ').tileSize).toBe(10_240);
  });

  it('refuses bad custom grids', () => {
    expect(() => parseGrid('epsg:3857;-30;5000')).toThrow(/resolution '-30'/);
    expect(() => parseGrid('epsg:3857;30;50.5')).toThrow(/tile size '50.5'/);
    expect(() => parseGrid('epsg:9999;30;5000')).toThrow(/unsupported CRS/);
    expect(() => parseGrid('epsg:3857;30')).toThrow(UserError);
  });

  it('names the valid grids and the custom form when the name is unknown', () => {
    let message = '';
    try {
      parseGrid('au-15');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      message = (e as Error).message;
    }
    expect(message).toContain("unknown grid 'au-15'");
    for (const name of ['au-30', 'au-extended-60', 'africa-10', 'global-60', 'albers-au-25']) expect(message).toContain(name);
    expect(message).toContain('CRS;RESOLUTION;TILE_PIXELS');
    expect(message).not.toContain('\n');
  });

  it('lists the 17 built-in grids', () => {
    expect(GRID_NAMES).toHaveLength(17);
    for (const name of GRID_NAMES) expect(parseGrid(name).name).toBe(name);
  });
});

describe('tiles', () => {
  const au30 = parseGrid('au-30');

  it('finds the tile of a point: floor((coord - origin) / 96 km)', () => {
    // x: (-1 500 000 + 2 688 000) / 96 000 = 12.375; y: (-3 900 000 + 5 472 000) / 96 000 = 16.375
    expect(tileIndexOf(au30, -1_500_000, -3_900_000)).toEqual({ x: 12, y: 16 });
    // A point on a tile edge belongs to the tile east / north of it.
    expect(tileIndexOf(au30, -1_536_000, -3_936_000)).toEqual({ x: 12, y: 16 });
    expect(tileIndexOf(au30, -1_536_000.001, -3_936_000.001)).toEqual({ x: 11, y: 15 });
    expect(tileIndexOf(au30, -2_700_000, -5_500_000)).toEqual({ x: -1, y: -1 });
  });

  it('gives tile bounds and a north-up geobox', () => {
    // minX = -2 688 000 + 12 * 96 000 = -1 536 000; minY = -5 472 000 + 16 * 96 000 = -3 936 000
    const expected = { minX: -1_536_000, minY: -3_936_000, maxX: -1_440_000, maxY: -3_840_000 };
    expect(tileBounds(au30, { x: 12, y: 16 })).toEqual(expected);
    const geobox = tileGeobox(au30, { x: 12, y: 16 });
    expect(geobox).toEqual({ crs: 'EPSG:3577', affine: [30, 0, -1_536_000, 0, -30, -3_840_000], width: 3200, height: 3200 });
    expect(geoboxBounds(geobox)).toEqual(expected);
    expect(pixelToWorld(geobox.affine, 3200, 3200)).toEqual([-1_440_000, -3_936_000]);
    expect(pixelToWorld(geobox.affine, 1, 2)).toEqual([-1_535_970, -3_840_060]);
  });

  it('bounds a geobox whatever the affine orientation', () => {
    // South-up, 2x3 pixels of 10 m: x 100..120, y 200..230.
    expect(geoboxBounds({ crs: 'EPSG:3577', affine: [10, 0, 100, 0, 10, 200], width: 2, height: 3 })).toEqual({
      minX: 100,
      minY: 200,
      maxX: 120,
      maxY: 230,
    });
  });

  it('ranges over the tiles a bbox overlaps, not those it only touches', () => {
    // Exactly tile (12, 16).
    expect(tileRangeOfBBox(au30, { minX: -1_536_000, minY: -3_936_000, maxX: -1_440_000, maxY: -3_840_000 })).toEqual({
      x0: 12,
      x1: 13,
      y0: 16,
      y1: 17,
    });
    // From inside tile (11, 15) to inside tile (13, 17).
    expect(tileRangeOfBBox(au30, { minX: -1_600_000, minY: -3_950_000, maxX: -1_400_000, maxY: -3_800_000 })).toEqual({
      x0: 11,
      x1: 14,
      y0: 15,
      y1: 18,
    });
    // A point on a corner still gets the tile it belongs to.
    expect(tileRangeOfBBox(au30, { minX: -1_536_000, minY: -3_936_000, maxX: -1_536_000, maxY: -3_936_000 })).toEqual({
      x0: 12,
      x1: 13,
      y0: 16,
      y1: 17,
    });
  });
});

describe('valid extent', () => {
  // EASE-Grid 2.0: x = a·k0·λ, and y at the pole = a·q_p / (2·k0), with k0 = cos 30° / sqrt(1 - e² sin² 30°).
  const a = 6378137;
  const e2 = (1 / 298.257223563) * (2 - 1 / 298.257223563);
  const e = Math.sqrt(e2);
  const k0 = Math.cos(Math.PI / 6) / Math.sqrt(1 - e2 / 4);
  const qPole = (1 - e2) * (1 / (1 - e2) - (1 / (2 * e)) * Math.log((1 - e) / (1 + e)));
  const easeXMax = a * k0 * Math.PI;
  const easeYMax = (a * qPole) / (2 * k0);

  it('spans the whole world in EPSG:6933', () => {
    const extent = crsExtent('EPSG:6933');
    expect(extent.maxX).toBeCloseTo(easeXMax, 3);
    expect(extent.minX).toBeCloseTo(-easeXMax, 3);
    expect(extent.maxY).toBeCloseTo(easeYMax, 3);
    expect(extent.minY).toBeCloseTo(-easeYMax, 3);
  });

  it('gives the africa and global grids their 362 x 154 tiles', () => {
    // x: (±17 367 530 + 17 376 000) / 96 000 = 0.09 .. 361.9; y: (±7 342 230 + 7 392 000) / 96 000 = 0.52 .. 153.5.
    expect(validTileRange(parseGrid('africa-10'))).toEqual({ x0: 0, x1: 362, y0: 0, y1: 154 });
    expect(validTileRange(parseGrid('global-60'))).toEqual({ x0: 0, x1: 362, y0: 0, y1: 154 });
  });

  it('bounds lon/lat grids by ±180° and ±90°', () => {
    expect(validTileRange(parseGrid('epsg:4326;0.1;10'))).toEqual({ x0: -180, x1: 180, y0: -90, y1: 90 });
  });

  it('bounds the au grids by Australia and its territories, from Heard Island (73.5°E) to Norfolk Island (168°E)', () => {
    const range = validTileRange(parseGrid('au-30'));
    // Heard Island (73.5°E, 53.1°S) lies at Albers x -4 291 767, y -6 743 962 m: column
    // floor((-4 291 767 + 2 688 000) / 96 000) = -17, row floor((-6 743 962 + 5 472 000) / 96 000) = -14.
    // Norfolk Island (168°E, 29°S) lies at x 3 420 573, y -3 636 335 m: column 63, row 19.
    expect(range.x0).toBeLessThanOrEqual(-17);
    expect(range.y0).toBeLessThanOrEqual(-14);
    expect(range.x1).toBeGreaterThan(63);
    expect(range.y1).toBeGreaterThan(19);
    expect((range.x1 - range.x0) * (range.y1 - range.y0)).toBeLessThan(20_000);
  });
});

describe('regionCode', () => {
  it('pads with zeros as Python does, the sign counting towards the width', () => {
    expect(regionCode({ x: 5, y: 7 })).toBe('x05y07');
    expect(regionCode({ x: 123, y: 4 })).toBe('x123y04');
    expect(regionCode({ x: 5, y: -3 })).toBe('x05y-3');
    expect(regionCode({ x: -3, y: 0 }, '{x:03d}')).toBe('-03');
    expect(regionCode({ x: -12, y: 0 }, '{x:02d}')).toBe('-12');
  });

  it('supports bare fields, widths without zeros and escaped braces', () => {
    expect(regionCode({ x: 12, y: 16 }, '{x}_{y}')).toBe('12_16');
    expect(regionCode({ x: 5, y: -3 }, '{x:3d}|{y:4}')).toBe('  5|  -3');
    expect(regionCode({ x: 1, y: 2 }, '{{x}}{x:d}')).toBe('{x}1');
  });

  it('refuses unknown fields and format specs', () => {
    expect(() => regionCode({ x: 1, y: 2 }, 'x{z}')).toThrow(/unknown field '\{z\}'/);
    expect(() => regionCode({ x: 1, y: 2 }, '{x:.2f}')).toThrow(UserError);
    expect(() => regionCode({ x: 1, y: 2 }, 'x{x')).toThrow(UserError);
  });
});
