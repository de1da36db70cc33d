/**
 * `odc-stats run` as a real process: what it prints and its exit status for a dry run, a task
 * that fails, and settings or tasks it refuses.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveTasks } from '../planner/save-tasks.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';

let dir: string;
let cache: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'run-cli-'));
  // Two datasets on tile (10, 20) of a 1° grid whose SCL files do not exist.
  const item = (id: string, day: string) => ({
    type: 'Feature',
    stac_version: '1.0.0',
    id,
    collection: 'prod',
    geometry: { type: 'Polygon', coordinates: [[[10.2, 20.2], [10.8, 20.2], [10.8, 20.8], [10.2, 20.8], [10.2, 20.2]]] },
    properties: { datetime: `${day}T10:00:00Z` },
    assets: { SCL: { href: `./missing/${id}_SCL.tif`, type: 'image/tiff' } },
    links: [],
  });
  writeFileSync(path.join(dir, 'items.ndjson'), [item('a', '2021-02-01'), item('b', '2021-03-01')].map((i) => JSON.stringify(i)).join('\n'));
  const planned = await saveTasks({ catalog: path.join(dir, 'items.ndjson'), inputProducts: ['prod'], grid: 'epsg:4326;0.1;10', year: 2021, output: path.join(dir, 'plan.db') });
  cache = planned.db;
});

describe('odc-stats run', () => {
  it('lists tasks with --dryrun: id, days, datasets, output and whether new', async () => {
    const out = path.join(dir, 'out');
    const r = await runCli(['run', cache, '--plugin', 'pq', '--location', out, '--dryrun']);
    expect(r.code, r.stderr).toBe(0);
    expect(linesOf(r.stdout)).toEqual([`2021--P1Y/10/20 days: 2 datasets: 2 output: ${out}/x10/y20/2021--P1Y/pc_s2_annual_x10y20_2021--P1Y.stac-item.json (new)`]);
  });

  it('exits 1 with the failed task and the file it could not read, and nothing that looks finished', async () => {
    const out = path.join(dir, 'out-fail');
    const r = await runCli(['run', cache, '--plugin', 'pq', '--location', out, '--threads', '1']);
    expect(r.code, r.stderr).toBe(1);
    const [summary, failure, ...more] = linesOf(r.stdout);
    expect(summary).toBe('Finished 0, skipped 0, failed 1');
    // Both datasets are read at once: either may be the first to fail.
    expect(failure).toMatch(/^ {2}2021--P1Y\/10\/20: cannot read .*missing\/[ab]_SCL\.tif: no such file$/);
    expect(more).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['--config', 'plugin: pq\nproduct: {nmae: x}'], /^odc-stats: error: unknown key 'product\.nmae' in config \(inline\) \(did you mean 'name'\?\)\n$/],
    [['--plugin', 'pq', '--plugin-config', 'filter: {}'], /^odc-stats: error: unknown key 'filter' in plugin_config of pq \(did you mean 'filters'\?\)\n$/],
    [['--config', 'plugin: gm-ls\nplugin_config: {transform_code: "EPSG:9999"}'], /^odc-stats: error: plugin_config of gm-ls: key 'transform_code' names EPSG:9999, which is not a coordinate operation known here: /],
    [['--plugin', 'nope'], /^odc-stats: error: unknown plugin 'nope'/],
    [['--plugin', 'pq', '--threads', 'two'], /^odc-stats: error: invalid --threads 'two'/],
    [[], /^odc-stats: error: no plugin/],
  ])('rejects bad settings %j in one line', async (args, message) => {
    const r = await runCli(['run', cache, '--location', path.join(dir, 'x'), ...args]);
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  describe('on a config in the dialect of the field', () => {
    // DEA's Landsat geomedian form: per-class cloud_filters, a numeric nodata class, an empty
    // cog_opts.overrides, save-tasks keys; and one misspelt top-level key, which odc-stats ignores.
    const config = [
      'plugin: gm-ls',
      'plugin_config:',
      '  nodata_classes: [255, nodata]',
      '  cloud_filters:',
      '    cloud:',
      '      - [opening, 3]',
      '      - [dilation, 6]',
      '    shadow:',
      '      - [dilation, 6]',
      'product:',
      '  name: ga_ls8cls9c_gm_cyear_3',
      '  version: 4.0.0',
      'cog_opts:',
      '  zlevel: 9',
      '  overrides:',
      'max_procesing_time: 2400',
      'gqa: 1',
      'dataset_filter: \'{"dataset_maturity": "final"}\'',
      '',
    ].join('\n');
    let file: string;
    beforeAll(() => {
      file = path.join(dir, 'dea-gm.yaml');
      writeFileSync(file, config);
    });

    it('runs with one warning line naming the ignored key and the key it is near', async () => {
      const out = path.join(dir, 'out-dea');
      const r = await runCli(['run', cache, '--config', file, '--location', out, '--dryrun']);
      expect(r.code, r.stderr).toBe(0);
      expect(linesOf(r.stderr)).toEqual([`odc-stats: warning: unknown key 'max_procesing_time' in config ${file} is ignored (did you mean 'max_processing_time'?)`]);
      expect(linesOf(r.stdout)).toEqual([
        `2021--P1Y/10/20 days: 2 datasets: 2 output: ${out}/x10/y20/2021--P1Y/ga_ls8cls9c_gm_cyear_3_x10y20_2021--P1Y.stac-item.json (new)`,
      ]);
    });

    it('refuses it with --strict, in one error line', async () => {
      const r = await runCli(['run', cache, '--config', file, '--location', path.join(dir, 'out-strict'), '--dryrun', '--strict']);
      expect(r.code).toBe(1);
      expect(linesOf(r.stderr)).toEqual([`odc-stats: error: unknown key 'max_procesing_time' in config ${file} (did you mean 'max_processing_time'?)`]);
      expect(r.stdout).toBe('');
    });
  });

  it('names a task that is not in the cache, and a cache that does not exist', async () => {
    const notThere = await runCli(['run', cache, '2021--P1Y/1/2', '--plugin', 'pq', '--location', dir]);
    expect(notThere.code).toBe(1);
    expect(linesOf(notThere.stderr)).toEqual(['odc-stats: error: task 2021--P1Y/01/02 is not in the task cache']);
    const noCache = await runCli(['run', path.join(dir, 'nope.db'), '--plugin', 'pq', '--location', dir]);
    expect(noCache.code).toBe(1);
    expect(linesOf(noCache.stderr)).toEqual([`odc-stats: error: task cache not found: ${path.join(dir, 'nope.db')}`]);
  });
});
