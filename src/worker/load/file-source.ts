/** Byte ranges of a local file. */
import { open, type FileHandle } from 'node:fs/promises';
import { firstLine } from '../../shared/first-line.js';
import { DatasetReadError } from './dataset-read-error.js';
import type { RangeReader } from './range-reader.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

export class FileRangeReader implements RangeReader {
  private handle: Promise<FileHandle> | null = null;
  private readsInFlight = 0;
  /**
   * Set by `close()` for good: a read after it (one that was under way when a task gave up, or
   * of a file the cache evicted) opens the file again, and the last such read closes it.
   */
  private closed = false;
  size: number | null = null;

  constructor(
    readonly href: string,
    readonly path: string,
  ) {}

  async read(offset: number, length: number, signal?: AbortSignal): Promise<ArrayBuffer> {
    signal?.throwIfAborted();
    this.readsInFlight++;
    try {
      const file = await this.open();
      const bytes = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await file.read(bytes, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === length ? bytes.buffer : bytes.buffer.slice(0, filled);
    } catch (error) {
      throw this.readError(error);
    } finally {
      this.readsInFlight--;
      if (this.closed && this.readsInFlight === 0) await this.closeHandle();
    }
  }

  /** Closes the handle once no read is using it. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.readsInFlight === 0) await this.closeHandle();
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle) await handle.then((file) => file.close()).catch(() => undefined);
  }

  private open(): Promise<FileHandle> {
    if (!this.handle) {
      const opening = open(this.path, 'r').then(async (file) => {
        try {
          this.size = (await file.stat()).size;
        } catch (error) {
          await file.close();
          throw error;
        }
        return file;
      });
      opening.catch(() => {
        if (this.handle === opening) this.handle = null;
      });
      this.handle = opening;
    }
    return this.handle;
  }

  private readError(error: unknown): DatasetReadError {
    if (error instanceof DatasetReadError) return error;
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === 'string' ? REASONS[code] : undefined;
    return new DatasetReadError(this.href, reason ?? firstLine(error), { cause: error });
  }
}
