/**
 * Publishing to the fleet end to end, in Chromium against the web host and a moto server on
 * 127.0.0.1: Settings' AWS connection (a profile of a credentials file of the test's own, a
 * region and moto's endpoint) and its test; the confirmation of what will run; the run config
 * uploaded beside the cache; the run's tiles coloured as the fleet leaves them (waiting, then
 * dead-lettered with its error, and finished). The host's environment points AWS at a closed
 * port of the loopback and holds no credentials, so only the settings reach moto, and nothing
 * leaves 127.0.0.1.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isApiError } from '../src/shared/api.js';
import { tileCentreLonLat } from '../src/shared/geometry.js';
import { parseGrid } from '../src/shared/grid.js';
import { createQueue } from '../src/main/fleet/test-support/fleet-fixture.js';
import { startMotoServer, type MotoServer } from '../src/main/test-support/moto-server.js';
import { appSessionForTests, pointOf, waitForMapIdle } from './support/app-session.js';
import { GM_CONFIG, openPlannedProject } from './support/app-states.js';
import { closedPort } from '../src/main/test-support/closed-port.js';

const PROFILE = 'odc-e2e';
const REGION = 'us-east-1';
const BUCKET = 'e2e-fleet';
const QUEUE = 'e2e-tasks';
const CACHE_URI = `s3://${BUCKET}/caches/sample.db`;
const CONFIG = `${GM_CONFIG}output_location: s3://${BUCKET}/out/{product}/{version}\n`;
const TILE_74 = '2021--P1Y/218/74';
const TILE_75 = '2021--P1Y/218/75';
/** The environment the host starts with here: AWS pointed at nothing, no credentials. */
const ENVIRONMENT_NAMES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_SQS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE'];

