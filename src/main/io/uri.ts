import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { localPath } from '../../io/local-path.js';
import { fileURLToPath } from 'node:url';
import { glob } from 'tinyglobby';
import { UserError } from '../../shared/errors.js';
import { parseS3Uri } from '../../io/s3-uri.js';
import { getS3Object, listS3Keys, s3ReadError } from './s3.js';

export interface ReadOptions {
  /** Read S3 objects unsigned (public buckets). */
  unsigned?: boolean;
  signal?: AbortSignal;
}

// At least two letters, so that a Windows drive letter (C:\...) is not taken for a scheme.
const SCHEME = /^[a-z][a-z0-9+.-]+:/i;
const LOCAL_READ_CHUNK_BYTES = 1 << 20;

export function isRemote(uri: string): boolean {
  return isHttp(uri) || isS3(uri);
}

function isHttp(uri: string): boolean {
  return /^https?:\/\//i.test(uri);
}

function isS3(uri: string): boolean {
  return /^s3:\/\//i.test(uri);
}

/**
 * `href` resolved against the document at `base`, as a browser would: relative to the folder of
 * `base`, or to `base` itself when it ends with a slash. Hrefs with a scheme come back unchanged;
 * local results are absolute paths.
 */
export function resolveHref(base: string, href: string): string {
  if (SCHEME.test(href)) return href;
  if (isS3(base)) return resolveS3Href(base, href);
  if (SCHEME.test(base)) return new URL(href, base).href;
  const folder = base.endsWith('/') || base.endsWith(path.sep) ? base : path.dirname(base);
  return path.resolve(folder, href);
}

// S3 keys are not percent-encoded in s3:// URIs, so they are joined as paths rather than as URLs.
function resolveS3Href(base: string, href: string): string {
  const { bucket, key } = parseS3Uri(base);
  const folder = href.startsWith('/') ? '' : key.slice(0, key.lastIndexOf('/') + 1);
  // The leading slash keeps '..' from climbing out of the bucket.
  return `s3://${bucket}${path.posix.normalize(`/${folder}${href}`)}`;
}

export async function readText(uri: string, options: ReadOptions = {}): Promise<string> {
  if (isHttp(uri)) {
    const response = await fetchOk(uri, options.signal);
    try {
      return await response.text();
    } catch (error) {
      throw streamError(error, uri);
    }
  }
  if (isS3(uri)) {
    const body = await getS3Object(uri, options);
    try {
      return await body.transformToString();
    } catch (error) {
      throw s3ReadError(error, uri);
    }
  }
  try {
    return await readFile(localPath(uri), { encoding: 'utf8', signal: options.signal });
  } catch (error) {
    throw localReadError(error, uri);
  }
}

/** The bytes at `uri` (a path, `file://`, `http(s)://` or `s3://`); `what` names it when it is not there. */
export async function readBytes(uri: string, what: string, options: ReadOptions = {}): Promise<Uint8Array> {
  if (isHttp(uri)) {
    const response = await fetchOk(uri, options.signal);
    try {
      return new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw streamError(error, uri);
    }
  }
  if (isS3(uri)) {
    const body = await getS3Object(uri, options, what);
    try {
      return await body.transformToByteArray();
    } catch (error) {
      throw s3ReadError(error, uri, what);
    }
  }
  try {
    return await readFile(localPath(uri), { signal: options.signal });
  } catch (error) {
    throw localReadError(error, uri, what);
  }
}

/** The lines of the text at `uri`, without line endings, read as a stream. */
export async function* readLines(uri: string, options: ReadOptions = {}): AsyncIterable<string> {
  try {
    yield* splitLines(await openBytes(uri, options));
  } catch (error) {
    throw streamError(error, uri);
  }
}

type Chunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

async function openBytes(uri: string, options: ReadOptions): Promise<Chunks> {
  if (isHttp(uri)) {
    const response = await fetchOk(uri, options.signal);
    if (!response.body) return [];
    return webStreamChunks(response.body);
  }
  if (isS3(uri)) return webStreamChunks((await getS3Object(uri, options)).transformToWebStream());
  // Opened first so that a missing file fails here, with its own message.
  const file = await open(localPath(uri)).catch((error: unknown) => {
    throw localReadError(error, uri);
  });
  return file.createReadStream({ highWaterMark: LOCAL_READ_CHUNK_BYTES, signal: options.signal });
}

async function* webStreamChunks(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Frees the connection when the reader stops early; a stream that failed cannot be cancelled.
    await reader.cancel().catch(() => undefined);
  }
}

