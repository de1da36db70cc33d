import { SendMessageBatchCommand, type MessageAttributeValue, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { UserError } from '../../shared/errors.js';
import { queueError } from '../sqs/queue-url.js';

export interface OutgoingMessage {
  /** What a failure is reported under (the task id). */
  key: string;
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
}

export interface SendOptions {
  /** Batches in flight at once. */
  concurrency?: number;
  /** Tries of each message before it is reported as failed. */
  tries?: number;
  /** First retry delay; doubled each try, with jitter. */
  retryDelayMs?: number;
  signal?: AbortSignal;
  onSent?(sent: number): void;
}

export interface SendResult {
  sent: number;
  failed: Array<{ key: string; error: string }>;
}

/** SQS takes at most 10 messages per SendMessageBatch. */
const BATCH_SIZE = 10;
const DEFAULT_CONCURRENCY = 16;
const DEFAULT_TRIES = 8;
const DEFAULT_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Sends messages in batches of ten, several batches in flight. Entries SQS reports as failed
 * are sent again with backoff, unless the fault is the sender's (a body SQS will never take);
 * a queue that does not exist or refuses us stops everything with one UserError.
 */
export async function sendMessages(client: SQSClient, queueUrl: string, messages: Iterable<OutgoingMessage>, options: SendOptions = {}): Promise<SendResult> {
  const tries = options.tries ?? DEFAULT_TRIES;
  const baseDelay = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const source = messages[Symbol.iterator]();
  const result: SendResult = { sent: 0, failed: [] };
  let fatal: unknown;

  const nextBatch = (): OutgoingMessage[] => {
    const batch: OutgoingMessage[] = [];
    while (batch.length < BATCH_SIZE) {
      const next = source.next();
      if (next.done) break;
      batch.push(next.value);
    }
    return batch;
  };

  const sendBatch = async (batch: OutgoingMessage[]) => {
    let pending = batch;
    let lastError = '';
    for (let attempt = 0; attempt < tries && pending.length > 0; attempt++) {
      if (attempt > 0) await delay(Math.min(MAX_RETRY_DELAY_MS, baseDelay * 2 ** (attempt - 1)) * (0.5 + Math.random()));
      const entries: SendMessageBatchRequestEntry[] = pending.map((m, i) => ({
        Id: String(i),
        MessageBody: m.body,
        ...(m.attributes && { MessageAttributes: m.attributes }),
      }));
      let response;
      try {
        response = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      } catch (e) {
        const known = queueError(e, queueUrl);
        if (known !== e) throw known;
        lastError = e instanceof Error ? e.message : String(e);
        continue;
      }
      result.sent += response.Successful?.length ?? 0;
      options.onSent?.(result.sent);
      const retry: OutgoingMessage[] = [];
      for (const failure of response.Failed ?? []) {
        const message = pending[Number(failure.Id)]!;
        const error = `${failure.Code ?? 'error'}: ${failure.Message ?? 'not sent'}`;
        if (failure.SenderFault) result.failed.push({ key: message.key, error });
        else {
          retry.push(message);
          lastError = error;
        }
      }
      pending = retry;
    }
    for (const message of pending) result.failed.push({ key: message.key, error: `not sent after ${tries} tries: ${lastError}` });
  };

  const lane = async () => {
    while (fatal === undefined && !options.signal?.aborted) {
      const batch = nextBatch();
      if (batch.length === 0) return;
      try {
        await sendBatch(batch);
      } catch (e) {
        fatal ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? DEFAULT_CONCURRENCY }, lane));
  if (fatal !== undefined) throw fatal;
  if (options.signal?.aborted) throw new UserError(`interrupted after sending ${result.sent} messages`);
  return result;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