describe('publishing to the fleet, with the settings’ AWS connection', () => {
  const session = appSessionForTests();
  let moto: MotoServer;
  let sqs: SQSClient;
  let s3: S3Client;
  let queueUrl: string;
  let dlqUrl: string;
  let refused: string;
  let awsFiles: string;
  const saved = Object.fromEntries(ENVIRONMENT_NAMES.map((name) => [name, process.env[name]]));

  beforeAll(async () => {
    moto = await startMotoServer();
    refused = `http://127.0.0.1:${await closedPort()}`;
    awsFiles = await fs.mkdtemp(path.join(os.tmpdir(), 'odc-stats-e2e-aws-'));
    await fs.writeFile(path.join(awsFiles, 'credentials'), `[${PROFILE}]\naws_access_key_id = testing\naws_secret_access_key = testing\n`);
    await fs.writeFile(path.join(awsFiles, 'config'), '');
    for (const name of ENVIRONMENT_NAMES) delete process.env[name];
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: refused,
      AWS_SHARED_CREDENTIALS_FILE: path.join(awsFiles, 'credentials'),
      AWS_CONFIG_FILE: path.join(awsFiles, 'config'),
    });
    const direct = { region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    sqs = new SQSClient(direct);
    s3 = new S3Client({ ...direct, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const dlq = await createQueue(sqs, `${QUEUE}-dlq`);
    dlqUrl = dlq.url;
    queueUrl = (await createQueue(sqs, QUEUE, { deadLetterArn: dlq.arn, maxReceiveCount: 3 })).url;
  });

  afterAll(async () => {
    sqs?.destroy();
    s3?.destroy();
    for (const name of ENVIRONMENT_NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await moto?.stop();
    if (awsFiles) await fs.rm(awsFiles, { recursive: true, force: true });
  });

  const where = () => `${moto.endpoint} (${REGION}, profile ${PROFILE})`;

  async function fillSettings(page: Page): Promise<void> {
    await page.getByLabel('SQS queue (name or URL)').fill(QUEUE);
    await page.getByLabel('Task cache on S3 (for a local cache)').fill(CACHE_URI);
    await page.getByLabel('AWS profile').fill(PROFILE);
    await page.getByLabel('AWS region').fill(REGION);
    await page.getByLabel('AWS endpoint').fill(moto.endpoint);
  }

  /** Each task of the map's fleet layer and its state, as drawn. */
  function fleetStates(page: Page): Promise<Record<string, string>> {
    return page.evaluate(() => {
      const map = window.odcStatsMap!;
      const features = map.queryRenderedFeatures({ layers: ['fleet-fill'] });
      return Object.fromEntries(features.map((f) => [String(f.properties['task']), String(f.properties['state'])]));
    });
  }

  async function waitForStates(page: Page, expected: Record<string, string>): Promise<void> {
    await expect.poll(() => fleetStates(page), { timeout: 30_000, interval: 500 }).toEqual(expected);
  }

  it('tests the connection: moto answers through the settings, and a refused endpoint says so in one line', async () => {
    const page = await openPlannedProject(session, { configYaml: CONFIG });
    await fillSettings(page);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => page.getByTestId('connection-result').textContent()).toBe(`SQS at ${where()} answered: queue ${queueUrl} is there`);
    expect(await page.getByTestId('connection-result').getAttribute('role')).toBe('status');

    await page.getByLabel('AWS endpoint').fill(refused);
    await page.getByRole('button', { name: 'Test connection' }).click();
    const error = page.getByTestId('connection-result');
    await expect.poll(() => error.getAttribute('role')).toBe('alert');
    expect(await error.textContent()).toBe(`cannot reach SQS at ${refused} (${REGION}, profile ${PROFILE}): connection refused`);
  });

  it('confirms what will run, uploads the run config beside the cache, and colours the run’s tiles as the fleet leaves them', async () => {
    const page = await openPlannedProject(session, { configYaml: CONFIG });
    await fillSettings(page);
    await page.getByRole('button', { name: 'Publish…' }).click();
    await page.getByTestId('publish-confirm').waitFor();
    expect(await page.getByTestId('publish-plugin').textContent()).toBe('gm-s2');
    expect(await page.getByTestId('publish-product').textContent()).toBe('s2_gm_demo');
    expect(await page.getByTestId('publish-version').textContent()).toBe('1.0.0');
    expect(await page.getByTestId('publish-location').textContent()).toBe(`s3://${BUCKET}/out/s2_gm_demo/1-0-0`);
    expect(await page.getByTestId('publish-tasks').textContent()).toBe(`2 of 2 in ${CACHE_URI}`);
    // africa-10 tiles are 96 km: 800² pixels of 120 m, each over every day of its task.
    const listed = await session.api.listTasks(path.join(session.workspace, 'plans', 'sample.db'));
    if (isApiError(listed)) throw new Error(listed.error);
    const days = listed.tasks.reduce((sum, t) => sum + t.days, 0);
    const pixelObservations = 800 * 800 * days;
    // At the 900 k a second a worker is taken to compute, the sample's two tasks take under a minute.
    expect(pixelObservations / 900_000).toBeLessThan(60);
    expect(await page.getByTestId('publish-estimate').textContent()).toBe(`under a worker-minute (${(pixelObservations / 1e6).toFixed(1)} million pixel-observations)`);

    await page.getByRole('button', { name: 'Confirm publish' }).click();
    await expect.poll(() => page.getByTestId('publish-result').textContent(), { timeout: 30_000 }).toBe('Sent 2 of 2 messages');
    const uploaded = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'caches/sample.run.yaml' }));
    expect(await uploaded.Body!.transformToString()).toBe(CONFIG);
    expect(await page.getByTestId('job-manifest').textContent()).toContain(`odc-stats/run-config: "s3://${BUCKET}/caches/sample.run.yaml"`);

    await waitForMapIdle(page);
    await waitForStates(page, { [TILE_74]: 'waiting', [TILE_75]: 'waiting' });
    await session.shot('publish-waiting');

    // A worker gave up on 218,74: its message goes to the dead-letter queue with its error.
    await deadLetter(TILE_74, "no band 'B05' in dataset s2_l2a_sample");
    // Another finished 218,75: its STAC item is on the output location.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'out/s2_gm_demo/1-0-0/x218/y075/2021--P1Y/gm_x218y075_2021--P1Y.stac-item.json', Body: '{}' }));
    await waitForStates(page, { [TILE_74]: 'dead-lettered', [TILE_75]: 'finished' });
    await session.shot('publish-dead-lettered-and-finished');

    const [lon, lat] = tileCentreLonLat(parseGrid('africa-10'), { x: 218, y: 74 });
    const point = await pointOf(page, lon, lat);
    await page.mouse.click(point.x, point.y);
    const tile = page.getByTestId('fleet-tile');
    await tile.waitFor();
    expect(await tile.getAttribute('data-state')).toBe('dead-lettered');
    expect(await tile.textContent()).toBe(`Tile 218,74 (2021--P1Y): dead-lettered` + "no band 'B05' in dataset s2_l2a_sample");
    await page.getByRole('button', { name: 'Stop watching' }).click();
  });

  /** Moves the task's message from the queue to the dead-letter queue, with the error a worker attaches. */
  async function deadLetter(task: string, error: string): Promise<void> {
    for (let tries = 0; tries < 10; tries++) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, MessageAttributeNames: ['All'] }));
      const message = Messages.find((m) => (JSON.parse(m.Body!) as { tile_idx: string }).tile_idx === task);
      if (!message) continue;
      // The fleet computes it with the run config published beside the cache.
      expect(message.MessageAttributes?.['odc_stats_config']?.StringValue).toBe(`s3://${BUCKET}/caches/sample.run.yaml`);
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: message.Body!,
          MessageAttributes: { ...message.MessageAttributes, odc_stats_error: { DataType: 'String', StringValue: error } },
        }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
      return;
    }
    throw new Error(`no message of ${task} in ${queueUrl}`);
  }
});
