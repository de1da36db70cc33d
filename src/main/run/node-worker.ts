import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HostMessage, WorkerMessage } from '../../worker/protocol.js';
import type { SpawnWorker, WorkerChannel } from './worker-pool.js';

/**
 * Spawns a worker as a Node child process. From the TypeScript sources (tests, `tsx`), the
 * child runs them through tsx too; from the build, it runs the compiled entry.
 */
export function nodeWorkerSpawner(entry: URL = defaultEntry()): SpawnWorker {
  const fromSource = entry.pathname.endsWith('.ts');
  return () => {
    const child = fork(fileURLToPath(entry), [], {
      execArgv: fromSource ? ['--import', tsxLoader()] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const channel: WorkerChannel = {
      send: (message: HostMessage<unknown>) => {
        // A process that has just died is reported by its exit event; sending to it would throw.
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', (m) => listener(m as WorkerMessage)),
      onExit: (listener) => child.on('exit', (code, signal) => listener(code, signal)),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
    return channel;
  };
}

/** tsx by its path, so that a worker started in any folder finds it. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

function defaultEntry(): URL {
  const self = import.meta.url;
  return new URL(self.endsWith('.ts') ? '../../worker/child.ts' : '../../worker/child.js', self);
}
