/**
 * Malformed input to every command, as a user types it: each ends in a real process with exit
 * status 1, one line on stderr that names the problem, no stack trace, and nothing written.
 * Each case runs in a folder of its own holding the fixtures; whatever else appears there (or
 * under a fixture folder) after the command is something left behind.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { boxItem, ndjson, tiffAsset } from '../test-support/stac-items.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';

const ITEM = boxItem('one', [10.2, 20.2, 10.8, 20.8], '2021-03-10T10:00:00Z', { assets: { SCL: tiffAsset('./SCL.tif') } });
const GRID = 'epsg:4326;0.1;10';
const polygon = (ring: number[][]) => JSON.stringify({ type: 'Polygon', coordinates: [ring] });

/** Files every case's folder starts with. */
const FIXTURES: Record<string, string> = {
  'items.ndjson': ndjson([ITEM]),
  'notstac.json': JSON.stringify({ hello: 'world' }),
  'broken.json': '{"type": "Catalog", ',
  'garbage.db': 'this is not a SQLite file, though its name says so',
  'afile': 'a regular file, where a folder is expected',
  'misspelt.yaml': 'plugin: pq\npluginn_config: {}\n',
  'list.yaml': '- 1\n- 2\n',
  'region-lon500.geojson': polygon([[500, 20], [501, 20], [501, 21], [500, 21], [500, 20]]),
  'region-notjson.geojson': 'POLYGON((10 20, 11 20, 11 21, 10 20))',
  'region-point.geojson': JSON.stringify({ type: 'Point', coordinates: [10.5, 20.5] }),
};

let planDb: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-input-plan-'));
  writeFileSync(path.join(dir, 'items.ndjson'), FIXTURES['items.ndjson']!);
  planDb = path.join(dir, 'plan.db');
  const planned = await runCli(['save-tasks', '--catalog', 'items.ndjson', '--input-products', 'prod', '--grid', GRID, '--year', '2021', planDb], { cwd: dir });
  expect(planned.stderr).toBe('');
});

function caseFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
  for (const [name, content] of Object.entries(FIXTURES)) writeFileSync(path.join(dir, name), content);
  copyFileSync(planDb, path.join(dir, 'plan.db'));
  mkdirSync(path.join(dir, 'out'));
  return dir;
}

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

const plan = ['save-tasks', '--catalog', 'items.ndjson', '--input-products', 'prod', '--grid', GRID, '--year', '2021'];
const run = ['run', 'plan.db', '--plugin', 'pq', '--location', 'out'];

