/**
 * Where `run` takes its config from, and the odc-stats options of `run` that set config keys:
 * a config on S3 (moto) or behind HTTP (a loopback server), `--resolution Y,X`, `--no-public`,
 * `--resampling`, `--dataset-filters`, `--apply_eodatasets3`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../io/s3-client.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';
import { serveDirectory } from '../test-support/static-server.js';
import { resolveRunConfig } from './run-tasks-command.js';
import { oneDatasetCache } from '../test-support/one-dataset-cache.js';

motoForTests();

const CONFIG = 'plugin: pq\nplugin_config: {resampling: nearest}\nproduct: {name: pq_remote, version: 1.0.0}\nmax_procesing_time: 10\n';
const DRY_RUN_LINE = (out: string) => `2021--P1Y/10/20 days: 1 datasets: 1 output: ${out}/x10/y20/2021--P1Y/pq_remote_x10y20_2021--P1Y.stac-item.json (new)`;

let dir: string;
let cache: string;
let http: { url: string; stop(): Promise<void> };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'run-config-sources-'));
  cache = await oneDatasetCache(dir);

  const s3 = s3Client();
  await s3.send(new CreateBucketCommand({ Bucket: 'configs' }));
  await s3.send(new PutObjectCommand({ Bucket: 'configs', Key: 'stats/pq.yaml', Body: CONFIG }));
  await s3.send(new PutObjectCommand({ Bucket: 'configs', Key: 'stats/plugin.yaml', Body: 'resampling: nearest\n' }));

  const served = path.join(dir, 'served');
  mkdirSync(served);
  writeFileSync(path.join(served, 'pq.yaml'), CONFIG);
  http = await serveDirectory(served);
}, 60_000);

afterAll(async () => {
  await http.stop();
});

describe('run --config from a URL, as odc-stats reads one with a scheme and a host', () => {
  it('reads an s3:// config (and --plugin-config), naming the URI in its warnings', async () => {
    const out = path.join(dir, 'out-s3');
    const r = await runCli(['run', cache, '--config', 's3://configs/stats/pq.yaml', '--plugin-config', 's3://configs/stats/plugin.yaml', '--location', out, '--dryrun']);
    expect(r.code, r.stderr).toBe(0);
    expect(linesOf(r.stderr)).toEqual([
      "odc-stats: warning: unknown key 'max_procesing_time' in config s3://configs/stats/pq.yaml is ignored (did you mean 'max_processing_time'?)",
    ]);
    expect(linesOf(r.stdout)).toEqual([DRY_RUN_LINE(out)]);
  });

  it('reads an http:// config', async () => {
    const out = path.join(dir, 'out-http');
    const url = `${http.url}pq.yaml`;
    const r = await runCli(['run', cache, '--config', url, '--location', out, '--dryrun']);
    expect(r.code, r.stderr).toBe(0);
    expect(linesOf(r.stderr)).toEqual([`odc-stats: warning: unknown key 'max_procesing_time' in config ${url} is ignored (did you mean 'max_processing_time'?)`]);
    expect(linesOf(r.stdout)).toEqual([DRY_RUN_LINE(out)]);
  });

  it('says in one line that a config URL names nothing', async () => {
    const s3 = await runCli(['run', cache, '--config', 's3://configs/stats/nope.yaml', '--location', dir, '--dryrun']);
    expect([s3.code, linesOf(s3.stderr)]).toEqual([1, ['odc-stats: error: run config not found: s3://configs/stats/nope.yaml']]);
    const url = `${http.url}nope.yaml`;
    const web = await runCli(['run', cache, '--config', url, '--location', dir, '--dryrun']);
    expect([web.code, linesOf(web.stderr)]).toEqual([1, [`odc-stats: error: cannot read ${url}: HTTP 404`]]);
  });
});

describe("odc-stats' options of run", () => {
  it('takes --resolution as a size or as a Y,X pair of square pixels', async () => {
    expect((await resolveRunConfig({ resolution: '30' })).resolution).toBe(30);
    expect((await resolveRunConfig({ resolution: '-30,30' })).resolution).toBe(30);
    expect((await resolveRunConfig({ resolution: '10,10' })).resolution).toBe(10);
    await expect(resolveRunConfig({ resolution: '-10,20' })).rejects.toThrow("invalid --resolution '-10,20': pixels that are not square are not supported");
    await expect(resolveRunConfig({ resolution: 'a,b' })).rejects.toThrow(/^invalid --resolution 'a,b': /);
  });

  it('leaves the config\u2019s s3_acl with --no-public, and sets public-read with --public', async () => {
    const config = 's3_acl: bucket-owner-full-control';
    expect((await resolveRunConfig({ config, public: false })).s3_acl).toBe('bucket-owner-full-control');
    expect((await resolveRunConfig({ config, public: true })).s3_acl).toBe('public-read');
  });

  it('sets plugin_config.resampling with --resampling, over --plugin-config', async () => {
    const config = await resolveRunConfig({ config: 'plugin: gm-s2\nplugin_config: {resampling: bilinear, bands: [B02]}', pluginConfig: 'resampling: cubic', resampling: 'average' });
    expect(config.plugin_config).toEqual({ resampling: 'average', bands: ['B02'] });
  });

  it('takes --dataset-filters over the key, and refuses one that is not JSON objects joined by |', async () => {
    const config = await resolveRunConfig({ config: 'dataset_filters: \'{"dataset_maturity": "interim"}\'', datasetFilters: '{"dataset_maturity": "final"}' });
    expect(config.dataset_filters).toBe('{"dataset_maturity": "final"}');
    await expect(resolveRunConfig({ datasetFilters: 'final' })).rejects.toThrow(/^invalid --dataset-filters: filter 1 \("final"\) is not JSON/);
  });

  it('takes --apply_eodatasets3 as the key set to true, without a word, --strict too', async () => {
    const warnings: string[] = [];
    expect((await resolveRunConfig({ apply_eodatasets3: true }, (line) => warnings.push(line))).apply_eodatasets3).toBe(true);
    expect((await resolveRunConfig({ config: 'apply_eodatasets3: false', apply_eodatasets3: true, strict: true })).apply_eodatasets3).toBe(true);
    expect((await resolveRunConfig({ config: 'apply_eodatasets3: true' })).apply_eodatasets3).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('accepts them on the command line', async () => {
    const out = path.join(dir, 'out-options');
    const r = await runCli(['run', cache, '--plugin', 'pq', '--location', out, '--resolution=-0.1,0.1', '--no-public', '--resampling', 'nearest', '--dataset-filters', '{}', '--dryrun']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(linesOf(r.stdout)).toEqual([`2021--P1Y/10/20 days: 1 datasets: 1 output: ${out}/x10/y20/2021--P1Y/pc_s2_annual_x10y20_2021--P1Y.stac-item.json (new)`]);
  });
});
