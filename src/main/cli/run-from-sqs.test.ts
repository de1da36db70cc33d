/**
 * `odc-stats run --from-sqs QUEUE`, odc-stats' spelling of `worker --from-sqs QUEUE`, as its
 * Kubernetes jobs call it (the task cache given too): a real process drains a moto queue.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../io/s3-client.js';
import { createQueue, queueCounts, writeTestPlugin, writeTinyCache } from '../fleet/test-support/fleet-fixture.js';
import { createSqsClient } from '../sqs/sqs-client.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';

const CACHE_URI = 's3://from-sqs/caches/tiny.db';
const TASKS = ['250/9900', '251/9900'].map((t) => `2021--P1Y/${t}`);

motoForTests();
let dir: string;
let sqs: SQSClient;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'run-from-sqs-'));
  sqs = createSqsClient();
  await s3Client().send(new CreateBucketCommand({ Bucket: 'from-sqs' }));
}, 60_000);

afterAll(() => sqs?.destroy());

describe('odc-stats run --from-sqs', () => {
  it("computes the queue's tasks until it is drained, as worker --from-sqs does, the cache given as odc-stats' jobs give it", async () => {
    const plugin = writeTestPlugin(dir);
    const cache = await writeTinyCache(dir, 2, 1);
    const queue = await createQueue(sqs, 'from-sqs');
    const published = await runCli(['publish-tasks', cache, 'from-sqs', '--cache-uri', CACHE_URI]);
    expect(published.code, published.stderr).toBe(0);

    const location = path.join(dir, 'out');
    const config = JSON.stringify({ product: { name: 'from_sqs', version: '1.0.0' } });
    const r = await runCli(['run', CACHE_URI, '--from-sqs', queue.url, '--config', config, '--plugin', plugin, '--location', location], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(linesOf(r.stderr)).toContain(`the queue's messages name their task cache (filedb): ${CACHE_URI} is read only where a message names it`);
    const finished = linesOf(r.stdout)
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event: string; task?: string })
      .filter((e) => e.event === 'finished')
      .map((e) => e.task);
    expect(finished.sort()).toEqual(TASKS);
    for (const task of TASKS) {
      const [, x, y] = task.split('/');
      expect(existsSync(path.join(location, `x${x}`, `y${y}`, '2021--P1Y', `from_sqs_x${x}y${y}_2021--P1Y.stac-item.json`)), task).toBe(true);
    }
    expect(await queueCounts(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
    // Two processes of the CLI and a worker's tasks: 25 s on a quiet machine, the run alone given 120 s.
  }, 180_000);

  it('refuses TASKS with --from-sqs, --dryrun with it, and no cache without it, in one line each', async () => {
    const cases: Array<[string[], string]> = [
      [['run', 'plan.db', '2021--P1Y/1/2', '--from-sqs', 'q', '--plugin', 'pq'], "odc-stats: error: --from-sqs takes its tasks from the queue's messages: give no TASKS (got 2021--P1Y/1/2)"],
      [['run', '--from-sqs', 'q', '--dryrun', '--plugin', 'pq'], 'odc-stats: error: --dryrun cannot be given with --from-sqs: use publish-tasks --dryrun to see what a queue would hold'],
      [['run', '--plugin', 'pq'], 'odc-stats: error: no task cache: give CACHE (a path or s3:// URI), or --from-sqs QUEUE'],
    ];
    for (const [args, line] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(linesOf(r.stderr)).toEqual([line]);
    }
  });
});
