/**
 * The entry of a worker process under Node (the CLI's pool, tests): computes the tasks the host
 * sends, one at a time, and reports progress and outcomes. Electron's utility processes run the
 * same loop through `serveTasks` with their own port.
 */
import { serveTasks } from './serve-tasks.js';

serveTasks({
  send: (message) => process.send!(message),
  onMessage: (listener) => process.on('message', listener),
});
