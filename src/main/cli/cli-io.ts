import { discardAllPendingSync } from '../../io/atomic-file.js';
import { EXIT_INTERRUPTED } from './exit-codes.js';

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** A transient status line (stderr, overwritten in a terminal; dropped otherwise). */
  progress(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: (line) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
  },
};

const GRACE_MS = 3000;

let interruptedBy: NodeJS.Signals | undefined;

/** The signal that interrupted a command of this process, if one did: the exit status is then 130. */
export function interruption(): NodeJS.Signals | undefined {
  return interruptedBy;
}

/** Forgets an earlier interruption (`main()` runs several commands in one process in tests). */
export function resetInterruption(): void {
  interruptedBy = undefined;
}

/**
 * Runs `work` with an AbortSignal tied to Ctrl-C and SIGTERM. The work is asked to stop and
 * clean up; if it has not within a grace period, pending temporary files are removed and the
 * process exits, so an interruption never leaves a half-written output.
 */
export async function runInterruptibly<T>(io: CliIo, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    interruptedBy = sig;
    io.progress('');
    io.err(`odc-stats: ${sig === 'SIGINT' ? 'interrupted' : 'terminated'}; removing partial outputs`);
    controller.abort();
    timer = setTimeout(() => {
      discardAllPendingSync();
      process.exit(EXIT_INTERRUPTED);
    }, GRACE_MS);
    timer.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (timer) clearTimeout(timer);
  }
}
