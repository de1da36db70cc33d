/** Reads byte ranges of one file, wherever it is: local disk, HTTP(S), S3. */
export interface RangeReader {
  /** The file as the caller named it, for messages. */
  readonly href: string;
  /**
   * The bytes [offset, offset + length): fewer where the file ends first, none past its end.
   * Throws DatasetReadError (missing file, exhausted retries, …) or the signal's abort reason.
   */
  read(offset: number, length: number, signal?: AbortSignal): Promise<ArrayBuffer>;
  /** The file's size in bytes, once a read has told it; null before. */
  readonly size: number | null;
  /** Frees what the reader holds (a file handle); a later read opens again. */
  close(): Promise<void>;
}

