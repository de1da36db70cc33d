/**
 * `odc-stats save-tasks` as a user meets it, in a real process: bounded work for any --tiles,
 * regions in a projected CRS, items it cannot read, and Ctrl-C / SIGTERM mid-way.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxItem, ndjson, tiffAsset, type LonLatBox } from '../test-support/stac-items.js';
import type { StacItem } from '../../shared/stac.js';
import { linesOf, runCli, startCli } from '../test-support/spawn-cli.js';

const item = (id: string, box: LonLatBox, datetime: string, assets: StacItem['assets'] = { red: tiffAsset('./red.tif') }) => boxItem(id, box, datetime, { assets });

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'save-tasks-cli-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

const plan = (grid: string) => ['save-tasks', '--catalog', 'items.ndjson', '--input-products', 'prod', '--grid', grid, '--year', '2021'];
const LONLAT_1DEG = 'epsg:4326;0.1;10';
/** 0.01° tiles: fine enough that a few degrees take the planner seconds. */
const LONLAT_FINE = 'epsg:4326;0.001;10';

describe('save-tasks --tiles', () => {
  it('plans --tiles 0:100000000,0:100000000 as the whole grid, in little memory', async () => {
    // africa-10: x = 6 378 137 m · k0 · λ with k0 = 0.867477 is 96 567 m a degree; lon 36.40..36.45
    // is x 3 515 054..3 519 882 m, column floor((x + 17 376 000) / 96 000) = 217; lat -1.45..-1.40
    // is y ≈ -184 800..-178 400 m, row floor((y + 7 392 000) / 96 000) = 75.
    const dir = folder({ 'items.ndjson': ndjson([item('kenya', [36.4, -1.45, 36.45, -1.4], '2021-03-10T08:00:00Z')]) });
    const r = await runCli([...plan('africa-10'), '--tiles', '0:100000000,0:100000000', 'out.db'], {
      cwd: dir,
      env: { NODE_OPTIONS: '--max-old-space-size=256' },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe('T,X,Y,datasets,days\n2021--P1Y,217,75,1,1\n');
  });

  it('refuses --tiles wholly outside the grid in one line naming its tiles, writing nothing', async () => {
    const dir = folder({ 'items.ndjson': ndjson([item('kenya', [36.4, -1.45, 36.45, -1.4], '2021-03-10T08:00:00Z')]) });
    const r = await runCli([...plan('africa-10'), '--tiles', '1000:1001,0:1', 'out.db'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual(['odc-stats: error: --tiles 1000:1001,0:1 lies outside grid africa-10, whose tiles are 0:362,0:154']);
    expect(readdirSync(dir)).toEqual(['items.ndjson']);
  });
});

describe('save-tasks --region', () => {
  // UTM zone 37S, eastings 520 000..530 000 and northings 9 850 000..9 860 000: lon 39.18..39.27,
  // lat -1.36..-1.27 (150 km south of the equator at 110.6 km a degree), the 1° tile (39, -2).
  const utmRing = [[520_000, 9_850_000], [530_000, 9_850_000], [530_000, 9_860_000], [520_000, 9_860_000], [520_000, 9_850_000]];
  const items = ndjson([item('inside', [39.1, -1.9, 39.9, -1.1], '2021-05-01T08:00:00Z'), item('elsewhere', [20.1, 10.1, 20.9, 10.9], '2021-05-01T08:00:00Z')]);

  it('reprojects a region with a crs member and plans the tile it lies in', async () => {
    const region = { type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32737' } }, features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [utmRing] } }] };
    const dir = folder({ 'items.ndjson': items, 'utm.geojson': JSON.stringify(region) });
    const r = await runCli([...plan(LONLAT_1DEG), '--region', 'utm.geojson', 'out.db'], { cwd: dir, timeoutMs: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe('T,X,Y,datasets,days\n2021--P1Y,39,-2,1,1\n');
  });

  it.each([
    ['projected coordinates without a crs member', { type: 'Polygon', coordinates: [utmRing] }, /^odc-stats: error: region: longitude 520000 is outside -180\.\.180 .*give the GeoJSON a crs member$/],
    ['a bow-tie', { type: 'Polygon', coordinates: [[[39, -2], [40, -1], [40, -2], [39, -1], [39, -2]]] }, /^odc-stats: error: region: polygon 1 crosses itself near \[39\.5, -1\.5\]/],
    ['a two-point polygon', { type: 'Polygon', coordinates: [[[39, -2], [40, -1], [40, -1], [39, -2]]] }, /^odc-stats: error: region: polygon 1 has fewer than 3 distinct corners$/],
  ])('refuses %s in one line, writing nothing', async (_name, region, message) => {
    const dir = folder({ 'items.ndjson': items, 'region.geojson': JSON.stringify(region) });
    const r = await runCli([...plan(LONLAT_1DEG), '--region', 'region.geojson', 'out.db'], { cwd: dir, timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toHaveLength(1);
    expect(linesOf(r.stderr)[0]).toMatch(message);
    expect(readdirSync(dir).sort()).toEqual(['items.ndjson', 'region.geojson']);
  });
});

describe('save-tasks and items it cannot read', () => {
  it('leaves items without raster assets out of the tasks and warns, naming them', async () => {
    const box: [number, number, number, number] = [10.2, 20.2, 10.8, 20.8];
    const dir = folder({
      'items.ndjson': ndjson([
        item('good', box, '2021-03-10T10:00:00Z'),
        item('bare', box, '2021-03-11T10:00:00Z', {}),
        item('thumbs', box, '2021-03-12T10:00:00Z', { thumbnail: { href: './t.png', type: 'image/png', roles: ['thumbnail'] } }),
      ]),
    });
    const r = await runCli([...plan(LONLAT_1DEG), 'out.db'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Planned 1 tasks on 1 tiles of EPSG:4326;0.1;10, annual 2021--P1Y, from 1 datasets (3 items read)');
    expect(r.stdout).toContain('warning: 2 items have no raster asset (GeoTIFF or JPEG 2000) to read and were left out of the tasks: bare, thumbs\n');
    expect(readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe('T,X,Y,datasets,days\n2021--P1Y,10,20,1,1\n');

    const json = await runCli([...plan(LONLAT_1DEG), '--json', '--overwrite', 'out.db'], { cwd: dir });
    const summary = JSON.parse(json.stdout) as { counts: { skipped: { noAssets: number } }; warnings: string[] };
    expect(summary.counts.skipped.noAssets).toBe(2);
    expect(summary.warnings).toHaveLength(1);
  });
});

describe('save-tasks interrupted', () => {
  /** Starts the CLI, waits until it writes its temporary cache, signals it, and times the exit. */
  async function interrupt(dir: string, args: string[], signal: NodeJS.Signals) {
    const cli = startCli(args, { cwd: dir, timeoutMs: 120_000 });
    const started = Date.now();
    while (!readdirSync(dir).some((f) => f.endsWith('.tmp'))) {
      if (Date.now() - started > 60_000) throw new Error(`no temporary cache appeared; stderr: ${cli.stderr()}`);
      if (cli.child.exitCode !== null) throw new Error(`the CLI ended before planning; stderr: ${cli.stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Well into the slow part, which takes seconds more.
    await new Promise((r) => setTimeout(r, 300));
    const signalled = Date.now();
    cli.child.kill(signal);
    const outcome = await cli.outcome;
    return { ...outcome, secondsToExit: (Date.now() - signalled) / 1000 };
  }

  /** What the plan left in its folder: outputs or temporaries, beside the inputs. */
  const leftovers = (dir: string) => readdirSync(dir).filter((f) => !['items.ndjson', 'region.geojson'].includes(f));

  it('stops within a second of Ctrl-C while choosing the tiles of a large region', async () => {
    // A disc 9° across drawn with 1000 corners, over 810 000 tiles of 0.01°: each tile is tested
    // against every corner, seconds of work.
    const corners = Array.from({ length: 1000 }, (_, i) => [14.5 + 4.5 * Math.cos((2 * Math.PI * i) / 1000), 14.5 + 4.5 * Math.sin((2 * Math.PI * i) / 1000)]);
    const region = { type: 'Polygon', coordinates: [[...corners, corners[0]]] };
    const dir = folder({ 'items.ndjson': ndjson([item('one', [10.2, 10.2, 10.3, 10.3], '2021-03-10T10:00:00Z')]), 'region.geojson': JSON.stringify(region) });
    const r = await interrupt(dir, [...plan(LONLAT_FINE), '--region', 'region.geojson', 'out.db'], 'SIGINT');
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted');
    // Stopped by the plan itself: before the CLI's forced exit, 3 s after the signal (cli-io.ts).
    expect(r.secondsToExit).toBeLessThan(2.5);
    expect(leftovers(dir)).toEqual([]);
    expect(existsSync(path.join(dir, 'out.db'))).toBe(false);
  });

  it('stops within a second of SIGTERM while reading items', async () => {
    // Each item covers 900 tiles of 0.01°: a few milliseconds each, so 4000 items take seconds.
    const items = Array.from({ length: 4000 }, (_, i) => item(`i${i}`, [10, 10, 10.3, 10.3], new Date(Date.UTC(2021, 0, 1 + (i % 360), 10)).toISOString()));
    const dir = folder({ 'items.ndjson': ndjson(items) });
    const r = await interrupt(dir, [...plan(LONLAT_FINE), 'out.db'], 'SIGTERM');
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('terminated');
    // Stopped by the plan itself: before the CLI's forced exit, 3 s after the signal (cli-io.ts).
    expect(r.secondsToExit).toBeLessThan(2.5);
    expect(leftovers(dir)).toEqual([]);
  });
});
