/**
 * The fleet end to end, against moto on loopback: tasks published to SQS, computed by real
 * `odc-stats worker` processes into S3, with workers killed, stopped, slow and failing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../io/s3-client.js';
import { publishTasks } from '../publish/publish-tasks.js';
import { uploadFile } from '../publish/upload-file.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { createSqsClient } from '../sqs/sqs-client.js';
import {
  createQueue,
  killGroup,
  queueCounts,
  startWorker,
  writeTestPlugin,
  writeTinyCache,
  type LogEvent,
  type WorkerProcess,
} from './test-support/fleet-fixture.js';

const BUCKET = 'fleet';
const CACHE_URI = `s3://${BUCKET}/caches/tiny.db`;
const PERIOD = '2021--P1Y';

motoForTests();
let dir: string;
let plugin: string;
let sqs: SQSClient;
let s3: S3Client;
const running: WorkerProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-'));
  plugin = writeTestPlugin(dir);
  sqs = createSqsClient();
  s3 = s3Client();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await uploadFile(await writeTinyCache(dir, 6, 5), CACHE_URI);
}, 60_000);

afterAll(async () => {
  for (const worker of running) killGroup(worker);
  sqs?.destroy();
});

/** A run config (JSON is YAML) for a scenario writing to s3://fleet/NAME. */
function writeConfig(name: string, settings: Record<string, unknown>): string {
  const file = path.join(dir, `${name}.yaml`);
  const config = {
    plugin,
    product: { name: 'fleet_test', short_name: 'fleet_test', version: '1.0.0' },
    output_location: `s3://${BUCKET}/${name}`,
    cog_opts: { blocksize: 64 },
    heartbeat_filepath: path.join(dir, `${name}.heartbeat`),
    ...settings,
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

function worker(queueUrl: string, config: string, ...more: string[]): WorkerProcess {
  const w = startWorker(['--from-sqs', queueUrl, '--config', config, '--wait-time', '1', ...more]);
  running.push(w);
  return w;
}

function tileOf(task: string): { x: number; y: number } {
  const [, x, y] = task.split('/');
  return { x: Number(x), y: Number(y) };
}

/** The key of a task's STAC item as the output layout names it, written out here by hand. */
function itemKey(prefix: string, task: string): string {
  const { x, y } = tileOf(task);
  return `${prefix}/x${x}/y${y}/${PERIOD}/fleet_test_x${x}y${y}_${PERIOD}.stac-item.json`;
}

async function exists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch {
    return false;
  }
}

async function keysUnder(prefix: string): Promise<string[]> {
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
  return Contents.map((c) => c.Key!);
}

/** Every task has its STAC item, and every band the item lists is there beside it. */
async function expectComplete(prefix: string, tasks: string[]): Promise<void> {
  for (const task of tasks) {
    const key = itemKey(prefix, task);
    const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
    const item = JSON.parse(body) as { assets: Record<string, { href: string }> };
    expect(Object.keys(item.assets)).toEqual(expect.arrayContaining(['observed', 'days']));
    const folder = key.slice(0, key.lastIndexOf('/'));
    for (const asset of Object.values(item.assets)) {
      if (asset.href.endsWith('.tif')) expect(await exists(`${folder}/${asset.href}`), `${folder}/${asset.href}`).toBe(true);
    }
  }
}

function allTasks(columns = 6, rows = 5): string[] {
  const tasks: string[] = [];
  for (let x = 250; x < 250 + columns; x++) for (let y = 9900; y < 9900 + rows; y++) tasks.push(`${PERIOD}/${x}/${y}`);
  return tasks;
}

function eventsOf(workers: WorkerProcess[], event: string, task?: string): LogEvent[] {
  return workers.flatMap((w) => w.events).filter((e) => e.event === event && (task === undefined || e.task === task));
}

describe.concurrent('a fleet of workers on a queue', () => {
  it('finishes every task exactly once when a worker is killed mid-task; its task is redone after the lease', async () => {
    const queue = await createQueue(sqs, 'kill');
    const published = await publishTasks({ cache: CACHE_URI, queue: 'kill' });
    expect(published).toMatchObject({ queueUrl: queue.url, tasks: 30, sent: 30, failed: [] });
    const config = writeConfig('kill', { job_queue_max_lease: 5, renew_safety_margin: 2, future_poll_interval: 0.5, plugin_config: { delay_ms: 400 } });
    const workers = [worker(queue.url, config), worker(queue.url, config), worker(queue.url, config)];
    const [victim, ...survivors] = workers as [WorkerProcess, WorkerProcess, WorkerProcess];

    // Its second task: the first one warmed the process up, so this one is surely under way.
    const secondStart = () => victim.events.filter((e) => e.event === 'started')[1];
    const doomed = await victim.waitFor((e) => e === secondStart());
    killGroup(victim);
    const killedAt = Date.now();
    expect((await victim.exited).signal).toBe('SIGKILL');
    const ends = await Promise.all(survivors.map((w) => w.exited));
    expect(ends.map((e) => e.code), survivors.map((w) => w.stderr()).join('\n')).toEqual([0, 0]);

    for (const task of allTasks()) expect(eventsOf(workers, 'finished', task), task).toHaveLength(1);
    expect(eventsOf([victim], 'finished', doomed.task)).toHaveLength(0);
    const redo = eventsOf(survivors, 'started', doomed.task);
    expect(redo).toHaveLength(1);
    expect(redo[0]!.receiveCount).toBe(2);
    // Not before its 5 s lease (taken at most a poll interval before the kill) ran out.
    expect(Date.parse(redo[0]!.time) - killedAt).toBeGreaterThan(4000);

    await expectComplete('kill', allTasks());
    // Two bands, the checksums and the item per task, and nothing else (no stray partial files).
    expect(await keysUnder('kill')).toHaveLength(30 * 4);
    expect(await queueCounts(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
  }, 60_000);

  it('keeps renewing the lease of a task longer than the lease, so no other worker gets it', async () => {
    const queue = await createQueue(sqs, 'renew');
    const task = `${PERIOD}/250/9900`;
    await publishTasks({ cache: CACHE_URI, queue: queue.url, selectors: [task] });
    const config = writeConfig('renew', {
      job_queue_max_lease: 4,
      renew_safety_margin: 2,
      future_poll_interval: 0.5,
      plugin_config: { slow_tiles: { '250/9900': 9000 } },
    });
    const workers = [worker(queue.url, config), worker(queue.url, config)];
    const ends = await Promise.all(workers.map((w) => w.exited));
    expect(ends.map((e) => e.code), workers.map((w) => w.stderr()).join('\n')).toEqual([0, 0]);

    const starts = eventsOf(workers, 'started');
    expect(starts).toHaveLength(1);
    expect(starts[0]!.receiveCount).toBe(1);
    const finished = eventsOf(workers, 'finished', task);
    expect(finished).toHaveLength(1);
    expect(finished[0]!.seconds as number).toBeGreaterThan(9);
    // 9 s of work on 4 s leases renewed 2 s before their end: at least three renewals.
    expect(eventsOf(workers, 'lease-renewed', task).length).toBeGreaterThanOrEqual(3);
    await expectComplete('renew', [task]);
  }, 60_000);

  it('moves a task that always fails to the dead-letter queue after max_receive tries; the others finish', async () => {
    const dlq = await createQueue(sqs, 'fail-dlq');
    const queue = await createQueue(sqs, 'fail', { deadLetterArn: dlq.arn });
    const tasks = allTasks(1, 4);
    const failing = `${PERIOD}/250/9901`;
    await publishTasks({ cache: CACHE_URI, queue: queue.url, selectors: tasks });
    const config = writeConfig('fail', { job_queue_max_lease: 5, future_poll_interval: 0.5, max_receive: 3, plugin_config: { fail_tiles: ['250/9901'] } });
    const workers = [worker(queue.url, config), worker(queue.url, config)];
    const ends = await Promise.all(workers.map((w) => w.exited));
    expect(ends.map((e) => e.code), workers.map((w) => w.stderr()).join('\n')).toEqual([0, 0]);

    const failures = eventsOf(workers, 'failed', failing);
    expect(failures.map((e) => e.receiveCount).sort()).toEqual([1, 2, 3]);
    expect(failures.every((e) => String(e['error']).includes('tile 250/9901 fails on purpose'))).toBe(true);
    expect(eventsOf(workers, 'dead-lettered', failing)).toHaveLength(1);
    for (const task of tasks.filter((t) => t !== failing)) expect(eventsOf(workers, 'finished', task), task).toHaveLength(1);
    await expectComplete('fail', tasks.filter((t) => t !== failing));
    expect(await exists(itemKey('fail', failing))).toBe(false);

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
    expect(Messages.map((m) => m.Body)).toEqual([`{"filedb": "${CACHE_URI}", "tile_idx": "${failing}"}`]);
    expect(Messages[0]!.MessageAttributes?.['odc_stats_error']?.StringValue).toContain('fails on purpose');
    expect(await queueCounts(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
  }, 60_000);

  it('on SIGTERM finishes the task under way within the grace period and exits 0', async () => {
    const queue = await createQueue(sqs, 'term-finish');
    const task = `${PERIOD}/251/9900`;
    await publishTasks({ cache: CACHE_URI, queue: queue.url, selectors: [task, `${PERIOD}/251/9901`] });
    const config = writeConfig('term-finish', { plugin_config: { slow_tiles: { '251/9900': 3000 } } });
    const w = worker(queue.url, config, '--grace-period', '20');
    await w.waitFor((e) => e.event === 'started');
    const signalledAt = Date.now();
    w.process.kill('SIGTERM');
    const end = await w.exited;
    expect(end.code, w.stderr()).toBe(0);
    expect(end.at - signalledAt).toBeLessThan(20_000);
    expect(w.events.map((e) => e.event)).toEqual(expect.arrayContaining(['stop-requested', 'finishing', 'finished', 'stopped']));
    await expectComplete('term-finish', [task]);
    // The other task was not taken: it waits in the queue for another worker.
    expect(await queueCounts(sqs, queue.url)).toEqual({ visible: 1, inFlight: 0 });
  }, 60_000);

  it('on SIGTERM releases a task that outlasts the grace period, and exits 0', async () => {
    const queue = await createQueue(sqs, 'term-release');
    const task = `${PERIOD}/252/9900`;
    await publishTasks({ cache: CACHE_URI, queue: queue.url, selectors: [task] });
    const config = writeConfig('term-release', { plugin_config: { slow_tiles: { '252/9900': 30000 } } });
    const w = worker(queue.url, config, '--grace-period', '1');
    await w.waitFor((e) => e.event === 'started');
    const signalledAt = Date.now();
    w.process.kill('SIGTERM');
    const end = await w.exited;
    expect(end.code, w.stderr()).toBe(0);
    // The grace period, then the release and the shutdown (slower when the machine is busy).
    const timeline = JSON.stringify(w.events.slice(-4).map((e) => [e.event, Date.parse(e.time) - signalledAt]));
    expect(end.at - signalledAt, timeline).toBeGreaterThanOrEqual(1_000);
    expect(end.at - signalledAt, timeline).toBeLessThan(8_000);
    expect(eventsOf([w], 'released', task)).toHaveLength(1);
    expect(await exists(itemKey('term-release', task))).toBe(false);
    expect(await queueCounts(sqs, queue.url)).toEqual({ visible: 1, inFlight: 0 });
  }, 60_000);
});
