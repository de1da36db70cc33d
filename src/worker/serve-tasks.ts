import { setMaxListeners } from 'node:events';
import type { HostMessage, TaskProcessMessage } from '../shared/task-messages.js';
import { viewLatestClear, viewObservation } from './observation-view.js';
import { tellPixelStory } from './pixel-story.js';
import { runTask } from './run-task.js';
import { firstLine } from '../shared/first-line.js';

/** More listeners than this on one task's signal would be a leak, not reads in flight. */
const READS_IN_FLIGHT_BOUND = 1000;

/** A task process's end of its channel to the host, whatever carries it (Node IPC, Electron port). */
export interface HostPort {
  send(message: TaskProcessMessage): void;
  onMessage(listener: (message: HostMessage) => void): void;
}

export interface TaskServer {
  /** Gives up the task under way, if any; resolves once it has stopped and removed its partial outputs. */
  stop(): Promise<void>;
}

/**
 * Serves tasks on a port: says it is ready, then runs each task it is sent and reports on it;
 * a `cancel` stops the task it names. A `story` or a `view` is made at once: a host sends them to
 * a process of their own, as each closes the process's cached files when it ends.
 */
export function serveTasks(port: HostPort): TaskServer {
  let current: { key: string; controller: AbortController; settled: Promise<void> } | undefined;
  port.onMessage((message) => {
    if (message.type === 'cancel') {
      if (current?.key === message.key) current.controller.abort();
      return;
    }
    if (message.type === 'story' || message.type === 'view') {
      const { key } = message;
      const fail = (e: unknown) => port.send({ type: 'failed', key, error: firstLine(e) });
      if (message.type === 'story') void tellPixelStory(message.task, message.lon, message.lat).then((story) => port.send({ type: 'story', key, story }), fail);
      else void (message.day === undefined ? viewLatestClear(message.task) : viewObservation(message.task, message.day)).then((view) => port.send({ type: 'view', key, view }), fail);
      return;
    }
    const { key, task } = message;
    const controller = new AbortController();
    // Every read of the task in flight waits on this signal (bands × days × blocks at once).
    setMaxListeners(READS_IN_FLIGHT_BOUND, controller.signal);
    const settled = runTask(task, { signal: controller.signal, onProgress: (progress) => port.send({ type: 'progress', key, progress }) }).then(
      (outcome) => port.send({ type: 'finished', key, outcome }),
      (e: unknown) => port.send({ type: 'failed', key, error: controller.signal.aborted ? 'cancelled' : firstLine(e) }),
    );
    current = { key, controller, settled };
    void settled.finally(() => {
      if (current?.key === key) current = undefined;
    });
  });
  port.send({ type: 'ready' });
  return {
    async stop() {
      current?.controller.abort();
      await current?.settled;
    },
  };
}

