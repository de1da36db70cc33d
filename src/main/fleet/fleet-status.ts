/**
 * Watching a published run: each task's state from what the fleet leaves behind. A task whose
 * STAC item is on the output location is finished; one whose message is in the dead-letter
 * queue failed for good, with the error its last worker attached; any other is pending —
 * waiting in the queue or being computed, which SQS does not say task by task, only in its
 * counts.
 */
import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { AwsConnection } from '../../shared/aws-connection.js';
import type { RunConfig } from '../../shared/run-config.js';
import { formatTaskId } from '../../shared/task-id.js';
import { queueError, redriveTargetOf, resolveQueueUrl } from '../sqs/queue-url.js';
import { createSqsClient } from '../sqs/sqs-client.js';
import { parseTaskMessage } from '../sqs/task-message.js';
import { finishedTasks } from './cache-status.js';
import { messagesLeft } from './queue-status.js';

export interface FleetStatusRequest {
  /** The task cache: a path or an s3:// URI. */
  cache: string;
  /** The cache the messages name, when `cache` is a copy of it (the local cache that was uploaded). */
  cacheUri?: string;
  queue: string;
  deadLetterQueue?: string;
  /** The run config the tasks were published with: where their outputs go. */
  config: RunConfig;
  /** The tasks published; none = every task of the cache. */
  selectors?: string[];
  /** The app's AWS settings, over the environment's. */
  connection?: AwsConnection;
}

export type TileState = 'pending' | 'finished' | 'dead-lettered';

export interface TileStatus {
  task: string;
  period: string;
  x: number;
  y: number;
  state: TileState;
  /** Why it was dead-lettered: the `odc_stats_error` its worker attached. */
  error?: string;
}

export interface FleetStatus {
  queueUrl: string;
  /** SQS's approximate counts of the queue: messages waiting, and leased to workers now. */
  waiting: number;
  inFlight: number;
  deadLetterQueueUrl?: string;
  location: string;
  tiles: TileStatus[];
}

/** The most dead-letter messages looked at (a hundred receives of ten). */
const MAX_PEEKED = 1000;
/** Seconds a peeked message is hidden before it is given back; it is given back at once unless that fails. */
const PEEK_SECONDS = 30;
const EMPTY_RECEIVES_BEFORE_DONE = 3;
const UNEXPLAINED = 'no error attached (moved by the queue’s redrive policy, after its workers died)';

export async function fleetStatus(request: FleetStatusRequest, control: { signal?: AbortSignal } = {}): Promise<FleetStatus> {
  const connection = request.connection && { connection: request.connection };
  const client = createSqsClient({ ...connection });
  try {
    const { signal } = control;
    const queueUrl = await resolveQueueUrl(client, request.queue, signal);
    const dlqUrl = request.deadLetterQueue ? await resolveQueueUrl(client, request.deadLetterQueue, signal) : await redriveTargetOf(client, queueUrl, signal);
    const counts = await messagesLeft(client, queueUrl, signal);
    const { location, tasks } = await finishedTasks({ cache: request.cache, config: request.config, ...(request.selectors && { selectors: request.selectors }), ...connection }, control);
    const errors = dlqUrl ? await deadLetterErrors(client, dlqUrl, request.cacheUri ?? request.cache, signal) : new Map<string, string>();
    const tiles = tasks.map((t): TileStatus => {
      const task = formatTaskId(t);
      const base = { task, period: t.period, x: t.x, y: t.y };
      if (t.finished) return { ...base, state: 'finished' };
      const error = errors.get(task);
      return error === undefined ? { ...base, state: 'pending' } : { ...base, state: 'dead-lettered', error };
    });
    return { queueUrl, waiting: counts.visible + counts.delayed, inFlight: counts.inFlight, ...(dlqUrl && { deadLetterQueueUrl: dlqUrl }), location, tiles };
  } finally {
    client.destroy();
  }
}

/**
 * The error of each task of the cache in the dead-letter queue. SQS can only be read by
 * receiving: the messages are received for a moment and made visible again at once, so a
 * redrive started meanwhile finds them all the same.
 */
async function deadLetterErrors(client: SQSClient, dlqUrl: string, filedb: string, signal?: AbortSignal): Promise<Map<string, string>> {
  const { visible } = await messagesLeft(client, dlqUrl, signal);
  const peeked = new Map<string, Message>();
  try {
    let empty = 0;
    while (peeked.size < Math.min(visible, MAX_PEEKED) && empty < EMPTY_RECEIVES_BEFORE_DONE) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: PEEK_SECONDS, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }),
        { abortSignal: signal },
      );
      empty = Messages.length === 0 ? empty + 1 : 0;
      for (const m of Messages) if (m.MessageId) peeked.set(m.MessageId, m);
    }
  } catch (e) {
    throw queueError(e, dlqUrl);
  } finally {
    await giveBack(client, dlqUrl, [...peeked.values()]);
  }
  const errors = new Map<string, string>();
  for (const m of peeked.values()) {
    let task: string;
    try {
      const message = parseTaskMessage(m.Body, m.MessageAttributes);
      if (message.filedb !== filedb) continue;
      task = formatTaskId(message.task);
    } catch {
      continue;
    }
    errors.set(task, m.MessageAttributes?.['odc_stats_error']?.StringValue ?? UNEXPLAINED);
  }
  return errors;
}

/** Visible again now; a failure only leaves them hidden until PEEK_SECONDS have passed. */
async function giveBack(client: SQSClient, queueUrl: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const Entries = messages.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    await client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries })).catch(() => undefined);
  }
}
