import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type ObjectCannedACL,
} from '@aws-sdk/client-s3';
import { parseS3Href, workerS3Client } from '../load/s3-source.js';

/**
 * Where a task's outputs go: a local folder or S3. Every write is atomic — a reader sees the
 * whole file or nothing — so that, with the STAC item written last, a task that looks
 * finished is finished.
 */
export interface OutputSink {
  exists(uri: string): Promise<boolean>;
  write(uri: string, body: Uint8Array, contentType: string): Promise<void>;
}

export interface SinkOptions {
  s3Acl?: string;
  unsigned?: boolean;
}

/** Objects above this size go up in parts, so one slow or failed part does not restart the whole. */
export const MULTIPART_THRESHOLD = 64 * 1024 * 1024;
export const PART_SIZE = 16 * 1024 * 1024;

export function sinkFor(uri: string, options: SinkOptions = {}): OutputSink {
  return uri.startsWith('s3://') ? s3Sink(options) : fileSink;
}

export function localPathOf(uri: string): string {
  return uri.startsWith('file://') ? fileURLToPath(uri) : uri;
}

const fileSink: OutputSink = {
  async exists(uri) {
    try {
      await fs.access(localPathOf(uri));
      return true;
    } catch {
      return false;
    }
  },
  async write(uri, body) {
    const target = localPathOf(uri);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
    try {
      await fs.writeFile(tmp, body);
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  },
};

function s3Sink(options: SinkOptions): OutputSink {
  const client = workerS3Client({ unsigned: options.unsigned ?? false, sdkRetries: true });
  const acl = options.s3Acl as ObjectCannedACL | undefined;
  const locate = (uri: string) => {
    const loc = parseS3Href(uri);
    if (!loc) throw new Error(`not an s3:// URI: ${uri}`);
    return { Bucket: loc.bucket, Key: loc.key };
  };
  return {
    async exists(uri) {
      try {
        await client.send(new HeadObjectCommand(locate(uri)));
        return true;
      } catch (e) {
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || (e as Error).name === 'NotFound' || (e as Error).name === 'NoSuchKey') return false;
        throw e;
      }
    },
    async write(uri, body, contentType) {
      const target = { ...locate(uri), ContentType: contentType, ...(acl && { ACL: acl }) };
      if (body.byteLength <= MULTIPART_THRESHOLD) {
        await client.send(new PutObjectCommand({ ...target, Body: body }));
        return;
      }
      const { UploadId } = await client.send(new CreateMultipartUploadCommand(target));
      const { Bucket, Key } = target;
      try {
        const parts = [];
        for (let offset = 0, n = 1; offset < body.byteLength; offset += PART_SIZE, n++) {
          const part = await client.send(
            new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: n, Body: body.subarray(offset, offset + PART_SIZE) }),
          );
          parts.push({ ETag: part.ETag, PartNumber: n });
        }
        await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
      } catch (e) {
        await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
        throw e;
      }
    },
  };
}
