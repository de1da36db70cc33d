/**
 * Queues named the ways users name them — a name, a URL, an ARN — resolved to the URL every
 * SQS call takes, with one-line errors for queues that do not exist.
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { UserError } from '../../shared/errors.js';

const ARN = /^arn:[^:]+:sqs:[^:]*:(\d*):(.+)$/;

function isQueueUrl(queue: string): boolean {
  return /^https?:\/\//i.test(queue);
}

/** The URL of a queue given by name, URL or ARN; a URL is taken as it is, without a request. */
export async function resolveQueueUrl(client: SQSClient, queue: string, signal?: AbortSignal): Promise<string> {
  if (isQueueUrl(queue)) return queue;
  const arn = ARN.exec(queue);
  const QueueName = arn ? arn[2]! : queue;
  const QueueOwnerAWSAccountId = arn?.[1] || undefined;
  try {
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName, QueueOwnerAWSAccountId }), { abortSignal: signal });
    if (!QueueUrl) throw new UserError(`queue not found: ${queue}`);
    return QueueUrl;
  } catch (e) {
    throw queueError(e, queue);
  }
}

/** The dead-letter queue the queue's redrive policy names, if it has one. */
export async function redriveTargetOf(client: SQSClient, queueUrl: string, signal?: AbortSignal): Promise<string | undefined> {
  let policy: string | undefined;
  try {
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }), {
      abortSignal: signal,
    });
    policy = Attributes?.['RedrivePolicy'];
  } catch (e) {
    throw queueError(e, queueUrl);
  }
  if (!policy) return undefined;
  let target: unknown;
  try {
    target = (JSON.parse(policy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
  } catch {
    return undefined;
  }
  return typeof target === 'string' && target !== '' ? resolveQueueUrl(client, target, signal) : undefined;
}

/** A one-line UserError for an SQS failure a user can act on; other errors pass through. */
export function queueError(e: unknown, queue: string): unknown {
  if (e instanceof UserError || (e instanceof Error && e.name === 'AbortError')) return e;
  const name = e instanceof Error ? e.name : '';
  const code = (e as { code?: unknown }).code;
  if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue') return new UserError(`queue not found: ${queue}`);
  if (name === 'AccessDenied' || name === 'AccessDeniedException') return new UserError(`access to queue ${queue} denied`);
  if (name === 'CredentialsProviderError') return new UserError(`cannot reach queue ${queue}: no AWS credentials found`);
  if (code === 'ECONNREFUSED') return new UserError(`cannot reach SQS for ${queue} (connection refused)`);
  if (code === 'ENOTFOUND') return new UserError(`cannot reach SQS for ${queue} (host not found)`);
  return e;
}
