import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDirectory } from '../test-support/static-server.js';
import { isRemote, listFiles, listUris, readLines, readText, resolveHref } from './uri.js';

let dir: string;
let server: { url: string; stop(): Promise<void> };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'uri-test-'));
  await writeFile(path.join(dir, 'hello.txt'), 'hello\nworld\n');
  await writeFile(path.join(dir, 'crlf.txt'), 'one\r\ntwo\r\n\r\nthree');
  await mkdir(path.join(dir, 'items', 'nested'), { recursive: true });
  for (const name of ['items/a.json', 'items/b.json', 'items/nested/c.json', 'items/notes.txt']) {
    await writeFile(path.join(dir, name), '{}');
  }
  server = await serveDirectory(dir);
});

afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

describe('readText', () => {
  it('reads plain paths, file:// URIs and http URLs', async () => {
    const file = path.join(dir, 'hello.txt');
    expect(await readText(file)).toBe('hello\nworld\n');
    expect(await readText(pathToFileURL(file).href)).toBe('hello\nworld\n');
    expect(await readText(`${server.url}hello.txt`)).toBe('hello\nworld\n');
  });

  it('names a missing file', async () => {
    const missing = path.join(dir, 'missing.json');
    await expect(readText(missing)).rejects.toThrow(`catalogue not found: ${missing}`);
  });

  it('names the status of a failed http read', async () => {
    await expect(readText(`${server.url}missing.json`)).rejects.toThrow(`cannot read ${server.url}missing.json: HTTP 404`);
  });

  it('says when nothing listens at the URL', async () => {
    const closed = await serveDirectory(dir);
    await closed.stop();
    await expect(readText(`${closed.url}x.json`)).rejects.toThrow(`cannot reach ${closed.url}x.json (connection refused)`);
  });
});

describe('readLines', () => {
  it('strips line endings and yields a last line without a newline', async () => {
    expect(await collect(readLines(path.join(dir, 'crlf.txt')))).toEqual(['one', 'two', '', 'three']);
  });

  it('splits lines and multi-byte characters across read chunks', async () => {
    // Three-byte characters make the 1 MiB chunk boundaries fall inside a character.
    const lines = Array.from({ length: 30_000 }, (_, i) => `${i}:${'€'.repeat(i % 50)}`);
    const file = path.join(dir, 'long.txt');
    await writeFile(file, `${lines.join('\n')}\n`);
    expect(await collect(readLines(file))).toEqual(lines);
    expect(await collect(readLines(`${server.url}long.txt`))).toEqual(lines);
  });

  it('stops reading when the reader stops', async () => {
    for await (const line of readLines(`${server.url}long.txt`)) {
      expect(line).toBe('0:');
      break;
    }
  });

  it('names a missing file', async () => {
    const missing = path.join(dir, 'missing.ndjson');
    await expect(collect(readLines(missing))).rejects.toThrow(`catalogue not found: ${missing}`);
  });
});

describe('resolveHref', () => {
  it.each([
    ['/data/cat/catalog.json', './s2/collection.json', '/data/cat/s2/collection.json'],
    ['/data/cat/s2/collection.json', '../other/item.json', '/data/cat/other/item.json'],
    ['/data/cat/', 'item.json', '/data/cat/item.json'],
    ['/data/cat/catalog.json', '/elsewhere/item.json', '/elsewhere/item.json'],
    ['/data/cat/catalog.json', 's3://bucket/item.json', 's3://bucket/item.json'],
    ['file:///data/cat/catalog.json', 'a b.json', 'file:///data/cat/a%20b.json'],
    ['https://example.com/cat/catalog.json', '../x/item.json?v=1', 'https://example.com/x/item.json?v=1'],
    ['https://example.com/cat/catalog.json', 'https://other.org/a.tif', 'https://other.org/a.tif'],
    ['s3://bucket/cat/s2/collection.json', '../items/a b.json', 's3://bucket/cat/items/a b.json'],
    ['s3://bucket/catalog.json', '../../a.json', 's3://bucket/a.json'],
    ['s3://bucket/cat/catalog.json', '/root.json', 's3://bucket/root.json'],
  ])('resolves against %s: %s', (base, href, expected) => {
    expect(resolveHref(base, href)).toBe(expected);
  });

  it('makes hrefs against a relative local path absolute', () => {
    expect(resolveHref('cat/catalog.json', 'item.json')).toBe(path.resolve('cat/item.json'));
  });
});

describe('listUris and listFiles', () => {
  it('lists a local glob, sorted, as absolute paths', async () => {
    expect(await listUris(`${dir}/items/*.json`)).toEqual([path.join(dir, 'items/a.json'), path.join(dir, 'items/b.json')]);
    expect(await listUris(`${dir}/items/**/*.json`)).toHaveLength(3);
  });

  it('lists the files under a folder matching a glob', async () => {
    expect(await listFiles(path.join(dir, 'items'), '**/*.json')).toEqual([
      path.join(dir, 'items/a.json'),
      path.join(dir, 'items/b.json'),
      path.join(dir, 'items/nested/c.json'),
    ]);
    expect(await listFiles(path.join(dir, 'items'), '{a,c}.json')).toEqual([path.join(dir, 'items/a.json')]);
  });
});

it('tells remote URIs from local ones', () => {
  expect(['s3://b/k', 'https://x/y', 'http://x/y'].map(isRemote)).toEqual([true, true, true]);
  expect(['/a/b', 'a/b', 'file:///a/b'].map(isRemote)).toEqual([false, false, false]);
});
