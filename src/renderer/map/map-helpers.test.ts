import { describe, expect, it } from 'vitest';
import { lineDiff } from '../util/line-diff.js';
import { moveVertex, rectanglePolygon, regionFeature, regionsFromGeoJSONText, regionVertices } from './geometry-draw.js';
import { gridOverlay } from './grid-overlay.js';
import { taskColourExpression, taskLegend } from './task-colours.js';
import { tasksBetween } from './task-features.js';

describe('gridOverlay', () => {
  it('outlines and labels the tiles of the view', () => {
    const overlay = gridOverlay('africa-10', [36.9, -1.9, 37.6, -1.2]);
    expect(overlay.tooMany).toBe(false);
    expect(overlay.labels.map((l) => l.label).sort()).toEqual(['218,74', '218,75']);
    expect(overlay.outlines.features).toHaveLength(2);
  });

  it('draws nothing past its cap, and says how many tiles there are', () => {
    const overlay = gridOverlay('africa-10', [-20, -35, 50, 35], 100);
    expect(overlay).toMatchObject({ tooMany: true, labels: [] });
    expect(overlay.count).toBeGreaterThan(100);
  });

  it('ignores a grid it cannot read', () => {
    expect(gridOverlay('nonsense', [0, 0, 1, 1]).outlines.features).toEqual([]);
  });
});

describe('task colours', () => {
  it('spreads legend stops from the fewest to the most datasets', () => {
    expect(taskLegend([3, 11, 7]).map((s) => s.value)).toEqual([3, 5, 7, 9, 11]);
    expect(taskLegend([4, 4])).toHaveLength(1);
    expect(taskColourExpression(taskLegend([3, 11]))).toEqual(expect.arrayContaining(['interpolate']));
  });
});

describe('drawing and picking', () => {
  it('makes a closed rectangle from any two corners', () => {
    expect(rectanglePolygon([2, 1], [0, 3])[0]).toEqual([
      [0, 1],
      [2, 1],
      [2, 3],
      [0, 3],
      [0, 1],
    ]);
  });

  it('reads the polygons of a GeoJSON file, and refuses what holds none in one sentence', () => {
    let n = 0;
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } }, { type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] } }],
    });
    expect(regionsFromGeoJSONText(text, 'area', () => `r${++n}`)).toEqual([expect.objectContaining({ properties: { id: 'r1', name: 'area' } })]);
    expect(() => regionsFromGeoJSONText('{', 'bad', () => 'x')).toThrow('bad is not GeoJSON (it is not valid JSON).');
    expect(() => regionsFromGeoJSONText('{"type":"Point","coordinates":[0,0]}', 'pt', () => 'x')).toThrow(/^pt: region has no polygon \(found Point\)/);
    const bowTie = { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] };
    expect(() => regionsFromGeoJSONText(JSON.stringify(bowTie), 'tie', () => 'x')).toThrow(/^tie: .*cross/);
  });

  it('reprojects a region file in a projected CRS (its crs member) to lon/lat', () => {
    // A 10 km square of UTM 37S whose south-west corner is 500 000 E, 9 850 000 N: on the zone's
    // central meridian (39° E), 150 km south of the equator on the scale 0.9996 of the zone,
    // 150.06 km of meridian at 110.574 km a degree: 1.3571° S.
    const square = [[500000, 9850000], [510000, 9850000], [510000, 9860000], [500000, 9860000], [500000, 9850000]];
    const text = JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32737' } }, features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square] } }] });
    const [region] = regionsFromGeoJSONText(text, 'utm', () => 'r1');
    expect(region!.geometry.type).toBe('MultiPolygon');
    const [lon, lat] = (region!.geometry.coordinates as number[][][][])[0]![0]![0]!;
    expect(lon).toBeCloseTo(39, 6);
    expect(lat).toBeCloseTo(-1.3571, 3);
  });

  it('shift-click picks the tiles of the rectangle between two tasks', () => {
    const tasks = [217, 218, 219].flatMap((x) => [74, 75].map((y) => ({ id: `${x}/${y}`, period: 'P', x, y, datasets: 1, days: 1 })));
    expect(tasksBetween(tasks, 'P', { x: 217, y: 74 }, { x: 218, y: 75 })).toEqual(['217/74', '217/75', '218/74', '218/75']);
  });
});

describe('lineDiff', () => {
  it('marks added and removed lines', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'B' },
      { kind: 'same', text: 'c' },
    ]);
  });
});

describe('editing region vertices', () => {
  const square = regionFeature('r1', 'Square', rectanglePolygon([36, -2], [37, -1]));

  it('offers one handle per vertex, without the closing repeat', () => {
    const handles = regionVertices([square]);
    expect(handles.map((h) => h.geometry.coordinates)).toEqual([
      [36, -2],
      [37, -2],
      [37, -1],
      [36, -1],
    ]);
    expect(handles[2]!.properties).toEqual({ id: 'r1', polygon: 0, ring: 0, vertex: 2 });
  });

  it('moves one vertex, and the closing repeat with the first', () => {
    const moved = moveVertex(square.geometry, { polygon: 0, ring: 0, vertex: 2 }, [37.5, -0.5]);
    expect(moved).toEqual({ type: 'Polygon', coordinates: [[[36, -2], [37, -2], [37.5, -0.5], [36, -1], [36, -2]]] });
    const first = moveVertex(square.geometry, { polygon: 0, ring: 0, vertex: 0 }, [35.5, -2.5]);
    expect(first.coordinates[0]).toEqual([[35.5, -2.5], [37, -2], [37, -1], [36, -1], [35.5, -2.5]]);
    expect(square.geometry.coordinates[0]![0]).toEqual([36, -2]); // the original is left as it was
  });

  it('moves a vertex of the second polygon of a MultiPolygon', () => {
    const multi = { type: 'MultiPolygon' as const, coordinates: [rectanglePolygon([0, 0], [1, 1]), rectanglePolygon([2, 2], [3, 3])] };
    const moved = moveVertex(multi, { polygon: 1, ring: 0, vertex: 1 }, [4, 2]);
    expect(moved.coordinates[1]![0]![1]).toEqual([4, 2]);
    expect(moved.coordinates[0]).toEqual(multi.coordinates[0]);
  });
});
