/**
 * How long a queue worker's task process lives, with real processes against moto: no longer
 * than the worker that started it, and no longer than the worker holds the task's lease.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PurgeQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';
import { createSqsClient } from '../sqs/sqs-client.js';
import { createQueue, killGroup, startWorker, writeTestPlugin, writeTinyCache, type WorkerProcess } from './test-support/fleet-fixture.js';

const TASK = '2021--P1Y/250/9900';

motoForTests();
let dir: string;
let cache: string;
let plugin: string;
let sqs: SQSClient;
const running: WorkerProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'task-lifetime-'));
  plugin = writeTestPlugin(dir);
  cache = await writeTinyCache(dir, 1, 1);
  sqs = createSqsClient();
}, 60_000);

afterAll(async () => {
  for (const worker of running) killGroup(worker);
  sqs?.destroy();
});

/** The tile computed at 5 m (200 × 200 pixels) in the smallest chunks: 64 pixels a side, 16 of them. */
const SMALL_CHUNKS = { resolution: 5, memory_limit: '100Ki' };

/** A run config of the test plugin writing to a folder of its own, each chunk logged to `log`. */
function slowTaskConfig(name: string, pluginConfig: Record<string, unknown>, more: Record<string, unknown> = {}): { file: string; log: string; out: string } {
  const file = path.join(dir, `${name}.yaml`);
  const log = path.join(dir, `${name}.chunks`);
  const out = path.join(dir, name);
  const config = {
    plugin,
    product: { name: 't', short_name: 't', version: '1.0.0' },
    output_location: out,
    plugin_config: { ...pluginConfig, reduce_log: log },
    ...more,
  };
  writeFileSync(file, JSON.stringify(config));
  return { file, log, out };
}

/** The task's message, naming the local cache: a worker reads it as it is. */
async function sendTask(queueUrl: string): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ filedb: cache, tile_idx: TASK }) }));
}

function chunksLogged(log: string): number {
  return existsSync(log) ? linesOf(readFileSync(log, 'utf8')).length : 0;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether the process runs still: an exited one its new parent has yet to reap (a zombie) does not. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The one child process of `pid` (Linux). */
function onlyChildOf(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  expect(children).toHaveLength(1);
  return children[0]!;
}

function filesUnder(folder: string): string[] {
  return existsSync(folder) ? (readdirSync(folder, { recursive: true }) as string[]).filter((f) => f.includes('.')) : [];
}

describe('a queue worker', () => {
  it('exits 0 on a queue with nothing in it', async () => {
    const queue = await createQueue(sqs, 'empty');
    const { file } = slowTaskConfig('empty', {});
    const r = await runCli(['worker', '--from-sqs', queue.url, '--config', file, '--wait-time', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(linesOf(r.stdout).map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['polling', 'drained']);
  });

  it('killed with SIGKILL takes its task process with it: that stops within a chunk, quietly, and writes nothing', async () => {
    const queue = await createQueue(sqs, 'orphan');
    await sendTask(queue.url);
    const { file, log, out } = slowTaskConfig('orphan', { delay_ms: 250 }, SMALL_CHUNKS);
    const worker = startWorker(['--from-sqs', queue.url, '--config', file, '--wait-time', '1']);
    running.push(worker);
    await until(() => chunksLogged(log) > 0);
    const taskProcess = onlyChildOf(worker.process.pid!);
    // The worker alone, not its process group: its task process is orphaned.
    worker.process.kill('SIGKILL');
    const killedAt = Date.now();
    await until(() => !isAlive(taskProcess), 10_000);
    expect(Date.now() - killedAt).toBeLessThan(2_000);
    expect(chunksLogged(log)).toBeLessThan(16);
    expect(filesUnder(out)).toEqual([]);
    // The task process writes to the worker's stderr, which outlives the worker.
    expect(worker.stderr()).toBe('');
  });

  it('killed with SIGKILL in the middle of a long computation: its task process stops before writing anything', async () => {
    const queue = await createQueue(sqs, 'orphan-busy');
    await sendTask(queue.url);
    // One chunk whose reduction blocks the task process for 2 s: it hears of its worker's end only after.
    const { file, log, out } = slowTaskConfig('orphan-busy', { slow_tiles: { '250/9900': 2000 } });
    const worker = startWorker(['--from-sqs', queue.url, '--config', file, '--wait-time', '1']);
    running.push(worker);
    await until(() => chunksLogged(log) > 0);
    const taskProcess = onlyChildOf(worker.process.pid!);
    worker.process.kill('SIGKILL');
    await until(() => !isAlive(taskProcess), 10_000);
    expect(filesUnder(out)).toEqual([]);
    expect(worker.stderr()).toBe('');
  });

  it('gives its task up when the lease cannot be renewed, and leaves the message alone', async () => {
    const queue = await createQueue(sqs, 'lost-lease');
    await sendTask(queue.url);
    // 16 chunks of half a second: 8 s of work on a lease of 4 s, renewed 2 s before its end.
    const { file, log, out } = slowTaskConfig('lost-lease', { delay_ms: 500 }, { ...SMALL_CHUNKS, job_queue_max_lease: 4, renew_safety_margin: 2, future_poll_interval: 0.5 });
    const worker = startWorker(['--from-sqs', queue.url, '--config', file, '--wait-time', '1']);
    running.push(worker);
    await until(() => chunksLogged(log) > 0);
    // Every message gone: the worker's receipt handle is no longer valid.
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queue.url }));
    const purgedAt = Date.now();
    const lost = await worker.waitFor((e) => e.event === 'lease-lost');
    expect(lost).toMatchObject({ level: 'error', task: TASK, error: expect.stringMatching(/^SQS refused to renew the lease: .*receipt handle is invalid/) });
    const end = await worker.exited;
    expect(end.code, worker.stderr()).toBe(0);
    expect(end.at - purgedAt).toBeLessThan(6_000);
    const chunks = chunksLogged(log);
    expect(chunks).toBeLessThan(16);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(chunksLogged(log), 'chunks computed after the worker ended').toBe(chunks);
    expect(worker.events.map((e) => e.event)).not.toContain('finished');
    expect(worker.events.map((e) => e.event)).not.toContain('released');
    expect(filesUnder(out)).toEqual([]);
  });
});
