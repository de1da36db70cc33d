/**
 * Retries of transient read failures (HTTP 5xx and 429, dropped connections, S3 throttling)
 * with exponential backoff and jitter, abandoned as soon as the caller's signal aborts.
 */

/** A failure worth trying again; `reason` is one line, for the error raised when tries run out. */
export class TransientReadError extends Error {
  override readonly name = 'TransientReadError';

  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  tries?: number;
  /** The wait before the second attempt; it doubles before each further one. */
  baseDelayMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_TRIES = 4;
const DEFAULT_BASE_DELAY_MS = 200;

/**
 * Runs `attempt` until it succeeds, throws something other than a TransientReadError, or has
 * been tried `tries` times (then the last TransientReadError is thrown, `attempts` set on it).
 */
export async function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const tries = Math.max(1, options.tries ?? DEFAULT_TRIES);
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  for (let attemptNumber = 1; ; attemptNumber++) {
    options.signal?.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof TransientReadError) || attemptNumber >= tries) throw error;
      // Half fixed, half random: spreads the retries of many workers hit by the same outage
      // while keeping a floor under each wait.
      const ceiling = baseDelayMs * 2 ** (attemptNumber - 1);
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2), options.signal);
    }
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Network error codes (Node and undici) after which the same request may well succeed. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** The Node/undici error code of `error` or of one of its causes. */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isTransientNetworkCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_NETWORK_CODES.has(code);
}

export function isTransientHttpStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
