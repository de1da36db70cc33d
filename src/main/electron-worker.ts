import { utilityProcess } from 'electron';
import type { HostMessage, WorkerMessage } from '../worker/protocol.js';
import type { SpawnWorker, WorkerChannel } from './run/worker-pool.js';

/** Spawns workers as Electron utility processes running the compiled `worker/utility-child.js`. */
export function utilityWorkerSpawner(entry: string): SpawnWorker {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'odc-stats worker', stdio: 'inherit' });
    const channel: WorkerChannel = {
      send: (message: HostMessage<unknown>) => child.postMessage(message),
      onMessage: (listener) => child.on('message', (message: unknown) => listener(message as WorkerMessage)),
      onExit: (listener) => child.on('exit', (code: number) => listener(code, null)),
      kill: () => {
        child.kill();
      },
    };
    return channel;
  };
}
