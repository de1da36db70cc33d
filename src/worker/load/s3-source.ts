/**
 * Byte ranges of an S3 object, by ranged GetObject requests, with retries of throttling and
 * server errors.
 */
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { s3ClientConfig } from '../../shared/s3-config.js';
import { DatasetReadError, firstLine, isAbortError } from './dataset-read-error.js';
import type { RangeReader } from './range-reader.js';
import {
  DEFAULT_TRIES,
  TransientReadError,
  isTransientHttpStatus,
  isTransientNetworkCode,
  networkErrorCode,
  withRetry,
  type RetryOptions,
} from './retry.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const clients = new Map<string, S3Client>();

/**
 * The S3 client for the environment's endpoint and region. Reads retry with our policy
 * (retry.ts), the same for S3 and HTTP, so the SDK's own retries are off unless `sdkRetries`
 * (writes, which have no retry of ours).
 */
export function workerS3Client(options: { unsigned?: boolean; sdkRetries?: boolean } = {}): S3Client {
  const { key, config } = s3ClientConfig(process.env, {
    unsigned: options.unsigned ?? false,
    ...(!options.sdkRetries && { maxAttempts: 1 }),
  });
  let client = clients.get(key);
  if (!client) {
    client = new S3Client(config);
    clients.set(key, client);
  }
  return client;
}

export function parseS3Href(href: string): { bucket: string; key: string } | null {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(href);
  return match ? { bucket: match[1]!, key: match[2]! } : null;
}

const TRANSIENT_S3_ERRORS = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'TooManyRequestsException',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
]);

export class S3RangeReader implements RangeReader {
  size: number | null = null;
  private readonly bucket: string;
  private readonly key: string;

  constructor(
    readonly href: string,
    private readonly options: { unsigned?: boolean; retry?: Omit<RetryOptions, 'signal'> } = {},
  ) {
    const location = parseS3Href(href);
    if (!location) throw new DatasetReadError(href, 'not an s3://bucket/key URI');
    this.bucket = location.bucket;
    this.key = location.key;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<ArrayBuffer> {
    try {
      return await withRetry(() => this.readOnce(offset, length, signal), { ...this.options.retry, signal });
    } catch (error) {
      if (error instanceof TransientReadError) {
        const tries = this.options.retry?.tries ?? DEFAULT_TRIES;
        throw new DatasetReadError(this.href, `${error.reason} (${tries} tries)`, { cause: error });
      }
      throw error;
    }
  }

  async close(): Promise<void> {}

  private async readOnce(offset: number, length: number, signal?: AbortSignal): Promise<ArrayBuffer> {
    const range = `bytes=${offset}-${offset + length - 1}`;
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: range });
    try {
      const response = await workerS3Client(this.options).send(command, { abortSignal: signal });
      const total = response.ContentRange ? /\/(\d+)\s*$/.exec(response.ContentRange) : null;
      if (total) this.size = Number(total[1]);
      const bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
      // A copy, since the SDK's array may be a view of a larger, pooled buffer.
      return bytes.slice(0, Math.min(length, bytes.length)).buffer;
    } catch (error) {
      // The range starts past the end of the object.
      if (isInvalidRange(error)) return new ArrayBuffer(0);
      throw this.readError(error);
    }
  }

  private readError(error: unknown): unknown {
    if (error instanceof DatasetReadError || isAbortError(error)) return error;
    const name = error instanceof Error ? error.name : '';
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    if (name === 'NoSuchKey' || (name === 'NotFound' && status === 404)) return this.failure('no such object', error);
    if (name === 'NoSuchBucket') return this.failure(`no such bucket '${this.bucket}'`, error);
    if (name === 'AccessDenied' || status === 403) return this.failure('access denied', error);
    if (name === 'CredentialsProviderError') {
      return this.failure('no AWS credentials found (a public bucket can be read unsigned)', error);
    }
    if (TRANSIENT_S3_ERRORS.has(name) || (status !== undefined && isTransientHttpStatus(status))) {
      return new TransientReadError(status ? `${name || 'S3 error'} (HTTP ${status})` : name, { cause: error });
    }
    const code = networkErrorCode(error);
    if (isTransientNetworkCode(code)) return new TransientReadError(`connection failed (${code})`, { cause: error });
    if (code === 'ECONNREFUSED') return this.failure('connection refused', error);
    return this.failure(firstLine(error), error);
  }

  private failure(reason: string, cause: unknown): DatasetReadError {
    return new DatasetReadError(this.href, reason, { cause });
  }
}

function isInvalidRange(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'InvalidRange' || error.$metadata.httpStatusCode === 416;
}
