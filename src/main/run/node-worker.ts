import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
      execArgv: fromSource ? ['--import', 'tsx'] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const channel: WorkerChannel = {
      send: (message: HostMessage<unknown>) => {
        child.send(message);
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

function defaultEntry(): URL {
  const self = import.meta.url;
  return new URL(self.endsWith('.ts') ? '../../worker/child.ts' : '../../worker/child.js', self);
}
