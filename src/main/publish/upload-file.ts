import { promises as fs } from 'node:fs';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { UserError } from '../../shared/errors.js';
import { parseS3Uri, s3Client } from '../io/s3.js';

export interface UploadOptions {
  contentType?: string;
  /** Files above this many bytes go up in parts. */
  multipartThreshold?: number;
  /** Bytes per part, at least; raised for files that would need more than 10 000 parts. */
  partSize?: number;
  /** Parts in flight at once. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?(bytesDone: number, bytesTotal: number): void;
}

const MIB = 1024 * 1024;
export const UPLOAD_MULTIPART_THRESHOLD = 64 * MIB;
export const UPLOAD_PART_SIZE = 16 * MIB;
const MAX_PARTS = 10_000;
const DEFAULT_CONCURRENCY = 4;

/**
 * Uploads a local file to S3, in parts for a big one (a task cache of a million datasets is
 * gigabytes): read from disk part by part, a few parts in flight, so memory stays at a few
 * parts whatever the size. A failed upload is aborted, leaving no object and no parts behind.
 */
export async function uploadFile(file: string, uri: string, options: UploadOptions = {}): Promise<{ bytes: number; parts: number }> {
  const { bucket: Bucket, key: Key } = parseS3Uri(uri);
  if (!Key || Key.endsWith('/')) throw new UserError(`not an object URI: ${uri} (expected s3://bucket/path/NAME)`);
  const client = s3Client();
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const target = { Bucket, Key, ContentType: options.contentType ?? 'application/octet-stream' };
    if (size <= (options.multipartThreshold ?? UPLOAD_MULTIPART_THRESHOLD)) {
      const body = await handle.readFile();
      await client.send(new PutObjectCommand({ ...target, Body: body }), { abortSignal: options.signal }).catch((e: unknown) => {
        throw uploadError(e, uri);
      });
      options.onProgress?.(size, size);
      return { bytes: size, parts: 1 };
    }
    const partSize = Math.max(options.partSize ?? UPLOAD_PART_SIZE, Math.ceil(size / MAX_PARTS / MIB) * MIB);
    const count = Math.ceil(size / partSize);
    const { UploadId } = await client.send(new CreateMultipartUploadCommand(target), { abortSignal: options.signal }).catch((e: unknown) => {
      throw uploadError(e, uri);
    });
    const parts: CompletedPart[] = new Array(count);
    let next = 0;
    let done = 0;
    const lane = async () => {
      while (next < count) {
        options.signal?.throwIfAborted();
        const index = next++;
        const offset = index * partSize;
        const length = Math.min(partSize, size - offset);
        const buffer = Buffer.allocUnsafe(length);
        await handle.read(buffer, 0, length, offset);
        const part = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: index + 1, Body: buffer }), {
          abortSignal: options.signal,
        });
        parts[index] = { ETag: part.ETag, PartNumber: index + 1 };
        done += length;
        options.onProgress?.(done, size);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, count) }, lane));
      await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (e) {
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
      throw uploadError(e, uri);
    }
    return { bytes: size, parts: count };
  } finally {
    await handle.close();
  }
}

function uploadError(e: unknown, uri: string): unknown {
  if (e instanceof UserError || (e instanceof Error && e.name === 'AbortError')) return e;
  const name = e instanceof Error ? e.name : '';
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket') return new UserError(`cannot upload to ${uri}: the bucket '${parseS3Uri(uri).bucket}' does not exist`);
  if (name === 'AccessDenied' || status === 403) return new UserError(`cannot upload to ${uri}: access denied`);
  if (name === 'CredentialsProviderError') return new UserError(`cannot upload to ${uri}: no AWS credentials found`);
  const code = (e as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return new UserError(`cannot reach S3 for ${uri} (connection refused)`);
  return e;
}
