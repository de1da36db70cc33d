/**
 * Uploads to S3, in parts above a size, for the host (task caches) and task processes (outputs)
 * alike: a few parts in flight, and a failed upload aborted, leaving no object and no parts behind.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type ObjectCannedACL,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface UploadTarget {
  bucket: string;
  key: string;
  contentType: string;
  acl?: ObjectCannedACL;
}

/** What is uploaded, read a part at a time, so that a file need not be in memory whole. */
export interface UploadBody {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface UploadOptions {
  /** Bodies above this many bytes go up in parts. */
  multipartThreshold?: number;
  /** Bytes per part, at least; raised for bodies that would need more than 10 000 parts. */
  partSize?: number;
  /** Parts in flight at once. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?(bytesDone: number, bytesTotal: number): void;
}

const MIB = 1024 * 1024;
const MULTIPART_THRESHOLD = 64 * MIB;
const PART_SIZE = 16 * MIB;
const MAX_PARTS = 10_000;
const DEFAULT_CONCURRENCY = 4;

/** Uploads `body` to the target; resolves with the number of parts it went up in. */
export async function uploadObject(client: S3Client, target: UploadTarget, body: UploadBody, options: UploadOptions = {}): Promise<{ parts: number }> {
  const { bucket: Bucket, key: Key } = target;
  const { size } = body;
  const object = { Bucket, Key, ContentType: target.contentType, ...(target.acl && { ACL: target.acl }) };
  if (size <= (options.multipartThreshold ?? MULTIPART_THRESHOLD)) {
    await client.send(new PutObjectCommand({ ...object, Body: await body.read(0, size) }), { abortSignal: options.signal });
    options.onProgress?.(size, size);
    return { parts: 1 };
  }
  const partSize = Math.max(options.partSize ?? PART_SIZE, Math.ceil(size / MAX_PARTS / MIB) * MIB);
  const count = Math.ceil(size / partSize);
  const { UploadId } = await client.send(new CreateMultipartUploadCommand(object), { abortSignal: options.signal });
  const parts: CompletedPart[] = new Array(count);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < count) {
      options.signal?.throwIfAborted();
      const index = next++;
      const offset = index * partSize;
      const length = Math.min(partSize, size - offset);
      const part = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: index + 1, Body: await body.read(offset, length) }), {
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
    throw e;
  }
  return { parts: count };
}
