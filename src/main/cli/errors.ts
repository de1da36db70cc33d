import { isUserError } from '../../shared/errors.js';

const SYSTEM_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  ENOTDIR: 'not a folder',
  EISDIR: 'is a folder',
  ENOENT: 'no such file or folder',
};

/**
 * The one line a user sees for an error they can act on, or undefined for a bug (whose
 * stack trace is then worth printing).
 */
export function userMessage(e: unknown): string | undefined {
  if (isUserError(e)) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && SYSTEM_ERRORS[err.code]) {
    return `${SYSTEM_ERRORS[err.code]}: ${err.path ?? err.message}`;
  }
  if (err && err.name === 'AbortError') return 'interrupted; nothing was written';
  return undefined;
}
