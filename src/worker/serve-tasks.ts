import type { HostMessage, WorkerMessage } from './protocol.js';
import { runTask } from './run-task.js';
import type { WorkerTask } from './task.js';

/** The two ends of a worker's message channel, whatever carries it (Node IPC, Electron port). */
export interface WorkerPort {
  send(message: WorkerMessage): void;
  onMessage(listener: (message: HostMessage<WorkerTask>) => void): void;
}

/** Serves tasks on a port: says it is ready, then runs each task it is sent and reports on it. */
export function serveTasks(port: WorkerPort): void {
  port.onMessage(async (message) => {
    const { key, task } = message;
    try {
      const outcome = await runTask(task, { onProgress: (progress) => port.send({ type: 'progress', key, progress }) });
      port.send({ type: 'finished', key, outcome });
    } catch (e) {
      port.send({ type: 'failed', key, error: oneLine(e) });
    }
  });
  port.send({ type: 'ready' });
}

function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!.trim() || 'unknown error';
}
