import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type ObjectCannedACL,
} from '@aws-sdk/client-s3';
import { UserError } from '../../shared/errors.js';
import { parseS3Href, workerS3Client } from '../load/s3-source.js';

/**
 * Where a task's outputs go: a local folder or S3. Every write is atomic — a reader sees the
 * whole file or nothing — so that, with the STAC item written last, a task that looks
 * finished is finished.
 */
export interface OutputSink {
  exists(uri: string): Promise<boolean>;
  write(uri: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Removes the file, if it is there. */
  remove(uri: string): Promise<void>;
  /** Checks that files can be written under `location`, leaving nothing behind; throws why not. */
  probe(location: string): Promise<void>;
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

/**
 * Fails in one line, before any task, where outputs cannot be written: a folder that cannot be
 * created, a path under a file, a bucket that does not exist.
 */
export async function checkOutputLocation(location: string, options: SinkOptions = {}): Promise<void> {
  try {
    await sinkFor(location, options).probe(location);
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new UserError(`cannot write to the output location ${location}: ${reason}`);
  }
}

/** The name a local file is written under before it is renamed to `name` (in the same folder). */
function temporaryName(name: string): string {
  return `.${name}.${process.pid}.${Date.now()}.tmp`;
}

/** Whether a folder entry is a temporary of a write of `name`, by this process or another. */
export function isTemporaryOf(entry: string, name: string): boolean {
  return entry.startsWith(`.${name}.`) && /^\.\d+\.\d+\.tmp$/.test(entry.slice(name.length + 1));
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
    const tmp = path.join(path.dirname(target), temporaryName(path.basename(target)));
    try {
      await fs.writeFile(tmp, body);
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  },
  async remove(uri) {
    await fs.rm(localPathOf(uri), { force: true });
  },
  async probe(location) {
    const folder = path.resolve(localPathOf(location));
    const created = await createFolders(folder);
    const probe = path.join(folder, temporaryName('odc-stats-probe'));
    try {
      await fs.writeFile(probe, '');
      await fs.rm(probe);
    } catch (e) {
      throw new Error(`cannot create a file there (${errnoText(e)})`);
    } finally {
      for (const dir of created.reverse()) await fs.rmdir(dir).catch(() => undefined);
    }
  },
};

/**
 * Creates the missing folders of `folder`, one by one, and returns them. Not `mkdir`'s
 * `recursive`: where a folder cannot be made (under /proc) it spins forever.
 */
async function createFolders(folder: string): Promise<string[]> {
  const missing: string[] = [];
  let dir = folder;
  for (;;) {
    const stat = await fs.stat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw new Error(`cannot look at ${dir} (${errnoText(e)})`);
    });
    if (stat?.isDirectory()) break;
    if (stat) throw new Error(`${dir} is a file, not a folder`);
    missing.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const created: string[] = [];
  for (const dir of missing.reverse()) {
    try {
      await fs.mkdir(dir);
    } catch (e) {
      for (const made of created.reverse()) await fs.rmdir(made).catch(() => undefined);
      throw new Error(`cannot create the folder ${dir} (${errnoText(e)})`);
    }
    created.push(dir);
  }
  return created;
}

/** 'permission denied' of `EACCES: permission denied, mkdir '/x'`. */
function errnoText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return /^[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message.split('\n')[0]!;
}

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
    async remove(uri) {
      await client.send(new DeleteObjectCommand(locate(uri)));
    },
    async probe(location) {
      const Bucket = /^s3:\/\/([^/]+)/.exec(location)?.[1];
      if (!Bucket) throw new Error('not an s3://BUCKET/PATH location');
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (e) {
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        // Writing may be allowed where looking at the bucket is not: the writes will tell.
        if (status === 403) return;
        if (status === 404 || (e as Error).name === 'NotFound' || (e as Error).name === 'NoSuchBucket') throw new Error(`no bucket ${Bucket}`);
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
