/** `odc-stats locate-grids` in a real process: the tiles an extent covers, hand-computed. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAreaShapefile } from '../../worker/plugins/test-support/level34-fixtures.js';
import { boxItem } from '../test-support/stac-items.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';

/** 1° tiles: tile x is the floor of the longitude, y of the latitude. */
const DEGREE_GRID = 'epsg:4326;0.1;10';
const WGS84_PRJ = 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

function folder(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'locate-grids-'));
}

const box = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];
/** Land over 36.5..38.5° E, 1.5..0.5° S: tiles x 36, 37, 38 by y -2, -1. Sea over 40.2..40.8° E, 2.2..2.8° N: tile (40, 2). */
const EXTENT = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { FEAT_CODE: 'land' }, geometry: { type: 'Polygon', coordinates: [box(36.5, -1.5, 38.5, -0.5)] } },
    { type: 'Feature', properties: { FEAT_CODE: 'sea' }, geometry: { type: 'Polygon', coordinates: [box(40.2, 2.2, 40.8, 2.8)] } },
  ],
};
const LAND_TILES = '36,-2\n36,-1\n37,-2\n37,-1\n38,-2\n38,-1\n';

describe('locate-grids', () => {
  it('writes the tiles a GeoJSON extent covers as x,y lines, and those of the features --attr-filter keeps', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'extent.geojson'), JSON.stringify(EXTENT));
    const all = await runCli(['locate-grids', DEGREE_GRID, 'extent.geojson', 'all.csv'], { cwd: dir });
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    expect(linesOf(all.stdout)).toEqual(['7 tiles of EPSG:4326;0.1;10 cover extent.geojson; saved to all.csv']);
    expect(readFileSync(path.join(dir, 'all.csv'), 'utf8')).toBe(`${LAND_TILES}40,2\n`);

    const land = await runCli(['locate-grids', DEGREE_GRID, 'extent.geojson', 'land.csv', '--attr-filter', "FEAT_CODE != 'sea'", '-v'], { cwd: dir });
    expect(land.code, land.stderr).toBe(0);
    expect(linesOf(land.stdout)).toEqual([...linesOf(LAND_TILES), '6 tiles of EPSG:4326;0.1;10 cover extent.geojson; saved to land.csv']);
    expect(readFileSync(path.join(dir, 'land.csv'), 'utf8')).toBe(LAND_TILES);
  });

  it("gives the africa-10 tile of a dataset's footprint, a STAC item", async () => {
    // As in save-tasks-command.test.ts: lon 36.40..36.45 is column 217, lat -1.45..-1.40 row 75.
    const dir = folder();
    writeFileSync(path.join(dir, 'item.json'), JSON.stringify(boxItem('kenya', [36.4, -1.45, 36.45, -1.4], '2021-03-10T08:00:00Z')));
    const r = await runCli(['locate-grids', 'africa-10', 'item.json', 'tiles.csv'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'tiles.csv'), 'utf8')).toBe('217,75\n');
  });

  it('reads a shapefile in longitude/latitude with its attributes', async () => {
    const dir = folder();
    const shp = writeAreaShapefile(path.join(dir, 'areas'), [
      { ring: box(36.5, -0.5, 38.5, -1.5) as Array<[number, number]>, name: 'Greater Nairobi', area: 700 },
      { ring: box(40.2, 2.8, 40.8, 2.2) as Array<[number, number]>, name: 'Rest of Coast', area: 20 },
    ]);
    writeFileSync(path.join(dir, 'areas.prj'), WGS84_PRJ);
    const r = await runCli(['locate-grids', DEGREE_GRID, shp, 'tiles.csv', '--attr-filter', "GCC_NAME21 NOT LIKE '%Rest of%'"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'tiles.csv'), 'utf8')).toBe(LAND_TILES);
  });

  it.each([
    ['a grid shape file', (dir: string) => ['extent.geojson', 'extent.geojson', path.join(dir, 'out.csv')], "grid 'extent.geojson' is a file: odc-stats' grid shapes are not read here; name the grid they were drawn from (au-30, africa-10, or CRS;RES;SHAPE such as 'epsg:6933;10;9600')"],
    ['a filter no feature passes', (dir: string) => [DEGREE_GRID, 'extent.geojson', path.join(dir, 'out.csv'), '--attr-filter', "FEAT_CODE = 'ice'"], 'no feature of extent extent.geojson passes --attr-filter "FEAT_CODE = \'ice\'"'],
    ['an extent beside every tile', (dir: string) => ['au-30', 'extent.geojson', path.join(dir, 'out.csv'), '--attr-filter', "FEAT_CODE = 'far'"], 'extent extent.geojson shares no area with any tile of grid au-30'],
  ])('refuses %s in one line, writing nothing', async (_name, args, message) => {
    const dir = folder();
    const far = { type: 'Feature', properties: { FEAT_CODE: 'far' }, geometry: { type: 'Polygon', coordinates: [box(-170, 60, -169, 61)] } };
    writeFileSync(path.join(dir, 'extent.geojson'), JSON.stringify({ ...EXTENT, features: [...EXTENT.features, far] }));
    const r = await runCli(['locate-grids', ...args(dir)], { cwd: dir });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual([`odc-stats: error: ${message}`]);
    expect(readdirSync(dir)).toEqual(['extent.geojson']);
  });
});
