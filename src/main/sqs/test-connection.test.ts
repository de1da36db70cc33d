import { beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../fleet/test-support/fleet-fixture.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { createSqsClient } from './sqs-client.js';
import { testAwsConnection } from './test-connection.js';
import { closedPort } from '../test-support/closed-port.js';

motoForTests();
let queueUrl: string;
let endpoint: string;

beforeAll(async () => {
  endpoint = process.env['AWS_ENDPOINT_URL']!;
  const sqs = createSqsClient();
  queueUrl = (await createQueue(sqs, 'connection-check')).url;
  sqs.destroy();
});

describe('testAwsConnection', () => {
  it('says that SQS answered at the endpoint, and that the queue is there', async () => {
    expect(await testAwsConnection({ endpoint, region: 'us-east-1' })).toBe(`SQS at ${endpoint} (us-east-1) answered`);
    expect(await testAwsConnection({ endpoint, region: 'us-east-1' }, 'connection-check')).toBe(`SQS at ${endpoint} (us-east-1) answered: queue ${queueUrl} is there`);
  });

  it('sends to the connection’s endpoint rather than the environment’s, and says in one line that it refused', async () => {
    const refused = `http://127.0.0.1:${await closedPort()}`;
    await expect(testAwsConnection({ endpoint: refused, region: 'us-east-1' })).rejects.toThrow(`cannot reach SQS at ${refused} (us-east-1): connection refused`);
  });

  it('names a queue that is not there', async () => {
    await expect(testAwsConnection({ endpoint, region: 'us-east-1' }, 'no-such-queue')).rejects.toThrow(`SQS at ${endpoint} (us-east-1): queue not found: no-such-queue`);
  });
});

