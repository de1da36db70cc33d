/**
 * The run tried locally is the run the fleet computes, against moto on loopback: `publish-tasks
 * --config` uploads the tuned YAML and its messages name it; a real `odc-stats worker` process
 * whose own config says otherwise computes each task with the published one, serves /metrics
 * that agree with its log, and the Api's fleet status tells each tile's state.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { s3Client } from '../../io/s3-client.js';
import { createApiService } from '../api-service.js';
import { createSqsClient } from '../sqs/sqs-client.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { linesOf, runCli, startCli, type CliProcess } from '../test-support/spawn-cli.js';
import { createQueue, writeTestPlugin, writeTinyCache } from './test-support/fleet-fixture.js';

const BUCKET = 'published';
const CACHE_URI = `s3://${BUCKET}/caches/tiny.db`;
const CONFIG_URI = `s3://${BUCKET}/caches/tiny.run.yaml`;
const PERIOD = '2021--P1Y';
const TASKS = ['250/9900', '250/9901', '251/9900', '251/9901'].map((t) => `${PERIOD}/${t}`);
const FAILING = `${PERIOD}/251/9901`;

motoForTests();
let dir: string;
let plugin: string;
let cache: string;
let sqs: SQSClient;
let s3: S3Client;
const running: CliProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'published-run-'));
  plugin = writeTestPlugin(dir);
  cache = await writeTinyCache(dir, 2, 2);
  sqs = createSqsClient();
  s3 = s3Client();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 60_000);

afterAll(() => {
  for (const cli of running) cli.child.kill('SIGKILL');
  sqs?.destroy();
});

interface LogEvent {
  event: string;
  task?: string;
  [detail: string]: unknown;
}

function events(cli: CliProcess): LogEvent[] {
  return linesOf(cli.stdout())
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogEvent);
}

async function waitForEvents(cli: CliProcess, match: (events: LogEvent[]) => boolean): Promise<LogEvent[]> {
  for (;;) {
    const seen = events(cli);
    if (match(seen)) return seen;
    if (cli.child.exitCode !== null) throw new Error(`the worker exited: ${cli.stderr().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The samples of a scrape, by series: `name{labels}` → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

async function text(key: string): Promise<string> {
  return (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
}

async function keysUnder(prefix: string): Promise<string[]> {
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return Contents.map((c) => c.Key!);
}

function itemKey(prefix: string, product: string, task: string): string {
  const [, x, y] = task.split('/');
  return `${prefix}/x${x}/y${y}/${PERIOD}/${product}_x${x}y${y}_${PERIOD}.stac-item.json`;
}

/** The YAML tried locally: its own product, outputs and plugin settings (one tile slow, one failing). */
function tunedYaml(): string {
  return [
    '# tuned on the desktop',
    `plugin: ${JSON.stringify(plugin)}`,
    'plugin_config:',
    "  slow_tiles: {'250/9900': 5000}",
    "  fail_tiles: ['251/9901']",
    'product:',
    '  name: tuned_product',
    '  short_name: tuned_product',
    '  version: 2.1.0',
    `output_location: s3://${BUCKET}/out/{product}/{version}`,
    'cog_opts: {blocksize: 64}',
    // A laptop's setting the worker must not take: machine keys are the worker's own.
    'threads: 64',
    '',
  ].join('\n');
}

