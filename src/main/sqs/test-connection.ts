/**
 * Settings' "Test connection": one SQS request with the connection as the app will publish
 * with it, answered in one line either way.
 */
import { GetQueueAttributesCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { cleanAwsConnection, type AwsConnection } from '../../shared/aws-connection.js';
import { UserError } from '../../shared/errors.js';
import { firstLine } from '../../shared/first-line.js';
import { queueError, resolveQueueUrl } from './queue-url.js';
import { createSqsClient, sqsClientConfig } from './sqs-client.js';

/** A refused connection should say so at once, not after the SDK's backoff. */
const ONE_TRY = 1;
const TIMEOUT_MS = 10_000;

/**
 * Asks SQS for a list of one queue, then, when a queue is given, for its URL and attributes;
 * says what answered. A failure is a UserError of one line naming where the request went.
 */
export async function testAwsConnection(given: AwsConnection, queue?: string): Promise<string> {
  const connection = cleanAwsConnection(given);
  const config = sqsClientConfig(process.env, { connection });
  const where = `${typeof config.endpoint === 'string' ? config.endpoint : 'AWS'} (${String(config.region)}${connection.profile ? `, profile ${connection.profile}` : ''})`;
  const client = createSqsClient({ connection, maxAttempts: ONE_TRY });
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  try {
    const { QueueUrls = [] } = await client.send(new ListQueuesCommand({ MaxResults: 1 }), { abortSignal: signal });
    const name = queue?.trim();
    if (!name) return `SQS at ${where} answered${QueueUrls.length === 0 ? ' (no queues yet)' : ''}`;
    const QueueUrl = await resolveQueueUrl(client, name, signal);
    await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }), { abortSignal: signal }).catch((e: unknown) => {
      throw queueError(e, QueueUrl);
    });
    return `SQS at ${where} answered: queue ${QueueUrl} is there`;
  } catch (e) {
    throw connectionError(e, where, signal.aborted);
  } finally {
    client.destroy();
  }
}

function connectionError(e: unknown, where: string, timedOut: boolean): UserError {
  if (timedOut) return new UserError(`SQS at ${where} did not answer within ${TIMEOUT_MS / 1000} s`);
  const code = (e as { code?: unknown }).code;
  const name = e instanceof Error ? e.name : '';
  if (code === 'ECONNREFUSED') return new UserError(`cannot reach SQS at ${where}: connection refused`);
  if (code === 'ENOTFOUND') return new UserError(`cannot reach SQS at ${where}: host not found`);
  if (name === 'CredentialsProviderError') return new UserError(`cannot reach SQS at ${where}: ${firstLine(e)}`);
  if (e instanceof UserError) return new UserError(`SQS at ${where}: ${e.message}`);
  return new UserError(`SQS at ${where} refused the request: ${firstLine(e)}`);
}
