import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../io/s3-client.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { listFiles, listUris, readLines, readText } from './uri.js';

motoForTests();

beforeAll(async () => {
  const s3 = s3Client();
  await s3.send(new CreateBucketCommand({ Bucket: 'data' }));
  const put = (key: string, body: string, acl?: 'public-read') =>
    s3.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: body, ACL: acl }));
  await put('docs/hello.txt', 'hello\nworld\n');
  await put('public/open.json', '{"open":true}', 'public-read');
  // More keys than one ListObjectsV2 page holds (1000).
  const keys = Array.from({ length: 1010 }, (_, i) => `many/${String(i).padStart(4, '0')}.json`);
  for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((key) => put(key, '{}')));
  await put('many/nested/deep.json', '{}');
  await put('many/readme.txt', 'not json');
});

describe('s3Client', () => {
  it('sends unsigned requests, which a public-read object answers', async () => {
    const read = () => readText('s3://data/public/open.json', { unsigned: true });
    const [unsigned] = await authorizationHeaders(s3Client({ unsigned: true }), read);
    expect(unsigned).toBeUndefined();
    expect(await read()).toBe('{"open":true}');
    const [signed] = await authorizationHeaders(s3Client(), () => readText('s3://data/public/open.json'));
    expect(signed).toMatch(/^AWS4-HMAC-SHA256 Credential=testing\//);
  });
});

/** The Authorization headers of the requests `client` sends while `action` runs. */
async function authorizationHeaders(client: S3Client, action: () => Promise<unknown>): Promise<Array<string | undefined>> {
  const headers: Array<string | undefined> = [];
  // The deserialize step runs after signing, so it sees the request as sent.
  client.middlewareStack.add(
    (next) => async (args) => {
      headers.push((args.request as { headers: Record<string, string> }).headers.authorization);
      return next(args);
    },
    { step: 'deserialize', name: 'recordAuthorization' },
  );
  try {
    await action();
  } finally {
    client.middlewareStack.remove('recordAuthorization');
  }
  return headers;
}

describe('reading S3 objects', () => {
  it('reads an object as text and as lines', async () => {
    expect(await readText('s3://data/docs/hello.txt')).toBe('hello\nworld\n');
    const lines: string[] = [];
    for await (const line of readLines('s3://data/docs/hello.txt')) lines.push(line);
    expect(lines).toEqual(['hello', 'world']);
  });

  it('names a missing key and a missing bucket', async () => {
    await expect(readText('s3://data/docs/missing.json')).rejects.toThrow('catalogue not found: s3://data/docs/missing.json');
    await expect(readText('s3://no-such-bucket/x.json')).rejects.toThrow(
      "cannot read s3://no-such-bucket/x.json: the bucket 'no-such-bucket' does not exist",
    );
  });
});

describe('listing S3 objects', () => {
  it('matches a glob on keys across pages', async () => {
    const listed = await listUris('s3://data/many/*.json');
    expect(listed).toHaveLength(1010);
    expect(listed[0]).toBe('s3://data/many/0000.json');
    expect(listed.at(-1)).toBe('s3://data/many/1009.json');
    expect(await listUris('s3://data/many/**/*.json')).toHaveLength(1011);
    expect(await listUris('s3://data/many/100[0-2].json')).toEqual([
      's3://data/many/1000.json',
      's3://data/many/1001.json',
      's3://data/many/1002.json',
    ]);
  });

  it('lists the files under a folder', async () => {
    expect(await listFiles('s3://data/many/', '{readme.txt,0001.json}')).toEqual([
      's3://data/many/0001.json',
      's3://data/many/readme.txt',
    ]);
    expect(await listFiles('s3://data/many', 'nested/*.json')).toEqual(['s3://data/many/nested/deep.json']);
  });
});
