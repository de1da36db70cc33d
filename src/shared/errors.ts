/**
 * An error the user caused (bad option, missing file, unreachable catalogue). Its message is
 * one readable line, shown as is by the CLI and the UI, without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
