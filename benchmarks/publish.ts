/**
 * Publishing at scale: a task cache of N tasks (synthetic: one dataset linked to N tiles of
 * africa-10, one year) published to an SQS queue on loopback, from the sources:
 *
 *   node --import tsx benchmarks/publish.ts 10000           # SQS and S3 of moto
 *   node --import tsx benchmarks/publish.ts 10000 --stub    # S3 of moto, SQS of sqs-stub.ts
 *
 * Reports the wall time of `publishTasks` (opening the cache, uploading it, one
 * SendMessageBatch of 10 per 10 tasks, 16 in flight), then checks that each task arrived once.
 * moto's SendMessage costs time in proportion to the messages already queued (it recounts the
 * queue for each message), so against moto the rate falls as the queue fills; the stub answers
 * in constant time and measures the publisher alone.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { parseTemporalRange } from '../src/shared/daterange.js';
import { s3Client } from '../src/io/s3-client.js';
import { publishTasks } from '../src/main/publish/publish-tasks.js';
import { TaskCacheWriter } from '../src/main/taskcache/task-cache-writer.js';
import { startMotoServer, useMotoEnvironment } from '../src/main/test-support/moto-server.js';
import { createSqsClient } from '../src/main/sqs/sqs-client.js';
import { startSqsStub, type SqsStub } from '../src/main/test-support/sqs-stub.js';

const OUT = path.resolve('benchmarks/out');
const tasks = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10_000);
const againstStub = process.argv.includes('--stub');

function writeCache(file: string, count: number): void {
  rmSync(file, { force: true });
  const writer = new TaskCacheWriter(file);
  const period = parseTemporalRange('2021--P1Y');
  const dataset = writer.addDataset({
    itemId: 'synthetic',
    collection: 's2_l2a',
    time: '2021-06-01T08:00:00Z',
    footprintJson: '{"type":"Polygon","coordinates":[]}',
    itemJson: JSON.stringify({ type: 'Feature', id: 'synthetic', collection: 's2_l2a', assets: {}, links: [], properties: {} }),
  })!;
  const side = Math.ceil(Math.sqrt(count));
  for (let i = 0; i < count; i++) writer.link(period, { x: 100 + (i % side), y: 50 + Math.floor(i / side) }, 2, dataset, '2021-06-01');
  writer.finish({
    app_version: 'benchmark',
    created: new Date().toISOString(),
    grid: 'africa-10',
    frequency: 'annual',
    temporal_range: '2021--P1Y',
    input_products: ['s2_l2a'],
    catalog: 'synthetic',
    query: null,
    config: null,
  });
}

mkdirSync(OUT, { recursive: true });
const cache = path.join(OUT, `publish-${tasks}.db`);
writeCache(cache, tasks);
const moto = await startMotoServer();
useMotoEnvironment(moto.endpoint);
let stub: SqsStub | undefined;
if (againstStub) {
  stub = await startSqsStub();
  process.env['AWS_ENDPOINT_URL_SQS'] = stub.endpoint;
}
const sqs = createSqsClient();
try {
  await s3Client().send(new CreateBucketCommand({ Bucket: 'bench' }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench' }));

  const started = performance.now();
  const result = await publishTasks({ cache, queue: 'bench', cacheUri: 's3://bench/caches/tasks.db' });
  const publishSeconds = (performance.now() - started) / 1000;

  // Every task arrived, once.
  const bodies: string[] = stub ? stub.bodies : [];
  while (!stub) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
    if (Messages.length === 0) break;
    bodies.push(...Messages.map((m) => m.Body!));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
  }
  const distinct = new Set(bodies.map((b) => JSON.parse(b).tile_idx as string)).size;
  console.log(
    JSON.stringify(
      {
        sqs: stub ? 'stub' : 'moto',
        tasks,
        cacheBytes: statSync(cache).size,
        sent: result.sent,
        failed: result.failed.length,
        received: bodies.length,
        distinct,
        publishSeconds: Number(publishSeconds.toFixed(2)),
        messagesPerSecond: Math.round(result.sent / publishSeconds),
      },
      null,
      2,
    ),
  );
} finally {
  sqs.destroy();
  await stub?.stop();
  await moto.stop();
}
