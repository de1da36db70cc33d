import { utilityProcess } from 'electron';
import type { TaskProcessMessage } from '../shared/task-messages.js';
import type { TaskProcessChannel } from './run/task-process-channel.js';

/** Starts a task process as an Electron utility process running the compiled `worker/utility-child.js` at `entry`. */
export function spawnElectronTaskProcess(entry: string): TaskProcessChannel {
  const child = utilityProcess.fork(entry, [], { serviceName: 'odc-stats worker', stdio: 'inherit' });
  return {
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (message: unknown) => listener(message as TaskProcessMessage)),
    onExit: (listener) => child.on('exit', (code: number) => listener(code, null)),
    kill: () => {
      child.kill();
    },
  };
}