async function* splitLines(chunks: Chunks): AsyncIterable<string> {
  const decoder = new TextDecoder();
  let partial = '';
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    // Appending without splitting keeps a very long line from being copied once per chunk.
    if (!text.includes('\n')) {
      partial += text;
      continue;
    }
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) yield withoutCarriageReturn(line);
  }
  partial += decoder.decode();
  if (partial) yield withoutCarriageReturn(partial);
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * The URIs of the files matching a glob, sorted: a local one (tinyglobby syntax) or one on S3
 * (`*`, `**`, `?`, `[...]` and `{a,b}` of plain names, matched against the key).
 */
export async function listUris(pattern: string, options: ReadOptions = {}): Promise<string[]> {
  if (isHttp(pattern)) throw new UserError(`cannot list files over HTTP: ${pattern}`);
  if (isS3(pattern)) {
    const { bucket, key } = parseS3Uri(pattern);
    return listS3Uris(bucket, '', key, options);
  }
  const globPattern = pattern.startsWith('file://') ? fileURLToPath(pattern) : pattern;
  // tinyglobby takes forward slashes only.
  const portable = path.sep === '\\' ? globPattern.replaceAll('\\', '/') : globPattern;
  return sortedPaths(await glob(portable, { absolute: true, onlyFiles: true, expandDirectories: false }));
}

/** The URIs of the files under a local or S3 folder whose paths within it match a glob, sorted. */
export async function listFiles(folder: string, pattern: string, options: ReadOptions = {}): Promise<string[]> {
  if (isHttp(folder)) throw new UserError(`cannot list files over HTTP: ${folder}`);
  if (isS3(folder)) {
    const { bucket, key } = parseS3Uri(folder);
    return listS3Uris(bucket, key === '' || key.endsWith('/') ? key : `${key}/`, pattern, options);
  }
  return sortedPaths(await glob(pattern, { cwd: localPath(folder), absolute: true, onlyFiles: true, expandDirectories: false }));
}

function sortedPaths(paths: string[]): string[] {
  return paths.map((found) => path.resolve(found)).sort();
}

async function listS3Uris(bucket: string, folderKey: string, pattern: string, options: ReadOptions): Promise<string[]> {
  const firstWildcard = pattern.search(/[*?[{]/);
  const literalStart = firstWildcard < 0 ? pattern : pattern.slice(0, firstWildcard);
  const wildcardPart = pattern.slice(literalStart.length);
  // A pattern within one folder need not list what lies below it.
  const delimiter = wildcardPart.includes('/') || wildcardPart.includes('**') ? undefined : '/';
  const matcher = globToRegExp(pattern);
  const uris: string[] = [];
  for await (const key of listS3Keys(bucket, folderKey + literalStart, { ...options, delimiter })) {
    if (matcher.test(key.slice(folderKey.length))) uris.push(`s3://${bucket}/${key}`);
  }
  return uris.sort();
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '*' && pattern[i + 1] === '*') {
      const folders = pattern[i + 2] === '/';
      source += folders ? '(?:.*/)?' : '.*';
      i += folders ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[' && pattern.indexOf(']', i + 2) > 0) {
      const end = pattern.indexOf(']', i + 2);
      const members = pattern.slice(i + 1, end).replaceAll('\\', '\\\\');
      source += members.startsWith('!') ? `[^${members.slice(1)}]` : `[${members}]`;
      i = end;
    } else if (char === '{' && pattern.indexOf('}', i) > 0) {
      const end = pattern.indexOf('}', i);
      source += `(?:${pattern.slice(i + 1, end).split(',').map(escapeRegExp).join('|')})`;
      i = end;
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `fetch`, with network failures turned into one-line UserErrors that name the URL. */
export async function fetchUri(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (isAbort(error)) throw error;
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const reason = NETWORK_FAILURES[String(cause?.code)] ?? String(cause?.message ?? (error as Error).message);
    throw new UserError(`cannot reach ${url} (${reason})`);
  }
}

const NETWORK_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  CERT_HAS_EXPIRED: 'certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate not trusted',
};

async function fetchOk(url: string, signal: AbortSignal | undefined): Promise<Response> {
  const response = await fetchUri(url, { signal });
  if (!response.ok) {
    await response.body?.cancel();
    throw new UserError(`cannot read ${url}: HTTP ${response.status}`);
  }
  return response;
}

function localReadError(error: unknown, uri: string, what = 'catalogue'): unknown {
  if (isAbort(error)) return error;
  switch ((error as { code?: unknown }).code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new UserError(`${what} not found: ${uri}`);
    case 'EACCES':
    case 'EPERM':
      return new UserError(`cannot read ${uri}: permission denied`);
    case 'EISDIR':
      return new UserError(`cannot read ${uri}: it is a folder`);
    default:
      return new UserError(`cannot read ${uri}: ${(error as Error).message}`);
  }
}

function streamError(error: unknown, uri: string): unknown {
  if (error instanceof UserError || isAbort(error)) return error;
  return new UserError(`cannot read ${uri}: ${error instanceof Error ? error.message : String(error)}`);
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
