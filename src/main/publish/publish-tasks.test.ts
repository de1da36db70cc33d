import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { transformer } from '../../shared/crs.js';
import { createSqsClient } from '../sqs/sqs-client.js';
import { main } from '../cli/program.js';
import { createQueue, queueCounts, writeTinyCache } from '../fleet/test-support/fleet-fixture.js';
import { s3Client } from '../../io/s3-client.js';
import { captureIo } from '../test-support/capture-io.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { publishTasks } from './publish-tasks.js';
import { uploadFile } from './upload-file.js';

const BUCKET = 'pub';
motoForTests();
let dir: string;
let cache: string;
let sqs: SQSClient;
let s3: S3Client;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'publish-'));
  cache = await writeTinyCache(dir, 6, 5);
  sqs = createSqsClient();
  s3 = s3Client();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'caches/tiny.db', Body: readFileSync(cache) }));
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
});

async function run(...args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const io = captureIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

async function drain(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => m.Body!));
  }
}

const body = (filedb: string, x: number, y: number) => `{"filedb": "${filedb}", "tile_idx": "2021--P1Y/${x}/${y}"}`;

function everyBody(filedb: string): string[] {
  const bodies: string[] = [];
  for (let x = 250; x < 256; x++) for (let y = 9900; y < 9905; y++) bodies.push(body(filedb, x, y));
  return bodies;
}

