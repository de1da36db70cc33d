import { messagesLeft } from '../../worker/sqs/consume-queue.js';
import { redriveTargetOf, resolveQueueUrl } from '../../worker/sqs/queue-url.js';
import { createSqsClient } from '../../worker/sqs/sqs-client.js';

export interface QueueCounts {
  queueUrl: string;
  /** Messages waiting for a worker. */
  visible: number;
  /** Messages leased to a worker now (tasks running, or workers that died, until their lease ends). */
  inFlight: number;
  delayed: number;
}

export interface QueueStatus extends QueueCounts {
  /** The dead-letter queue: given, or the queue's redrive policy's; absent when it has none. */
  deadLetter?: QueueCounts;
}

/** How far a fleet is through a queue. SQS's counts are approximate (they lag by up to a minute). */
export async function queueStatus(queue: string, options: { deadLetterQueue?: string; signal?: AbortSignal } = {}): Promise<QueueStatus> {
  const client = createSqsClient();
  try {
    const queueUrl = await resolveQueueUrl(client, queue, options.signal);
    const dlqUrl = options.deadLetterQueue
      ? await resolveQueueUrl(client, options.deadLetterQueue, options.signal)
      : await redriveTargetOf(client, queueUrl, options.signal);
    const main = { queueUrl, ...(await messagesLeft(client, queueUrl, options.signal)) };
    if (!dlqUrl) return main;
    return { ...main, deadLetter: { queueUrl: dlqUrl, ...(await messagesLeft(client, dlqUrl, options.signal)) } };
  } finally {
    client.destroy();
  }
}
