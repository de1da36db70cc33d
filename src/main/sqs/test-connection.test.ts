import { createServer, type AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../fleet/test-support/fleet-fixture.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { createSqsClient } from './sqs-client.js';
import { testAwsConnection } from './test-connection.js';

motoForTests();
let queueUrl: string;
let endpoint: string;

beforeAll(async () => {
  endpoint = process.env['AWS_ENDPOINT_URL']!;
  const sqs = createSqsClient();
  queueUrl = (await createQueue(sqs, 'connection-check')).url;
  sqs.destroy();
});

/** A port of 127.0.0.1 that was free a moment ago: nothing listens there. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

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