describe('publish-tasks', () => {
  it('uploads a local task cache and sends one message per task, naming the cache on S3', async () => {
    const queue = await createQueue(sqs, 'all');
    const result = await run('publish-tasks', cache, 'all', '--cache-uri', `s3://${BUCKET}/caches/uploaded.db`);
    expect(result.code, result.stderr.join('\n')).toBe(0);
    expect(result.stdout.join('\n')).toContain(`Published 30 of 30 tasks (of 30 in the cache) to ${queue.url}`);
    const uploaded = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'caches/uploaded.db' }))).Body!.transformToByteArray();
    expect(Buffer.from(uploaded).equals(readFileSync(cache))).toBe(true);
    expect((await drain(queue.url)).sort()).toEqual(everyBody(`s3://${BUCKET}/caches/uploaded.db`).sort());
  });

  it('publishes the selected tasks of a cache on S3, by queue URL', async () => {
    const queue = await createQueue(sqs, 'some');
    const result = await run('publish-tasks', `s3://${BUCKET}/caches/tiny.db`, queue.url, '2021--P1Y/251/9902', '-1', '--json');
    expect(result.code, result.stderr.join('\n')).toBe(0);
    expect(JSON.parse(result.stdout.join('\n'))).toMatchObject({ found: 30, tasks: 2, sent: 2, failed: [] });
    expect((await drain(queue.url)).sort()).toEqual([body(`s3://${BUCKET}/caches/tiny.db`, 251, 9902), body(`s3://${BUCKET}/caches/tiny.db`, 255, 9904)]);
  });

  it('with --dryrun prints the bodies and sends nothing; --geojson-filter keeps the tiles of a region', async () => {
    const queue = await createQueue(sqs, 'dry');
    const toLonLat = transformer('EPSG:32737', 'EPSG:4326');
    // Inside tiles x 251–252 of row y 9901 (1 km tiles from the UTM origin), touching no other.
    const ring = [
      [251_200, 9_901_200],
      [252_800, 9_901_200],
      [252_800, 9_901_800],
      [251_200, 9_901_800],
      [251_200, 9_901_200],
    ].map(([x, y]) => toLonLat(x!, y!));
    const region = path.join(dir, 'region.geojson');
    writeFileSync(region, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }] }));
    const filedb = 's3://pub/caches/tiny.db';
    const result = await run('publish-tasks', cache, 'dry', '--dryrun', '--geojson-filter', region, '--cache-uri', filedb);
    expect(result.code, result.stderr.join('\n')).toBe(0);
    expect(result.stdout).toEqual([body(filedb, 251, 9901), body(filedb, 252, 9901)]);
    expect(result.stderr).toContain('2 of 30 tasks would be published (dry run: nothing sent)');
    expect(await queueCounts(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
    // A dry run does not ask for the queue at all.
    expect((await run('publish-tasks', cache, 'not-made-yet', '--dryrun', '--cache-uri', filedb)).stdout).toHaveLength(30);
  });

  it('with --config states what the fleet will run: plugin, product, version, outputs, tasks and the estimated cost', async () => {
    const config = path.join(dir, 'tuned.yaml');
    writeFileSync(config, `plugin: pq\nproduct: {name: tuned, version: 3.0.1}\noutput_location: s3://${BUCKET}/out/{product}/{version}\n`);
    const result = await run('publish-tasks', cache, 'not-asked', ':3', '--dryrun', '--cache-uri', 's3://pub/caches/t.db', '--config', config);
    expect(result.code, result.stderr.join('\n')).toBe(0);
    // The bodies are odc-stats' own: the config travels in a message attribute.
    expect(result.stdout).toEqual([body('s3://pub/caches/t.db', 250, 9900), body('s3://pub/caches/t.db', 250, 9901), body('s3://pub/caches/t.db', 250, 9902)]);
    expect(result.stderr).toEqual([
      'Run: plugin pq, product tuned version 3.0.1',
      `Outputs: s3://${BUCKET}/out/tuned/3-0-1`,
      'Run config: s3://pub/caches/t.run.yaml',
      'Tasks: 3 of 30 in the cache s3://pub/caches/t.db',
      'Estimated cost: under a worker-minute (60.0 k pixel-observations at 900 k a second per worker)',
      '3 of 30 tasks would be published (dry run: nothing sent)',
    ]);

    // At a coarser output resolution the tiles have fewer pixels: 1 km tiles at 20 m are 50² px.
    const coarse = await run('publish-tasks', cache, 'q', '--dryrun', '--json', '--cache-uri', 's3://pub/caches/t.db', '--config', `plugin: pq\nresolution: 20\noutput_location: /tmp/out`, '--config-uri', 's3://pub/elsewhere.yaml');
    expect(coarse.code, coarse.stderr.join('\n')).toBe(0);
    const summary = JSON.parse(coarse.stdout.join('\n'));
    expect(summary.run).toMatchObject({ configUri: 's3://pub/elsewhere.yaml', plugin: 'pq', outputLocation: '/tmp/out' });
    expect(summary.estimate).toMatchObject({ pixelObservations: 30 * 50 * 50 * 2 });
    expect(coarse.stderr).toEqual(['odc-stats: warning: the output location /tmp/out is not on S3: each worker writes to its own disk']);

    // Without --config the confirmation says the workers' own config decides.
    const plain = await run('publish-tasks', cache, 'q', '0', '--dryrun', '--cache-uri', 's3://pub/caches/t.db');
    expect(plain.stderr[0]).toMatch(/^Run config: none published: the workers compute with their own --config/);
  });

  it('sends everything to the connection the app gives, not the environment’s, and writes the Job that names the run config', async () => {
    const queue = await createQueue(sqs, 'app');
    const moto = process.env['AWS_ENDPOINT_URL']!;
    const environment = { AWS_ENDPOINT_URL: process.env['AWS_ENDPOINT_URL'], AWS_ENDPOINT_URL_S3: process.env['AWS_ENDPOINT_URL_S3'] };
    // Nothing listens on port 9 of the loopback: a request that followed the environment would be refused.
    process.env['AWS_ENDPOINT_URL'] = process.env['AWS_ENDPOINT_URL_S3'] = 'http://127.0.0.1:9';
    let result;
    try {
      result = await publishTasks({
        cache,
        queue: 'app',
        selectors: [':2'],
        cacheUri: `s3://${BUCKET}/caches/app.db`,
        configYaml: `plugin: pq\nproduct: {name: app_pq, version: 2.0.0}\noutput_location: s3://${BUCKET}/out/{product}/{version}\n`,
        connection: { endpoint: moto, region: 'us-east-1' },
      });
    } finally {
      Object.assign(process.env, environment);
    }
    expect(result).toMatchObject({ queueUrl: queue.url, tasks: 2, sent: 2, failed: [] });
    expect(result.run).toMatchObject({ configUri: `s3://${BUCKET}/caches/app.run.yaml`, plugin: 'pq', product: 'app_pq', version: '2.0.0', outputLocation: `s3://${BUCKET}/out/app_pq/2-0-0` });
    const uploaded = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'caches/app.run.yaml' }))).Body!.transformToString();
    expect(uploaded).toContain('product: {name: app_pq, version: 2.0.0}');
    const job = parse(result.jobManifest!) as { metadata: { annotations: Record<string, string> }; spec: { template: { spec: { containers: Array<{ args: string[] }> } } } };
    expect(job.metadata.annotations['odc-stats/run-config']).toBe(`s3://${BUCKET}/caches/app.run.yaml`);
    expect(job.spec.template.spec.containers[0]!.args.slice(0, 2)).toEqual(['--from-sqs', queue.url]);
    expect(await drain(queue.url)).toHaveLength(2);
  });

  it('says in one line what is wrong', async () => {
    await createQueue(sqs, 'errors');
    const cases: Array<[string[], string]> = [
      [[cache, 'nope', '--cache-uri', 's3://pub/x.db'], 'odc-stats: error: queue not found: nope'],
      [[cache, 'errors'], 'odc-stats: error: workers read the task cache from S3: give --cache-uri s3://BUCKET/PATH/NAME.db to upload this local cache to'],
      [[cache, 'errors', '--cache-uri', '/tmp/x.db'], "odc-stats: error: invalid --cache-uri '/tmp/x.db': expected s3://BUCKET/PATH/NAME.db"],
      [[path.join(dir, 'missing.db'), 'errors', '--cache-uri', 's3://pub/x.db'], `odc-stats: error: task cache not found: ${path.join(dir, 'missing.db')}`],
      [['s3://pub/caches/missing.db', 'errors'], 'odc-stats: error: task cache not found: s3://pub/caches/missing.db'],
      [[cache, 'errors', '--cache-uri', 's3://no-such-bucket/x.db'], "odc-stats: error: cannot upload to s3://no-such-bucket/x.db: the bucket 'no-such-bucket' does not exist"],
      [[cache, 'errors', '--cache-uri', 's3://pub/x.db', '--config-uri', 's3://pub/x.yaml'], 'odc-stats: error: --config-uri says where a run config goes: give the run config with --config'],
      [[cache, 'errors', '--cache-uri', 's3://pub/x.db', '--config', 'missing.yaml'], 'odc-stats: error: --config file not found: missing.yaml'],
      [[cache, 'errors', '--cache-uri', 's3://pub/x.db', '--config', 'plugin: pq\noutput_location: s3://pub/o', '--config-uri', 'pub/x.yaml'], "odc-stats: error: invalid --config-uri 'pub/x.yaml': expected s3://BUCKET/PATH/NAME.yaml"],
      [[cache, 'errors', '--cache-uri', 's3://pub/x.db', '--config', 'plugin: pq'], 'odc-stats: error: the run config (inline) has no output_location: the workers would not know where to write'],
      [[cache, 'errors', '--cache-uri', 's3://pub/x.db', '--config', 'plugin: pq\noutput_location: s3://pub/o', '--config-uri', 's3://no-such-bucket/x.yaml'], "odc-stats: error: cannot upload to s3://no-such-bucket/x.yaml: the bucket 'no-such-bucket' does not exist"],
    ];
    for (const [args, message] of cases) {
      const result = await run('publish-tasks', ...args);
      expect({ code: result.code, stderr: result.stderr }, args.join(' ')).toEqual({ code: 1, stderr: [message] });
    }
  });
});

