/**
 * The entry of a task process under Node (the CLI's pool, a fleet worker): computes the tasks
 * the host sends, one at a time, and reports progress and outcomes. Electron's utility
 * processes run the same loop through `serveTasks` with their own port.
 */
import { discardAllPendingSync } from '../io/atomic-file.js';
import type { HostMessage } from '../shared/task-messages.js';
import { serveTasks } from './serve-tasks.js';

// Ctrl-C in a terminal signals the whole process group, this process with its host. The host
// decides: it cancels the task over IPC, so that it is cleaned up, and kills what does not stop.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

const server = serveTasks({
  // A host that has just gone is noticed by 'disconnect'; until then a send to it fails (EPIPE),
  // and that failure, passed to the callback rather than thrown as an 'error' event, is of no matter.
  send: (message) => {
    if (process.connected) process.send!(message, undefined, undefined, () => {});
  },
  onMessage: (listener) => process.on('message', (message) => listener(message as HostMessage)),
});

// The host is gone (killed, crashed): nobody holds the task's lease or wants its result any
// more, so stop it now, remove what it wrote, and exit.
process.on('disconnect', () => {
  void server.stop().finally(() => {
    discardAllPendingSync();
    process.exit(0);
  });
});
