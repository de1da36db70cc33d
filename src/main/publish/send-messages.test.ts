import type { SendMessageBatchCommand, SendMessageBatchCommandOutput, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { sendMessages, type OutgoingMessage } from './send-messages.js';

/** An SQS stand-in that answers SendMessageBatch as `answer` says, and records what it got. */
function fakeSqs(answer: (bodies: string[], call: number) => Partial<SendMessageBatchCommandOutput> | Error) {
  const calls: string[][] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const client = {
    async send(command: SendMessageBatchCommand) {
      const bodies = command.input.Entries!.map((e) => e.MessageBody!);
      calls.push(bodies);
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      const result = answer(bodies, calls.length);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return { client: client as unknown as SQSClient, calls, mostInFlight: () => mostInFlight };
}

const messages = (n: number): OutgoingMessage[] => Array.from({ length: n }, (_, i) => ({ key: `t${i}`, body: `m${i}` }));

describe('sendMessages', () => {
  it('sends batches of ten, several at once, and counts what SQS took', async () => {
    const sqs = fakeSqs((bodies) => ({ Successful: bodies.map((_, i) => ({ Id: String(i), MessageId: 'x', MD5OfMessageBody: '' })), Failed: [] }));
    const result = await sendMessages(sqs.client, 'q', messages(205), { concurrency: 4 });
    expect(result).toEqual({ sent: 205, failed: [] });
    expect(sqs.calls.map((c) => c.length)).toEqual([...Array(20).fill(10), 5]);
    expect(sqs.calls.flat().sort()).toEqual(messages(205).map((m) => m.body).sort());
    expect(sqs.mostInFlight()).toBe(4);
  });

  it('sends again the entries SQS failed, but not those that are the sender\u2019s fault', async () => {
    const sqs = fakeSqs((bodies, call) => {
      if (call === 1) {
        return {
          Successful: [0, 1, 2, 4, 5, 6, 8].map((i) => ({ Id: String(i), MessageId: 'x', MD5OfMessageBody: '' })),
          Failed: [
            { Id: '3', SenderFault: false, Code: 'InternalError', Message: 'try again' },
            { Id: '7', SenderFault: false, Code: 'ServiceUnavailable', Message: 'busy' },
            { Id: '9', SenderFault: true, Code: 'InvalidMessageContents', Message: 'no' },
          ],
        };
      }
      return { Successful: bodies.map((_, i) => ({ Id: String(i), MessageId: 'x', MD5OfMessageBody: '' })), Failed: [] };
    });
    const result = await sendMessages(sqs.client, 'q', messages(10), { retryDelayMs: 1 });
    expect(sqs.calls).toEqual([messages(10).map((m) => m.body), ['m3', 'm7']]);
    expect(result).toEqual({ sent: 9, failed: [{ key: 't9', error: 'InvalidMessageContents: no' }] });
  });

  it('reports entries still failing after the last try, and stops everything for a queue that does not exist', async () => {
    const busy = fakeSqs(() => new Error('socket hang up'));
    expect(await sendMessages(busy.client, 'q', messages(3), { tries: 3, retryDelayMs: 1 })).toEqual({
      sent: 0,
      failed: ['t0', 't1', 't2'].map((key) => ({ key, error: 'not sent after 3 tries: socket hang up' })),
    });
    expect(busy.calls).toHaveLength(3);

    const gone = Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' });
    const missing = fakeSqs(() => gone);
    await expect(sendMessages(missing.client, 'https://sqs/123/nope', messages(100), { concurrency: 2 })).rejects.toThrow('queue not found: https://sqs/123/nope');
    expect(missing.calls.length).toBeLessThanOrEqual(2);
  });
});