describe('a published run', () => {
  it('is computed by the fleet with the run config it was published with, and its workers serve metrics that agree with their logs', async () => {
    const dlq = await createQueue(sqs, 'published-dlq');
    const queue = await createQueue(sqs, 'published', { deadLetterArn: dlq.arn });
    const tuned = path.join(dir, 'tuned.yaml');
    writeFileSync(tuned, tunedYaml());
    const published = await runCli(['publish-tasks', cache, 'published', '--cache-uri', CACHE_URI, '--config', tuned]);
    expect(published.code, published.stderr).toBe(0);
    expect(linesOf(published.stdout)).toEqual([
      `Uploaded the run config to ${CONFIG_URI}`,
      expect.stringMatching(/^Uploaded the task cache to s3:\/\/published\/caches\/tiny\.db \(/),
      `Published 4 of 4 tasks (of 4 in the cache) to ${queue.url}`,
      `Run: plugin ${plugin}, product tuned_product version 2.1.0`,
      `Outputs: s3://${BUCKET}/out/tuned_product/2-1-0`,
      `Run config: ${CONFIG_URI}`,
      `Tasks: 4 of 4 in the cache ${CACHE_URI}`,
      // 4 tiles of 100² px × 2 days.
      'Estimated cost: under a worker-minute (80.0 k pixel-observations at 900 k a second per worker)',
    ]);
    // The YAML as the user wrote it, comments and all.
    expect(await text('caches/tiny.run.yaml')).toBe(tunedYaml());

    // The worker's own config names another product, place and plugin settings, and the lease settings.
    const own = path.join(dir, 'own.yaml');
    writeFileSync(
      own,
      JSON.stringify({
        plugin,
        product: { name: 'stale_product', version: '0.0.1' },
        output_location: `s3://${BUCKET}/stale/{product}`,
        job_queue_max_lease: 4,
        renew_safety_margin: 2,
        future_poll_interval: 0.5,
        max_receive: 2,
      }),
    );
    const worker = startCli(['worker', '--from-sqs', queue.url, '--config', own, '--wait-time', '1', '--idle-polls', '120', '--metrics-port', '127.0.0.1:0'], {
      timeoutMs: 120_000,
    });
    running.push(worker);
    const url = String((await waitForEvents(worker, (e) => e.some((x) => x.event === 'metrics'))).find((e) => e.event === 'metrics')!['url']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await fetch(url.replace('/metrics', '/'))).status).toBe(404);

    // During the slow task: one in flight.
    await waitForEvents(worker, (e) => e.some((x) => x.event === 'started' && x.task === TASKS[0]));
    const during = await scrape(url);
    expect(during.get('odc_stats_tasks_in_flight')).toBe(1);

    const seen = await waitForEvents(worker, (e) => e.filter((x) => x.event === 'finished').length === 3 && e.some((x) => x.event === 'dead-lettered'));
    const after = await scrape(url);
    const count = (event: string) => seen.filter((e) => e.event === event).length;
    expect(count('failed')).toBe(2);
    expect(count('lease-renewed')).toBeGreaterThan(0);
    expect(Object.fromEntries([...after].filter(([series]) => !series.includes('_bucket')))).toMatchObject({
      odc_stats_tasks_finished_total: 3,
      odc_stats_tasks_skipped_total: 0,
      odc_stats_tasks_failed_total: 2,
      odc_stats_tasks_dead_lettered_total: 1,
      odc_stats_tasks_released_total: 0,
      odc_stats_lease_renewals_total: count('lease-renewed'),
      odc_stats_leases_lost_total: 0,
      odc_stats_tasks_in_flight: 0,
      'odc_stats_task_duration_seconds_count{outcome="finished"}': 3,
      'odc_stats_task_duration_seconds_count{outcome="failed"}': 2,
    });
    expect(after.get('odc_stats_task_duration_seconds_bucket{outcome="finished",le="+Inf"}')).toBe(3);
    // The slow task alone took 5 s.
    expect(after.get('odc_stats_task_duration_seconds_bucket{outcome="finished",le="5"}')).toBeLessThanOrEqual(2);
    expect(after.get('odc_stats_task_duration_seconds_sum{outcome="finished"}')).toBeGreaterThan(5);

    // Every message named the published config, read once.
    expect(seen.filter((e) => e.event === 'started').every((e) => e['config'] === CONFIG_URI)).toBe(true);
    expect(seen.filter((e) => e.event === 'config-read')).toEqual([
      expect.objectContaining({ config: CONFIG_URI, product: 'tuned_product', version: '2.1.0', location: `s3://${BUCKET}/out/tuned_product/2-1-0` }),
    ]);
    worker.child.kill('SIGTERM');
    expect((await worker.outcome).code, worker.stderr()).toBe(0);

    // The outputs are the tuned product's, and the worker's own product wrote nothing.
    for (const task of TASKS.filter((t) => t !== FAILING)) {
      const item = JSON.parse(await text(itemKey('out/tuned_product/2-1-0', 'tuned_product', task))) as { properties: Record<string, unknown> };
      expect(item.properties).toMatchObject({ 'odc:product': 'tuned_product', 'odc:dataset_version': '2.1.0' });
    }
    expect(await keysUnder('stale/')).toEqual([]);

    // Watching the run: the Api tells each tile's state, and why the failed one failed.
    const api = createApiService({ workspace: path.join(dir, 'workspace') });
    onTestFinished(() => api.close());
    const status = await api.fleetStatus({ cache, cacheUri: CACHE_URI, queue: 'published', configUri: CONFIG_URI });
    expect(status).toMatchObject({ queueUrl: queue.url, waiting: 0, inFlight: 0, deadLetterQueueUrl: dlq.url, location: `s3://${BUCKET}/out/tuned_product/2-1-0` });
    if ('error' in status) throw new Error(status.error);
    expect(status.tiles.map((t) => [t.task, t.state])).toEqual(TASKS.map((t) => [t, t === FAILING ? 'dead-lettered' : 'finished']));
    expect(status.tiles.find((t) => t.task === FAILING)!.error).toContain('tile 251/9901 fails on purpose');
    // Looking did not take the message out of the dead-letter queue.
    const again = await api.fleetStatus({ cache, cacheUri: CACHE_URI, queue: 'published', configYaml: tunedYaml() });
    expect('error' in again ? again.error : again.tiles.filter((t) => t.state === 'dead-lettered').map((t) => t.task)).toEqual([FAILING]);
  }, 120_000);

  it('`worker --config s3://…` reads its run config from S3, and says in one line when it cannot', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'configs/from-s3.yaml', Body: tunedYaml().replace(/ {2}fail_tiles.*\n/, '').replace(/ {2}slow_tiles.*\n/, '') }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'configs/bad.yaml', Body: `plugin: ${JSON.stringify(plugin)}\nmax_receive: zero\n` }));
    const queue = await createQueue(sqs, 'from-s3');
    // Published without a config: the worker's own, from S3, decides.
    expect((await runCli(['publish-tasks', CACHE_URI, 'from-s3', TASKS[1]!])).code).toBe(0);
    const worker = await runCli(
      ['worker', '--from-sqs', queue.url, '--config', `s3://${BUCKET}/configs/from-s3.yaml`, '--location', `s3://${BUCKET}/from-s3/{product}/{version}`, '--wait-time', '1'],
      { timeoutMs: 60_000 },
    );
    expect(worker.code, worker.stderr).toBe(0);
    expect(await keysUnder('from-s3/tuned_product/2-1-0/')).toContain(itemKey('from-s3/tuned_product/2-1-0', 'tuned_product', TASKS[1]!));

    for (const [config, message] of [
      [`s3://${BUCKET}/configs/missing.yaml`, `run config not found: s3://${BUCKET}/configs/missing.yaml`],
      [`s3://${BUCKET}/configs/bad.yaml`, `config s3://${BUCKET}/configs/bad.yaml`],
      [`s3://${BUCKET}/`, `not a run config URI: s3://${BUCKET}/`],
    ] as const) {
      const result = await runCli(['worker', '--from-sqs', queue.url, '--config', config]);
      expect({ code: result.code, stderr: linesOf(result.stderr) }, config).toEqual({ code: 1, stderr: [expect.stringContaining(message)] });
      expect(result.stderr).toMatch(/^odc-stats: error: /);
    }
    const taken = await runCli(['worker', '--from-sqs', queue.url, '--config', `s3://${BUCKET}/configs/from-s3.yaml`, '--metrics-port', 'nine']);
    expect(linesOf(taken.stderr)).toEqual(["odc-stats: error: invalid --metrics-port 'nine': expected a port (9100) or HOST:PORT (127.0.0.1:9100)"]);
  }, 120_000);
});