describe('uploadFile', () => {
  it('sends a big file in parts, byte for byte', async () => {
    const file = path.join(dir, 'big.bin');
    const bytes = randomBytes(11 * 1024 * 1024 + 123);
    writeFileSync(file, bytes);
    const progress: number[] = [];
    const mib5 = 5 * 1024 * 1024;
    const result = await uploadFile(file, `s3://${BUCKET}/big.bin`, { multipartThreshold: mib5, partSize: mib5, onProgress: (done) => progress.push(done) });
    expect(result).toEqual({ bytes: bytes.length, parts: 3 });
    expect(progress.sort((a, b) => a - b).at(-1)).toBe(bytes.length);
    const stored = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big.bin' }))).Body!.transformToByteArray();
    expect(Buffer.from(stored).equals(bytes)).toBe(true);
  });
});

describe('status', () => {
  it('counts a queue\u2019s messages waiting, in flight and dead-lettered', async () => {
    const dlq = await createQueue(sqs, 'watch-dlq');
    const queue = await createQueue(sqs, 'watch', { deadLetterArn: dlq.arn });
    await run('publish-tasks', `s3://${BUCKET}/caches/tiny.db`, 'watch', ':5');
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 2, VisibilityTimeout: 600 }));
    await run('publish-tasks', `s3://${BUCKET}/caches/tiny.db`, 'watch-dlq', '0');
    const result = await run('status', 'watch');
    expect(result.code, result.stderr.join('\n')).toBe(0);
    expect(result.stdout.join('\n')).toBe(`${queue.url}: 3 waiting, 2 in flight\ndead-letter ${dlq.url}: 1`);
    expect((await run('status', 'nope')).stderr).toEqual(['odc-stats: error: queue not found: nope']);
  });

  it('counts the tasks of a cache finished on the output location, and lists the others', async () => {
    const config = path.join(dir, 'status.yaml');
    writeFileSync(config, `plugin: pq\nproduct: {name: st, version: 1.0.0}\noutput_location: s3://${BUCKET}/out/{product}\n`);
    for (const [x, y] of [
      [250, 9900],
      [253, 9903],
    ]) {
      const key = `out/st/x${x}/y${y}/2021--P1Y/st_x${x}y${y}_2021--P1Y.stac-item.json`;
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{}' }));
    }
    // A band without its item is not a finished task.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'out/st/x251/y9900/2021--P1Y/st_x251y9900_2021--P1Y_total.tif', Body: 'x' }));
    const result = await run('status', `s3://${BUCKET}/caches/tiny.db`, '--config', config, '--json');
    expect(result.code, result.stderr.join('\n')).toBe(0);
    const status = JSON.parse(result.stdout.join('\n'));
    expect(status).toMatchObject({ location: `s3://${BUCKET}/out/st`, planned: 30, finished: 2 });
    expect(status.unfinished).toHaveLength(28);
    expect(status.unfinished).toContain('2021--P1Y/251/9900');
    expect(status.unfinished).not.toContain('2021--P1Y/253/9903');

    const local = path.join(dir, 'local-out');
    const text = await run('status', cache, '--plugin', 'pq', '--location', local, '2021--P1Y/250/9900', '2021--P1Y/250/9901');
    expect(text.stdout.join('\n').split('\n')).toEqual([`${cache}: 0 of 2 tasks finished in ${local}`, 'Unfinished (no STAC item): 2', '  2021--P1Y/250/9900', '  2021--P1Y/250/9901']);
  });
});
