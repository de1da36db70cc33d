/**
 * `odc-stats run` as a real process, as a user meets it: its exit status, its stderr, and the
 * files it leaves when a task fails, when it is interrupted, and when its output location cannot
 * be written. A set of outputs is either whole (bands, checksums, STAC item) or not there at all.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestPlugin, writeTinyCache } from '../fleet/test-support/fleet-fixture.js';
import { s3Client } from '../../io/s3-client.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { linesOf, runCli, startCli, type CliProcess } from '../test-support/spawn-cli.js';

const PERIOD = '2021--P1Y';
const FIRST = `${PERIOD}/250/9900`;
const SECOND = `${PERIOD}/250/9901`;

let dir: string;
let cache: string;
let plugin: string;
const started: CliProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'run-outcomes-'));
  cache = await writeTinyCache(dir, 2, 2);
  plugin = writeTestPlugin(dir);
});

afterAll(() => {
  // Whatever a failed test left running, with its workers.
  for (const cli of started) if (cli.child.exitCode === null && cli.child.signalCode === null) process.kill(-cli.child.pid!, 'SIGKILL');
});

/** `odc-stats ARGS…` in a process group of its own, as a terminal's foreground job. */
function startRun(args: string[]): CliProcess {
  const cli = startCli(['run', ...args], { processGroup: true });
  started.push(cli);
  return cli;
}

/** A run config (JSON is YAML) of the test plugin. */
function config(name: string, pluginConfig: Record<string, unknown> = {}): string {
  const file = path.join(dir, `${name}.yaml`);
  const settings = {
    plugin,
    product: { name: 't', short_name: 't', version: '1.0.0' },
    cog_opts: { blocksize: 64 },
    plugin_config: pluginConfig,
  };
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

/** The folder of a task's outputs and its files' common start, as the output layout names them, written out by hand. */
function taskFiles(location: string, task: string): { folder: string; prefix: string } {
  const [, x, y] = task.split('/');
  return { folder: path.join(location, `x${x}`, `y${y}`, PERIOD), prefix: `t_x${x}y${y}_${PERIOD}` };
}

function filesOf(location: string, task: string): string[] {
  const { folder } = taskFiles(location, task);
  return existsSync(folder) ? readdirSync(folder).sort() : [];
}

function completeSet(task: string): string[] {
  const { prefix } = taskFiles('', task);
  return [`${prefix}.sha1`, `${prefix}.stac-item.json`, `${prefix}_days.tif`, `${prefix}_observed.tif`];
}

/** Polls until `condition` holds; fails if the CLI exits first. */
async function until(condition: () => boolean, cli: CliProcess): Promise<void> {
  let exited = false;
  void cli.outcome.then(() => (exited = true));
  while (!condition()) {
    if (exited) throw new Error(`the CLI exited first; stderr: ${cli.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('odc-stats run, interrupted', () => {
  it('on Ctrl-C (SIGINT to its process group) mid-write: exits 130; the task under way leaves nothing, the finished one its whole set', async () => {
    const out = path.join(dir, 'ctrl-c');
    const cli = startRun([cache, FIRST, SECOND, '--config', config('ctrl-c', { slow_writes: { '250/9901': 400 } }), '--location', out, '--threads', '1']);
    const { folder, prefix } = taskFiles(out, SECOND);
    await until(() => existsSync(path.join(folder, `${prefix}_observed.tif`)), cli);
    process.kill(-cli.child.pid!, 'SIGINT');
    const r = await cli.outcome;
    expect(r.code, r.stderr).toBe(130);
    expect(filesOf(out, SECOND)).toEqual([]);
    expect(filesOf(out, FIRST)).toEqual(completeSet(FIRST));
  });

  it('on SIGTERM while its worker cannot answer: kills the worker and removes what the task wrote', async () => {
    const out = path.join(dir, 'sigterm');
    // The worker blocks before each rename of the task's files: a temporary is on disk, and the
    // cancel the host sends goes unread.
    const cli = startRun([cache, FIRST, SECOND, '--config', config('sigterm', { stalled_writes: { '250/9901': 5000 } }), '--location', out, '--threads', '1']);
    await until(() => filesOf(out, SECOND).some((f) => f.endsWith('.tmp')), cli);
    // To the CLI alone, as `kill PID` does.
    cli.child.kill('SIGTERM');
    const r = await cli.outcome;
    expect(r.code, r.stderr).toBe(130);
    expect(filesOf(out, SECOND)).toEqual([]);
    expect(filesOf(out, FIRST)).toEqual(completeSet(FIRST));
  });

  it('with --overwrite, removes the old STAC item before the new bands, so an interrupted set never looks finished', async () => {
    const out = path.join(dir, 'overwrite');
    const first = await runCli(['run', cache, SECOND, '--config', config('overwrite-first'), '--location', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(filesOf(out, SECOND)).toEqual(completeSet(SECOND));

    const cli = startRun([cache, SECOND, '--overwrite', '--config', config('overwrite', { slow_writes: { '250/9901': 400 } }), '--location', out]);
    await until(() => filesOf(out, SECOND).some((f) => f.endsWith('.tmp')), cli);
    process.kill(-cli.child.pid!, 'SIGINT');
    const r = await cli.outcome;
    expect(r.code, r.stderr).toBe(130);
    expect(filesOf(out, SECOND)).toEqual([]);
  });
});

describe('odc-stats run, failing', () => {
  it('exits 1 when an input COG is truncated, naming the file, with no file handle left to the garbage collector and no stack trace', async () => {
    const inputs = mkdtempSync(path.join(dir, 'truncated-'));
    const truncatedCache = await writeTinyCache(inputs, 2, 2);
    const truncated = path.join(inputs, 'inputs', '2021-02-01', 'SCL.tif');
    truncateSync(truncated, 600);
    const out = path.join(dir, 'truncated-out');
    const r = await runCli(['run', truncatedCache, '--config', config('truncated'), '--location', out, '--threads', '1']);
    expect(r.code, r.stderr).toBe(1);
    const summary = linesOf(r.stdout);
    expect(summary[0]).toBe('Finished 0, skipped 0, failed 4');
    for (const line of summary.slice(1)) expect(line).toContain(`cannot read ${truncated}: `);
    expect(r.stderr).not.toMatch(/Closing file descriptor|\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 1 when an input file is missing, naming it', async () => {
    const inputs = mkdtempSync(path.join(dir, 'missing-'));
    const missingCache = await writeTinyCache(inputs, 1, 1);
    const missing = path.join(inputs, 'inputs', '2021-03-01', 'SCL.tif');
    rmSync(missing);
    const r = await runCli(['run', missingCache, '--config', config('missing'), '--location', path.join(dir, 'missing-out')]);
    expect(r.code, r.stderr).toBe(1);
    expect(linesOf(r.stdout)).toEqual(['Finished 0, skipped 0, failed 1', `  ${FIRST}: cannot read ${missing}: no such file`]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['under /proc, where folders cannot be made', () => '/proc/odc-out', /cannot create the folder \/proc\/odc-out/],
    ['under a regular file', () => path.join(dir, 'a-file', 'out'), /is a file, not a folder$/],
  ])('fails at once in one line, before any task, for a location %s', async (_, location, reason) => {
    writeFileSync(path.join(dir, 'a-file'), 'not a folder');
    const r = await runCli(['run', cache, '--config', config('location'), '--location', location()], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(1);
    const lines = linesOf(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^odc-stats: error: cannot write to the output location ${location()}: `));
    expect(lines[0]).toMatch(reason);
  });
});

