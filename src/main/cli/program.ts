import { Command, CommanderError } from 'commander';
import { APP_VERSION } from '../version.js';
import { userMessage } from './errors.js';
import { interruption, processIo, resetInterruption, type CliIo } from './cli-io.js';
import { CommandFailed, EXIT_FAILED, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK } from './exit-codes.js';

/**
 * Each command by name, its module imported when it is asked for: a command loads only what it
 * uses (`run` on local files, for one, not the AWS SDK), so every process the CLI starts starts
 * sooner and smaller. In the order help lists them.
 */
const COMMANDS: Record<string, (io: CliIo) => Promise<Command>> = {
  'save-tasks': async (io) => (await import('./save-tasks-command.js')).saveTasksCommand(io),
  'locate-grids': async (io) => (await import('./locate-grids-command.js')).locateGridsCommand(io),
  'generate-mosaic': async (io) => (await import('./generate-mosaic-command.js')).generateMosaicCommand(io),
  run: async (io) =>
    (await import('./run-tasks-command.js')).runCommand(io, async (flags) => {
      const { drainQueueCommand, WORKER_DEFAULTS } = await import('./worker-command.js');
      return drainQueueCommand(io, { ...WORKER_DEFAULTS, ...flags });
    }),
  'publish-tasks': async (io) => (await import('./publish-tasks-command.js')).publishTasksCommand(io),
  worker: async (io) => (await import('./worker-command.js')).workerCommand(io),
  status: async (io) => (await import('./status-command.js')).statusCommand(io),
  demo: async (io) => (await import('./demo-command.js')).demoCommand(io),
  serve: async (io) => (await import('./serve-command.js')).serveCommand(io),
};

/** The program with the command `argv` names, or with every command (for help, and for a name it does not know). */
async function createProgram(argv: string[], io: CliIo): Promise<Command> {
  const program = new Command('odc-stats')
    .description('Statistical products from satellite imagery: plan tasks from STAC, compute them, publish them to a fleet')
    .version(APP_VERSION, '-V, --version')
    .showSuggestionAfterError()
    .configureOutput(outputTo(io))
    .exitOverride();
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : Object.keys(COMMANDS);
  for (const command of await Promise.all(named.map((name) => COMMANDS[name]!(io)))) program.addCommand(command);
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
  const program = await createProgram(argv, io);
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
