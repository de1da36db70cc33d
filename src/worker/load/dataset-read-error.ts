/**
 * A dataset file that cannot be read: missing, not a GeoTIFF, truncated or corrupt, or still
 * failing after the transient-error retries. It fails the task, and its message names the file.
 */
export class DatasetReadError extends Error {
  override readonly name = 'DatasetReadError';

  constructor(
    readonly href: string,
    /** Why, in a few words: 'no such object', 'not a GeoTIFF'. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read ${href}: ${reason}`, options);
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
