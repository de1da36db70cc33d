/**
 * `odc-stats` as a real child process, for tests of what a user of the command meets: its exit
 * status, its stderr, the files it leaves. It runs the CLI's own entry (`src/main/cli/main.ts`
 * through tsx, as the build's `bin/odc-stats.js` runs the compiled one).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
// By its path, so that a command run in any folder finds it.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliOutcome {
  /** Exit status, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Modules loaded before the CLI (`node --import`), e.g. to inject a fault. */
  preload?: string[];
  /** The process is killed (SIGKILL) after this long; the test then fails on its outcome. Default 60 s. */
  timeoutMs?: number;
  /**
   * Its own process group, as a terminal's foreground job: `process.kill(-child.pid, 'SIGINT')`
   * then signals it with its worker processes, as Ctrl-C does.
   */
  processGroup?: boolean;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr has printed text matching the pattern. */
  waitForOutput(pattern: RegExp): Promise<void>;
  outcome: Promise<CliOutcome>;
}

/** Starts `odc-stats ARGS…` and returns at once, for tests that signal it mid-way. */
export function startCli(args: string[], options: CliOptions = {}): CliProcess {
  const execArgv = ['--import', TSX, ...(options.preload ?? []).flatMap((m) => ['--import', m])];
  const child = spawn(process.execPath, [...execArgv, CLI, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup ?? false,
  });
  let stdout = '';
  let stderr = '';
  const watchers: Array<{ pattern: RegExp; resolve: () => void }> = [];
  const check = () => {
    for (const w of [...watchers]) {
      if (w.pattern.test(stdout) || w.pattern.test(stderr)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    check();
  });
  const timer = setTimeout(() => {
    if (options.processGroup) process.kill(-child.pid!, 'SIGKILL');
    else child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  const outcome = new Promise<CliOutcome>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput: (pattern) =>
      new Promise((resolve, reject) => {
        watchers.push({ pattern, resolve });
        check();
        void outcome.then(() => reject(new Error(`the CLI exited before printing ${pattern}; stderr: ${stderr.slice(-2000)}`)));
      }),
    outcome,
  };
}

/** Runs `odc-stats ARGS…` to its end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliOutcome> {
  return startCli(args, options).outcome;
}

/** The non-empty lines of a stream's text. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}
