import { promises as fs } from 'node:fs';
import type { AwsConnection } from '../../shared/aws-connection.js';
import { UserError } from '../../shared/errors.js';
import { s3Client } from '../../io/s3-client.js';
import { uploadObject, type UploadOptions } from '../../io/s3-upload.js';
import { parseS3Uri } from '../../io/s3-uri.js';
import { httpStatusOf } from '../../io/s3-error-status.js';

/**
 * Uploads a local file to S3, part by part from disk for a big one (a task cache of a million
 * datasets is gigabytes), so memory stays at a few parts whatever the size.
 */
export async function uploadFile(
  file: string,
  uri: string,
  options: UploadOptions & { contentType?: string; connection?: AwsConnection } = {},
): Promise<{ bytes: number; parts: number }> {
  const { bucket, key } = parseS3Uri(uri);
  if (!key || key.endsWith('/')) throw new UserError(`not an object URI: ${uri} (expected s3://bucket/path/NAME)`);
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const read = async (offset: number, length: number) => {
      const buffer = Buffer.allocUnsafe(length);
      await handle.read(buffer, 0, length, offset);
      return buffer;
    };
    const target = { bucket, key, contentType: options.contentType ?? 'application/octet-stream' };
    const { parts } = await uploadObject(s3Client({ ...(options.connection && { connection: options.connection }) }), target, { size, read }, options).catch((e: unknown) => {
      throw uploadError(e, uri);
    });
    return { bytes: size, parts };
  } finally {
    await handle.close();
  }
}

/** Uploads a small text (a run config) to S3 in one PUT. */
export async function uploadText(text: string, uri: string, contentType: string, options: { signal?: AbortSignal; connection?: AwsConnection } = {}): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  if (!key || key.endsWith('/')) throw new UserError(`not an object URI: ${uri} (expected s3://bucket/path/NAME)`);
  const bytes = Buffer.from(text, 'utf8');
  const client = s3Client({ ...(options.connection && { connection: options.connection }) });
  await uploadObject(client, { bucket, key, contentType }, { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) }, {
    ...(options.signal && { signal: options.signal }),
  }).catch((e: unknown) => {
    throw uploadError(e, uri);
  });
}

function uploadError(e: unknown, uri: string): unknown {
  if (e instanceof UserError || (e instanceof Error && e.name === 'AbortError')) return e;
  const name = e instanceof Error ? e.name : '';
  const status = httpStatusOf(e);
  if (name === 'NoSuchBucket') return new UserError(`cannot upload to ${uri}: the bucket '${parseS3Uri(uri).bucket}' does not exist`);
  if (name === 'AccessDenied' || status === 403) return new UserError(`cannot upload to ${uri}: access denied`);
  if (name === 'CredentialsProviderError') return new UserError(`cannot upload to ${uri}: no AWS credentials found`);
  const code = (e as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return new UserError(`cannot reach S3 for ${uri} (connection refused)`);
  return e;
}
