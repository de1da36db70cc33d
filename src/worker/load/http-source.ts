/** Byte ranges of a file served over HTTP(S), by Range requests, with retries of transient failures. */
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

export class HttpRangeReader implements RangeReader {
  size: number | null = null;
  /** The whole file, where the server ignored a Range header and sent all of it. */
  private wholeFile: ArrayBuffer | null = null;

  constructor(
    readonly href: string,
    private readonly retry: Omit<RetryOptions, 'signal'> = {},
  ) {}

  async read(offset: number, length: number, signal?: AbortSignal): Promise<ArrayBuffer> {
    if (this.wholeFile) return this.wholeFile.slice(offset, offset + length);
    try {
      return await withRetry(() => this.readOnce(offset, length, signal), { ...this.retry, signal });
    } catch (error) {
      if (error instanceof TransientReadError) {
        const tries = this.retry.tries ?? DEFAULT_TRIES;
        throw new DatasetReadError(this.href, `${error.reason} (${tries} tries)`, { cause: error });
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.wholeFile = null;
  }

  private async readOnce(offset: number, length: number, signal?: AbortSignal): Promise<ArrayBuffer> {
    let response: Response;
    try {
      response = await fetch(this.href, { headers: { Range: `bytes=${offset}-${offset + length - 1}` }, signal });
    } catch (error) {
      throw this.networkError(error);
    }
    const { status } = response;
    if (status === 206 || status === 200) {
      let body: ArrayBuffer;
      try {
        body = await response.arrayBuffer();
      } catch (error) {
        throw this.networkError(error);
      }
      if (status === 206) {
        this.size = totalFromContentRange(response.headers.get('content-range')) ?? this.size;
        return body.byteLength > length ? body.slice(0, length) : body;
      }
      // The server ignored the Range header: keep the file rather than fetch it again per read.
      this.wholeFile = body;
      this.size = body.byteLength;
      return body.slice(offset, offset + length);
    }
    await response.body?.cancel().catch(() => undefined);
    const statusText = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
    // The range starts past the end of the file.
    if (status === 416) return new ArrayBuffer(0);
    if (isTransientHttpStatus(status)) throw new TransientReadError(statusText);
    if (status === 404 || status === 410) throw new DatasetReadError(this.href, `not found (${statusText})`);
    if (status === 401 || status === 403) throw new DatasetReadError(this.href, `access denied (${statusText})`);
    throw new DatasetReadError(this.href, statusText);
  }

  private networkError(error: unknown): unknown {
    if (isAbortError(error)) return error;
    const code = networkErrorCode(error);
    if (isTransientNetworkCode(code)) return new TransientReadError(`connection failed (${code})`, { cause: error });
    if (code === 'ECONNREFUSED') return new DatasetReadError(this.href, 'connection refused', { cause: error });
    if (code === 'ENOTFOUND') return new DatasetReadError(this.href, 'host not found', { cause: error });
    return new DatasetReadError(this.href, code ? `${firstLine(error)} (${code})` : firstLine(error), { cause: error });
  }
}

/** The total size from a Content-Range header ('bytes 0-1023/146515'), if it gives one. */
function totalFromContentRange(header: string | null): number | null {
  const match = header ? /\/(\d+)\s*$/.exec(header) : null;
  return match ? Number(match[1]) : null;
}
