import { Command, CommanderError } from 'commander';
import { APP_VERSION } from '../version.js';
import { demoCommand } from './demo-command.js';
import { runCommand } from './run-tasks-command.js';
import { userMessage } from './errors.js';
import { interruption, processIo, resetInterruption, type CliIo } from './cli-io.js';
import { CommandFailed, EXIT_FAILED, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK } from './exit-codes.js';
import { publishTasksCommand } from './publish-tasks-command.js';
import { saveTasksCommand } from './save-tasks-command.js';
import { locateGridsCommand } from './locate-grids-command.js';
import { generateMosaicCommand } from './generate-mosaic-command.js';
import { statusCommand } from './status-command.js';
import { drainQueueCommand, workerCommand, WORKER_DEFAULTS } from './worker-command.js';
import { serveCommand } from './serve-command.js';

function createProgram(io: CliIo = processIo): Command {
  const program = new Command('odc-stats')
    .description('Statistical products from satellite imagery: plan tasks from STAC, compute them, publish them to a fleet')
    .version(APP_VERSION, '-V, --version')
    .showSuggestionAfterError()
    .configureOutput(outputTo(io))
    .exitOverride();
  program.addCommand(saveTasksCommand(io));
  program.addCommand(locateGridsCommand(io));
  program.addCommand(generateMosaicCommand(io));
  program.addCommand(runCommand(io, (flags) => drainQueueCommand(io, { ...WORKER_DEFAULTS, ...flags })));
  program.addCommand(publishTasksCommand(io));
  program.addCommand(workerCommand(io));
  program.addCommand(statusCommand(io));
  program.addCommand(demoCommand(io));
  program.addCommand(serveCommand(io));
  for (const sub of program.commands) sub.exitOverride().configureOutput(outputTo(io));
  return program;
}

function outputTo(io: CliIo) {
  return {
    writeOut: (s: string) => io.out(s.trimEnd()),
    writeErr: (s: string) => io.err(s.trimEnd()),
    // Commander puts its "Did you mean …?" on a second line; a user error is one line.
    outputError: (s: string, write: (s: string) => void) => write(s.trim().replace(/\n+/g, ' ')),
  };
}

/** Runs the CLI and returns its exit status (exit-codes.ts): 0 done, 1 failed, 70 bug, 130 interrupted. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = createProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_FAILED;
  }
  resetInterruption();
  const status = await statusOf(() => program.parseAsync(argv, { from: 'user' }), io);
  // Whatever the command made of it, work cut short by Ctrl-C or SIGTERM is not done.
  return interruption() !== undefined && status !== EXIT_INTERNAL ? EXIT_INTERRUPTED : status;
}

async function statusOf(command: () => Promise<unknown>, io: CliIo): Promise<number> {
  try {
    await command();
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander has printed its one line already
    if (e instanceof CommandFailed) return EXIT_FAILED; // the command has printed its summary
    const message = userMessage(e);
    if (message !== undefined) {
      io.err(`odc-stats: error: ${message}`);
      return (e as Error).name === 'AbortError' ? EXIT_INTERRUPTED : EXIT_FAILED;
    }
    io.err(`odc-stats: internal error: ${(e as Error)?.stack ?? String(e)}`);
    return EXIT_INTERNAL;
  }
}
