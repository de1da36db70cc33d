/**
 * What the exit status of `odc-stats` means (docs/exit-codes.md). A command reports failure in
 * one way only: by throwing; `main()` turns what was thrown into the status.
 */
export const EXIT_OK = 0;
/** A user error (bad option, missing file, unreachable catalogue) or a task that failed. */
export const EXIT_FAILED = 1;
/** A bug: the stack trace is printed. (BSD sysexits' EX_SOFTWARE.) */
export const EXIT_INTERNAL = 70;
/** Stopped by Ctrl-C or SIGTERM before the work was done (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/**
 * A command that ran to its end but did not do all it was asked (failed tasks, unsent
 * messages): its summary is printed already, so there is nothing more to say.
 */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(readonly what: string) {
    super(what);
  }
}
