import { describe, expect, it } from 'vitest';
import { transformer } from '../shared/crs.js';
import type { GeoBox } from '../shared/geobox.js';
import type { LonLatFootprint } from '../shared/geometry.js';
import { chunksCovered, footprintInCrs, footprintTouches, tileChunks } from './chunk-coverage.js';

/** A 10 km tile of 10 m pixels in UTM 37S: 1000 × 1000 px, cut into 100 chunks of 100 px. */
const WEST = 250_000;
const NORTH = 9_910_000;
const tile: GeoBox = { crs: 'EPSG:32737', affine: [10, 0, WEST, 0, -10, NORTH], width: 1000, height: 1000 };
const chunks = tileChunks(1000, 1000, 100);

/** A lon/lat footprint of the tile's pixels [col0, col1) × [row0, row1). */
function pixelSquare(col0: number, row0: number, col1: number, row1: number): LonLatFootprint {
  const toLonLat = transformer('EPSG:32737', 'EPSG:4326');
  const corner = (col: number, row: number) => toLonLat(WEST + 10 * col, NORTH - 10 * row);
  const ring = [corner(col0, row1), corner(col1, row1), corner(col1, row0), corner(col0, row0), corner(col0, row1)];
  return { type: 'Polygon', coordinates: [ring] };
}

/** The indices of the chunks marked, as "col,row" of the chunk grid (chunk index = row * 10 + col). */
function marked(covered: boolean[]): string[] {
  return covered.flatMap((c, i) => (c ? [`${i % 10},${Math.floor(i / 10)}`] : []));
}

describe('tileChunks', () => {
  it('cuts the tile row by row, smaller on the right and bottom edges', () => {
    expect(tileChunks(250, 120, 100)).toEqual([
      { col: 0, row: 0, width: 100, height: 100 },
      { col: 100, row: 0, width: 100, height: 100 },
      { col: 200, row: 0, width: 50, height: 100 },
      { col: 0, row: 100, width: 100, height: 20 },
      { col: 100, row: 100, width: 100, height: 20 },
      { col: 200, row: 100, width: 50, height: 20 },
    ]);
  });
});

describe('chunksCovered', () => {
  it('marks only the chunk that a footprint of 1 % of the tile lies in, without margin', () => {
    // Pixels 300–399 × 400–499: exactly chunk (3, 4); edges on chunk edges do not count as touching.
    const footprint = footprintInCrs(pixelSquare(300, 400, 400, 500), tile.crs);
    expect(marked(chunksCovered(tile, [footprint], chunks, 0))).toEqual(['3,4']);
  });

  it('adds the margin: a footprint inside one chunk reaches its neighbours when within the margin', () => {
    // Pixels 310–389 × 410–489 lie in chunk (3, 4), 10 px from each of its edges: a 16 px margin
    // reaches the 8 neighbours, an 8 px one none.
    const footprint = footprintInCrs(pixelSquare(310, 410, 390, 490), tile.crs);
    expect(marked(chunksCovered(tile, [footprint], chunks, 8))).toEqual(['3,4']);
    expect(marked(chunksCovered(tile, [footprint], chunks, 16))).toEqual(['2,3', '3,3', '4,3', '2,4', '3,4', '4,4', '2,5', '3,5', '4,5']);
  });

  it('takes the union of the datasets, and a dataset without footprint covers everything', () => {
    const a = footprintInCrs(pixelSquare(0, 0, 150, 50), tile.crs); // chunks (0, 0), (1, 0)
    const b = footprintInCrs(pixelSquare(950, 950, 1000, 1000), tile.crs); // chunk (9, 9)
    expect(marked(chunksCovered(tile, [a, b], chunks, 0))).toEqual(['0,0', '1,0', '9,9']);
    expect(chunksCovered(tile, [a, footprintInCrs(undefined, tile.crs)], chunks, 0).every(Boolean)).toBe(true);
  });

  it('marks nothing for a footprint outside the tile', () => {
    const outside = footprintInCrs(pixelSquare(1100, 0, 1200, 100), tile.crs);
    expect(chunksCovered(tile, [outside], chunks, 0).some(Boolean)).toBe(false);
    expect(footprintTouches(tile, outside, { col: 900, row: 0, width: 100, height: 100 }, 0)).toBe(false);
    // 100 px beyond the tile's east edge: a 101 px margin around the last chunk reaches it.
    expect(footprintTouches(tile, outside, { col: 900, row: 0, width: 100, height: 100 }, 101)).toBe(true);
  });
});
