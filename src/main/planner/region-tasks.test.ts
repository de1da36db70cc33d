import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxItem } from '../test-support/stac-items.js';
import type { StacItem } from '../../shared/stac.js';
import { TaskCache } from '../taskcache/task-cache.js';
import { saveTasks } from './save-tasks.js';

/** 1° tiles in lon/lat: tile (x, y) is lon x..x+1, lat y..y+1, and its solar offset is known by hand. */
const GRID = 'epsg:4326;0.1;10';


// Tile centres lie at lon 10.5 and 11.5: UTC+1 (solar offset round(lon / 15)), so 10:00 UTC is
// the same solar day.
const ITEMS: StacItem[] = [
  boxItem('sw', [10.1, 20.1, 10.4, 20.4], '2021-03-01T10:00:00Z'), // tile (10, 20)
  boxItem('ne', [10.6, 20.6, 10.9, 20.9], '2021-03-02T10:00:00Z'), // tile (10, 20), far from the small region
  boxItem('span', [10.5, 20.2, 11.5, 20.8], '2021-03-03T10:00:00Z'), // tiles (10, 20) and (11, 20)
  boxItem('north', [11.2, 21.2, 11.8, 21.8], '2021-03-04T10:00:00Z'), // tile (11, 21)
  boxItem('corner', [10.7, 21.7, 11.3, 22.3], '2021-03-05T10:00:00Z'), // tiles (10, 21), (11, 21), (10, 22), (11, 22)
  boxItem('far', [30.2, 40.2, 30.8, 40.8], '2021-03-06T10:00:00Z'), // tile (30, 40)
];

/** What each tile of the whole catalogue holds, by construction: item ids and solar days. */
const WHOLE: Record<string, { ids: string[]; days: string[] }> = {
  '10,20': { ids: ['ne', 'span', 'sw'], days: ['2021-03-01', '2021-03-02', '2021-03-03'] },
  '11,20': { ids: ['span'], days: ['2021-03-03'] },
  '10,21': { ids: ['corner'], days: ['2021-03-05'] },
  '11,21': { ids: ['corner', 'north'], days: ['2021-03-04', '2021-03-05'] },
  '10,22': { ids: ['corner'], days: ['2021-03-05'] },
  '11,22': { ids: ['corner'], days: ['2021-03-05'] },
  '30,40': { ids: ['far'], days: ['2021-03-06'] },
};

function tasksOf(db: string): Record<string, { ids: string[]; days: string[] }> {
  const cache = TaskCache.open(db);
  try {
    return Object.fromEntries(
      cache.tasks().map((t) => {
        const datasets = cache.datasetsOf(t.taskId);
        const ids = datasets.map((d) => d.item.id).sort();
        const days = [...new Set(datasets.map((d) => d.solarDay))].sort();
        return [`${t.x},${t.y}`, { ids, days }];
      }),
    );
  } finally {
    cache.close();
  }
}

const square = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];

const REGIONS: Array<[string, unknown, string[]]> = [
  ['a small region inside one tile', { type: 'Polygon', coordinates: [square(10.05, 20.05, 10.15, 20.15)] }, ['10,20']],
  ['a region straddling four tiles', { type: 'Polygon', coordinates: [square(10.9, 20.9, 11.1, 21.1)] }, ['10,20', '10,21', '11,20', '11,21']],
  [
    'a multipolygon over two tiles side by side',
    { type: 'MultiPolygon', coordinates: [[square(10.02, 20.02, 10.08, 20.08)], [square(11.02, 20.02, 11.08, 20.08)]] },
    ['10,20', '11,20'],
  ],
];

describe('planning a region', () => {
  it('gives the whole-catalogue plan the tasks worked out by hand', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'region-tasks-'));
    const catalog = path.join(dir, 'items.ndjson');
    writeFileSync(catalog, ITEMS.map((i) => JSON.stringify(i)).join('\n'));
    const whole = await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2021, output: path.join(dir, 'whole.db') });
    expect(tasksOf(whole.db)).toEqual(WHOLE);
  });

  it.each(REGIONS)('keeps every dataset of the chosen tiles for %s, from a file and as drawn', async (_name, region, tiles) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'region-tasks-'));
    const catalog = path.join(dir, 'items.ndjson');
    writeFileSync(catalog, ITEMS.map((i) => JSON.stringify(i)).join('\n'));
    const regionFile = path.join(dir, 'region.geojson');
    writeFileSync(regionFile, JSON.stringify({ type: 'Feature', properties: {}, geometry: region }));
    const expected = Object.fromEntries(tiles.map((t) => [t, WHOLE[t]]));

    const fromFile = await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2021, region: regionFile, output: path.join(dir, 'file.db') });
    expect(tasksOf(fromFile.db)).toEqual(expected);
    const drawn = await saveTasks({ catalog, inputProducts: ['prod'], grid: GRID, year: 2021, regionGeoJSON: region, output: path.join(dir, 'drawn.db') });
    expect(tasksOf(drawn.db)).toEqual(expected);
  });

  it('refuses a region with no tile of the grid, or too many to search, writing nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'region-tasks-'));
    const catalog = path.join(dir, 'items.ndjson');
    writeFileSync(catalog, ITEMS.map((i) => JSON.stringify(i)).join('\n'));
    // The au grids end west of 70°E; (10°E, 20°N) is in Africa.
    const africa = { type: 'Polygon', coordinates: [square(10.05, 20.05, 10.15, 20.15)] };
    await expect(saveTasks({ catalog, inputProducts: ['prod'], grid: 'au-30', year: 2021, regionGeoJSON: africa, output: path.join(dir, 'au.db') })).rejects.toThrow(
      'the region shares no area with any tile of grid au-30',
    );
    // 20° × 20° of 0.01° tiles: 2000 × 2000 squares.
    const large = { type: 'Polygon', coordinates: [square(0, 0, 20, 20)] };
    await expect(
      saveTasks({ catalog, inputProducts: ['prod'], grid: 'epsg:4326;0.001;10', year: 2021, regionGeoJSON: large, output: path.join(dir, 'fine.db') }),
    ).rejects.toThrow(
      'the region spans 4000000 tiles of grid EPSG:4326;0.001;10, more than the 1000000 a plan may search: give a smaller region or a grid with larger tiles',
    );
    expect(readdirSync(dir)).toEqual(['items.ndjson']);
  });
});