/** [what is wrong, arguments, the one line on stderr]. */
const CASES: Array<[string, string[], RegExp]> = [
  // save-tasks
  ['an unknown grid', ['save-tasks', '--catalog', 'items.ndjson', '--input-products', 'prod', '--grid', 'au-15', 'out/p.db'], /^odc-stats: error: .*'au-15'/],
  ['a malformed temporal range', [...plan.slice(0, -2), '--temporal-range', '2020--P1X', 'out/p.db'], /^odc-stats: error: invalid temporal range '2020--P1X'/],
  ['an unknown frequency', [...plan, '--frequency', 'weekly', 'out/p.db'], /^odc-stats: error: .*'weekly'/],
  ['a year that is no year', [...plan.slice(0, -1), 'twenty', 'out/p.db'], /^odc-stats: error: invalid --year 'twenty'/],
  ['both --year and --temporal-range', [...plan, '--temporal-range', '2021--P1Y', 'out/p.db'], /^odc-stats: error: give either --year or --temporal-range, not both$/],
  ['no input products', ['save-tasks', '--catalog', 'items.ndjson', '--grid', GRID, 'out/p.db'], /^odc-stats: error: no input products/],
  ['no grid', ['save-tasks', '--catalog', 'items.ndjson', '--input-products', 'prod', 'out/p.db'], /^odc-stats: error: missing --grid/],
  ['a catalogue that does not exist', ['save-tasks', '--catalog', 'nope.json', '--input-products', 'prod', '--grid', GRID, 'out/p.db'], /^odc-stats: error: catalogue not found: .*nope\.json$/],
  ['a JSON file that is not STAC', ['save-tasks', '--catalog', 'notstac.json', '--input-products', 'prod', '--grid', GRID, 'out/p.db'], /^odc-stats: error: .*notstac\.json.* is not a STAC/],
  ['a catalogue that is not valid JSON', ['save-tasks', '--catalog', 'broken.json', '--input-products', 'prod', '--grid', GRID, 'out/p.db'], /^odc-stats: error: .*broken\.json/],
  ['malformed --tiles', [...plan, '--tiles', '1-2,3-4', 'out/p.db'], /^odc-stats: error: invalid --tiles '1-2,3-4'/],
  ['an empty --tiles range', [...plan, '--tiles', '5:5,0:1', 'out/p.db'], /^odc-stats: error: invalid --tiles '5:5,0:1': empty range/],
  ['a region file that does not exist', [...plan, '--region', 'nope.geojson', 'out/p.db'], /^odc-stats: error: region file not found: nope\.geojson$/],
  ['a region file that is not JSON', [...plan, '--region', 'region-notjson.geojson', 'out/p.db'], /^odc-stats: error: region file region-notjson\.geojson is not valid GeoJSON/],
  ['a region without a polygon', [...plan, '--region', 'region-point.geojson', 'out/p.db'], /^odc-stats: error: region has no polygon \(found Point\)/],
  ['a region at longitude 500', [...plan, '--region', 'region-lon500.geojson', 'out/p.db'], /^odc-stats: error: .*longitude 500/],
  ['a config file that does not exist', [...plan, '--config', 'nope.yaml', 'out/p.db'], /^odc-stats: error: config file not found: nope\.yaml$/],
  ['a dataset filter that is not JSON', [...plan, '--dataset-filter', '{platform: s2}', 'out/p.db'], /^odc-stats: error: invalid --dataset-filter: expected a JSON object/],
  ['no dataset in the range', [...plan.slice(0, -1), '2019', 'out/p.db'], /^odc-stats: error: no datasets found in items\.ndjson/],
  ['an output under a regular file', [...plan, 'afile/p.db'], /^odc-stats: error: .*afile/],
  ['an unknown option', [...plan, '--gird', 'x', 'out/p.db'], /^error: unknown option '--gird'/],

  // run
  ['a task cache that does not exist', ['run', 'nope.db', '--plugin', 'pq', '--location', 'out'], /^odc-stats: error: task cache not found: nope\.db$/],
  ['a task cache that is not SQLite', ['run', 'garbage.db', '--plugin', 'pq', '--location', 'out'], /^odc-stats: error: not a task cache .*: garbage\.db$/],
  ['no plugin', ['run', 'plan.db', '--location', 'out'], /^odc-stats: error: no plugin/],
  ['an unknown plugin', ['run', 'plan.db', '--plugin', 'nope', '--location', 'out'], /^odc-stats: error: unknown plugin 'nope'/],
  ['a misspelt config key, with --strict', ['run', 'plan.db', '--config', 'misspelt.yaml', '--location', 'out', '--strict'], /^odc-stats: error: unknown key 'pluginn_config' in config misspelt\.yaml \(did you mean 'plugin_config'\?\)/],
  ['a config that is a list', ['run', 'plan.db', '--config', 'list.yaml', '--location', 'out'], /^odc-stats: error: config list\.yaml must be a mapping/],
  ['inline YAML that is a list', ['run', 'plan.db', '--config', '[1,2]', '--location', 'out'], /^odc-stats: error: config \(inline\) must be a mapping/],
  ['a config file that does not exist', ['run', 'plan.db', '--config', 'nope.yaml', '--location', 'out'], /^odc-stats: error: --config file not found: nope\.yaml$/],
  ['a plugin_config key the plugin does not know', [...run, '--plugin-config', 'filter: {}'], /^odc-stats: error: unknown key 'filter' in plugin_config of pq/],
  ['--threads that is not a number', [...run, '--threads', 'two'], /^odc-stats: error: invalid --threads 'two'/],
  ['--threads-per-task that is not a number', [...run, '--threads-per-task', 'all'], /^odc-stats: error: invalid --threads-per-task 'all'/],
  ['a negative --max-processing-time', [...run, '--max-processing-time', '-1'], /^odc-stats: error: invalid --max-processing-time '-1': must be at least 0$/],
  ['an empty --location', ['run', 'plan.db', '--plugin', 'pq', '--location', ''], /^odc-stats: error: invalid --location '': must not be empty$/],
  ['a memory limit in no unit of bytes', [...run, '--memory-limit', '12XB'], /^odc-stats: error: invalid --memory-limit '12XB'/],
  ['a zero --resolution', [...run, '--resolution', '0'], /^odc-stats: error: invalid --resolution '0'/],
  ['a malformed task selector', [...run, '2021--P1Y/x/y'], /^odc-stats: error: .*2021--P1Y\/x\/y/],
  ['a task that is not in the cache', [...run, '2021--P1Y/1/2'], /^odc-stats: error: task 2021--P1Y\/01\/02 is not in the task cache/],
  ['a COG setting out of range', [...run, '--cog-config', 'zlevel: 40'], /^odc-stats: error: config .*: key 'cog_opts\.zlevel' must be at most 12$/],

  // publish-tasks
  ['a local cache without --cache-uri', ['publish-tasks', 'plan.db', 'queue'], /^odc-stats: error: workers read the task cache from S3: give --cache-uri/],
  ['a --cache-uri that is not s3://', ['publish-tasks', 'plan.db', 'queue', '--cache-uri', 'out/plan.db'], /^odc-stats: error: invalid --cache-uri 'out\/plan\.db'/],
  ['a cache to publish that does not exist', ['publish-tasks', 'nope.db', 'queue', '--cache-uri', 's3://b/nope.db'], /^odc-stats: error: task cache not found: nope\.db$/],
  ['a region filter that does not exist', ['publish-tasks', 'plan.db', 'queue', '--cache-uri', 's3://b/plan.db', '--geojson-filter', 'nope.geojson'], /^odc-stats: error: .*nope\.geojson/],
  ['a missing queue argument', ['publish-tasks', 'plan.db'], /^error: missing required argument 'QUEUE'/],

  // worker
  ['a worker without a queue', ['worker', '--plugin', 'pq'], /^error: required option '--from-sqs <QUEUE>' not specified$/],
  ['a long poll longer than SQS allows', ['worker', '--from-sqs', 'q', '--plugin', 'pq', '--location', 'out', '--wait-time', '30'], /^odc-stats: error: .*wait.*30/],
  ['a --max-receive of 0', ['worker', '--from-sqs', 'q', '--plugin', 'pq', '--location', 'out', '--max-receive', '0'], /^odc-stats: error: invalid --max-receive '0'/],
  ['a worker without a plugin', ['worker', '--from-sqs', 'q', '--location', 'out'], /^odc-stats: error: no plugin/],

  // status, serve, demo, the program
  ['the status of a cache that does not exist', ['status', 'nope.db', '--plugin', 'pq', '--location', 'out'], /^odc-stats: error: task cache not found: nope\.db$/],
  ['a port beyond 65535', ['serve', '--port', '70000'], /^error: option '--port <N>' argument '70000' is invalid/],
  ['a demo folder under a regular file', ['demo', 'afile/demo'], /^odc-stats: error: .*afile/],
  ['demo --threads that is not a number', ['demo', 'out/demo', '--threads', 'many'], /^odc-stats: error: invalid --threads 'many'/],
  ['an unknown command', ['sav-tasks'], /^error: unknown command 'sav-tasks'/],
];

describe.concurrent('bad input to odc-stats', () => {
  it.each(CASES)('%s: exit 1, one line naming it, nothing left behind', async (_what, args, message) => {
    const dir = caseFolder();
    const before = listing(dir);
    // Nothing here should reach AWS; were it to try, it finds a closed port on loopback.
    const r = await runCli(args, { cwd: dir, env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' } });
    const stderr = linesOf(r.stderr);
    expect(stderr, r.stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    expect(listing(dir)).toEqual(before);
  });
});
