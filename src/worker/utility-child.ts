/**
 * The entry of a task process as an Electron utility process: the same task loop as `child.ts`,
 * on the port Electron gives the process (`process.parentPort`) instead of Node's IPC.
 */
import type { HostMessage } from '../shared/task-messages.js';
import { serveTasks } from './serve-tasks.js';

/** The part of Electron's `ParentPort` the loop uses (kept here so the worker needs no Electron types). */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('utility-child runs only as an Electron utility process (process.parentPort is missing)');

serveTasks({
  send: (message) => parentPort.postMessage(message),
  onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as HostMessage)),
});
