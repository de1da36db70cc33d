import type { HostMessage, TaskProcessMessage } from '../../shared/task-messages.js';

/**
 * One task process as its host sees it: a process that computes tasks with src/worker, whatever
 * started it (a Node child process, an Electron utility process).
 */
export interface TaskProcessChannel {
  send(message: HostMessage<unknown>): void;
  onMessage(listener: (message: TaskProcessMessage) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

/** Starts a task process. */
export type SpawnTaskProcess = () => TaskProcessChannel;