describe('odc-stats run on S3', () => {
  motoForTests();
  beforeAll(async () => {
    await s3Client().send(new CreateBucketCommand({ Bucket: 'out' }));
  }, 60_000);

  it('fails at once in one line for a bucket that does not exist', async () => {
    const r = await runCli(['run', cache, '--config', config('no-bucket'), '--location', 's3://no-such-bucket/odc']);
    expect(r.code, r.stderr).toBe(1);
    expect(linesOf(r.stderr)).toEqual(['odc-stats: error: cannot write to the output location s3://no-such-bucket/odc: no bucket no-such-bucket']);
  });

  it('computes a task whose set has no STAC item, and skips it once the item is there', async () => {
    const s3 = s3Client();
    const { prefix } = taskFiles('', FIRST);
    const folder = `unfinished/x250/y9900/${PERIOD}`;
    await s3.send(new PutObjectCommand({ Bucket: 'out', Key: `${folder}/${prefix}_observed.tif`, Body: 'left by a run cut short' }));
    const args = ['run', cache, FIRST, '--config', config('s3'), '--location', 's3://out/unfinished'];
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(0);
    expect(linesOf(r.stdout)).toEqual(['Finished 1, skipped 0, failed 0']);
    await s3.send(new HeadObjectCommand({ Bucket: 'out', Key: `${folder}/${prefix}.stac-item.json` }));
    const band = await s3.send(new GetObjectCommand({ Bucket: 'out', Key: `${folder}/${prefix}_observed.tif` }));
    expect(Buffer.from(await band.Body!.transformToByteArray()).subarray(0, 2).toString()).toBe('II');

    const again = await runCli(args);
    expect(linesOf(again.stdout)).toEqual(['Finished 0, skipped 1, failed 0']);
  });
});
