/**
 * Byte ranges of an S3 object, by ranged GetObject requests, with retries of throttling and
 * server errors.
 */
import { GetObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { s3Client } from '../../io/s3-client.js';
import { s3LocationOf } from '../../io/s3-uri.js';
import { firstLine } from '../../shared/first-line.js';
import { DatasetReadError, isAbortError } from './dataset-read-error.js';
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
    const location = s3LocationOf(href);
    if (!location?.key) throw new DatasetReadError(href, 'not an s3://bucket/key URI');
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
      // Our retries (retry.ts) rather than the SDK's: the same policy for S3 and HTTP.
      const response = await s3Client({ unsigned: this.options.unsigned ?? false, sdkRetries: false }).send(command, { abortSignal: signal });
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
