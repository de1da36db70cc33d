/**
 * The queue consumer in this process, against moto, with tasks that are
 * plain promises: the paths the fleet test does not take.
 */
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskId } from '../../shared/task-id.js';
import type { TaskOutcome } from '../../shared/task-messages.js';
import { spawnNodeTaskProcess } from '../run/task-process-node.js';
import { createSqsClient } from '../sqs/sqs-client.js';
import type { FakeTask } from '../test-support/fake-worker.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { QueueConsumer, type QueueConsumerSettings, type QueueTaskHandlers } from './queue-consumer.js';
import { TaskProcess } from './task-process.js';
import { createQueue, queueCounts } from './test-support/fleet-fixture.js';
import { jsonLinesLog } from './worker-log.js';

motoForTests();
let sqs: SQSClient;

beforeAll(async () => {
  sqs = createSqsClient();
}, 30_000);

afterAll(async () => {
  sqs?.destroy();
});

const outcome = (status: 'finished' | 'skipped'): TaskOutcome => ({ status, stacItem: 'item.json', outputs: [], seconds: 0.01 });

function settings(queueUrl: string, more: Partial<QueueConsumerSettings> = {}): QueueConsumerSettings {
  return {
    queueUrl,
    leaseSeconds: 30,
    renewMarginSeconds: 5,
    pollIntervalSeconds: 0.1,
    maxReceive: 3,
    maxProcessingSeconds: 0,
    waitTimeSeconds: 0,
    idlePolls: 1,
    gracePeriodSeconds: 5,
    ...more,
  };
}

async function consume(queueUrl: string, handlers: QueueTaskHandlers<TaskId>, more: Partial<QueueConsumerSettings> = {}) {
  const lines: string[] = [];
  const consumer = new QueueConsumer(sqs, settings(queueUrl, more), handlers, {
    stop: new AbortController().signal,
    log: jsonLinesLog('test', (l) => lines.push(l)),
  });
  const summary = await consumer.run();
  return { summary, events: lines.map((l) => JSON.parse(l) as { event: string; task?: string; error?: string; reason?: string }) };
}

const send = (queueUrl: string, body: string) => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
const message = (x: number) => `{"filedb": "s3://b/c.db", "tile_idx": "2021--P1Y/${x}/1"}`;

describe('QueueConsumer', () => {
  it('deletes finished and skipped tasks and ends when the queue is drained', async () => {
    const queue = await createQueue(sqs, 'plain');
    for (const x of [1, 2, 3]) await send(queue.url, message(x));
    const seen: number[] = [];
    const { summary, events } = await consume(queue.url, {
      resolveTask: async (m) => m.task,
      execute: async (task) => {
        seen.push(task.x);
        return outcome(task.x === 2 ? 'skipped' : 'finished');
      },
    });
    expect(summary).toEqual({ finished: 2, skipped: 1, failed: 0, released: 0, deadLettered: 0, ended: 'drained' });
    expect(seen.sort()).toEqual([1, 2, 3]);
    expect(events.at(-1)).toMatchObject({ event: 'drained', finished: 2, skipped: 1 });
    expect(await queueCounts(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('dead-letters a malformed message and one received more than max_receive times, without running them', async () => {
    const dlq = await createQueue(sqs, 'odd-dlq');
    const queue = await createQueue(sqs, 'odd');
    await send(queue.url, 'not a task');
    await send(queue.url, message(7));
    // Three receives with no word back, as from workers killed on it.
    for (let i = 0; i < 3; i++) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10 }));
      for (const m of Messages) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queue.url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    }
    let runs = 0;
    const { summary, events } = await consume(
      queue.url,
      {
        resolveTask: async (m) => m.task,
        execute: async () => {
          runs++;
          return outcome('finished');
        },
      },
      { deadLetterQueueUrl: dlq.url },
    );
    expect(runs).toBe(0);
    expect(summary).toMatchObject({ deadLettered: 2, ended: 'drained' });
    expect(events.filter((e) => e.event === 'dead-lettered').map((e) => e.reason).sort()).toEqual([
      'message body is not JSON: not a task',
      'received 4 times, more than max_receive 3',
    ]);
    expect(await queueCounts(sqs, dlq.url)).toEqual({ visible: 2, inFlight: 0 });
  });

  it('fails a task past max_processing_time, retries it, and without a dead-letter queue drops it with its body logged', async () => {
    const queue = await createQueue(sqs, 'slow');
    await send(queue.url, message(9));
    const { summary, events } = await consume(
      queue.url,
      {
        resolveTask: async (m) => m.task,
        execute: (_task, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
      },
      { maxProcessingSeconds: 0.3, maxReceive: 2 },
    );
    expect(summary).toMatchObject({ failed: 1, deadLettered: 1, ended: 'drained' });
    expect(events.filter((e) => e.event === 'failed').map((e) => e.error)).toEqual([
      'exceeded max_processing_time of 0.3 s',
      'exceeded max_processing_time of 0.3 s',
    ]);
    expect(events.find((e) => e.event === 'dropped')).toMatchObject({ task: '2021--P1Y/09/01', body: message(9) });
  });
});

describe('TaskProcess', () => {
  it('runs tasks one after another in one process, and a fresh one after a crash or a cancel', async () => {
    const processes = new TaskProcess<FakeTask>(() => spawnNodeTaskProcess(new URL('../test-support/fake-worker.ts', import.meta.url)));
    const never = new AbortController().signal;
    try {
      expect((await processes.run({ ms: 10, end: 'finish' }, never)).status).toBe('finished');
      await expect(processes.run({ ms: 10, end: 'fail' }, never)).rejects.toThrow(/failed on purpose/);
      await expect(processes.run({ ms: 10, end: 'crash' }, never)).rejects.toThrow('worker process exited (code 3) while running the task');
      const cancel = new AbortController();
      setTimeout(() => cancel.abort(new Error('given up')), 300);
      await expect(processes.run({ ms: 0, end: 'hang' }, cancel.signal)).rejects.toThrow('given up');
      expect((await processes.run({ ms: 10, end: 'finish' }, never)).status).toBe('finished');
    } finally {
      processes.close();
    }
  });
});
