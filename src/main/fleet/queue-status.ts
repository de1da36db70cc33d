import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AwsConnection } from '../../shared/aws-connection.js';
import { queueError, redriveTargetOf, resolveQueueUrl } from '../sqs/queue-url.js';
import { createSqsClient } from '../sqs/sqs-client.js';

export interface MessagesLeft {
  /** Messages waiting for a worker. */
  visible: number;
  /** Messages leased to a worker now (tasks running, or workers that died, until their lease ends). */
  inFlight: number;
  delayed: number;
}

export interface QueueCounts extends MessagesLeft {
  queueUrl: string;
}

export interface QueueStatus extends QueueCounts {
  /** The dead-letter queue: given, or the queue's redrive policy's; absent when it has none. */
  deadLetter?: QueueCounts;
}

/** How far a fleet is through a queue. SQS's counts are approximate (they lag by up to a minute). */
export async function queueStatus(queue: string, options: { deadLetterQueue?: string; signal?: AbortSignal; connection?: AwsConnection } = {}): Promise<QueueStatus> {
  const client = createSqsClient({ ...(options.connection && { connection: options.connection }) });
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

/** The messages of a queue, by state; a queue consumer asks before it decides the queue is drained. */
export async function messagesLeft(client: SQSClient, queueUrl: string, signal?: AbortSignal): Promise<MessagesLeft> {
  try {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
      { abortSignal: signal },
    );
    return {
      visible: Number(Attributes['ApproximateNumberOfMessages'] ?? 0),
      inFlight: Number(Attributes['ApproximateNumberOfMessagesNotVisible'] ?? 0),
      delayed: Number(Attributes['ApproximateNumberOfMessagesDelayed'] ?? 0),
    };
  } catch (e) {
    throw queueError(e, queueUrl);
  }
}
