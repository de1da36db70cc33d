import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execArgvFor } from '../../io/source-entry.js';
import type { TaskProcessMessage } from '../../shared/task-messages.js';
import type { TaskProcessChannel } from './task-process-channel.js';

/**
 * Starts a task process as a Node child process running `entry` (src/worker/child). From the
 * TypeScript sources (tests, `tsx`), the child runs them through tsx too; from the build, it
 * runs the compiled entry.
 */
export function spawnNodeTaskProcess(entry: URL = defaultEntry()): TaskProcessChannel {
  const child = fork(fileURLToPath(entry), [], {
    execArgv: execArgvFor(entry),
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    send: (message) => {
      // A process that has just died is reported by its exit event; sending to it would throw.
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as TaskProcessMessage)),
    onExit: (listener) => child.on('exit', (code, signal) => listener(code, signal)),
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}

function defaultEntry(): URL {
  const self = import.meta.url;
  return new URL(self.endsWith('.ts') ? '../../worker/child.ts' : '../../worker/child.js', self);
}
