/** `publish-tasks` on odc-stats' own task cache (odc-dscache), kept on S3 as a fleet keeps it. */
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../io/s3-client.js';
import { main } from '../cli/program.js';
import { createQueue } from '../fleet/test-support/fleet-fixture.js';
import { createSqsClient } from '../sqs/sqs-client.js';
import { captureIo } from '../test-support/capture-io.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { odcDscacheSample } from '../test-support/odc-dscache-sample.js';

const CACHE = 's3://pub/caches/ga_ls8c_ard_3_2021--P1Y.db';
motoForTests();
let sqs: SQSClient;

beforeAll(async () => {
  sqs = createSqsClient();
  const s3 = s3Client();
  await s3.send(new CreateBucketCommand({ Bucket: 'pub' }));
  await s3.send(new PutObjectCommand({ Bucket: 'pub', Key: 'caches/ga_ls8c_ard_3_2021--P1Y.db', Body: odcDscacheSample() }));
}, 60_000);
afterAll(() => sqs?.destroy());

describe('publish-tasks of an odc-dscache cache', () => {
  it('sends one message per task of its groups, naming the cache as odc-stats does', async () => {
    const queue = await createQueue(sqs, 'dscache');
    const io = captureIo();
    const code = await main(['publish-tasks', CACHE, queue.url], io);
    expect(code, io.stderr.join('\n')).toBe(0);
    expect(io.stdout.join('\n')).toContain(`Published 2 of 2 tasks (of 2 in the cache) to ${queue.url}`);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10 }));
    expect(Messages.map((m) => JSON.parse(m.Body!) as unknown)).toEqual(
      expect.arrayContaining([
        { filedb: CACHE, tile_idx: '2021--P1Y/44/15' },
        { filedb: CACHE, tile_idx: '2021--P1Y/45/15' },
      ]),
    );
    expect(Messages).toHaveLength(2);
  });
});
