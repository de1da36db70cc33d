import type { CliIo } from '../cli/cli-io.js';

/** A CliIo that records what a command prints, for tests. */
export function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    progress: () => {},
  };
}
