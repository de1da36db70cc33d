/** How far a run has got: tasks ended, chunks computed, and the time it still needs. */
import type { TaskState } from '../../shared/api.js';

/** What the progress of a run reads from each of its tasks. */
export interface TaskProgressState {
  state: TaskState;
  /** The task's chunks, once it has reported computing them. */
  chunks?: { done: number; total: number };
}

export interface RunProgress {
  tasksEnded: number;
  tasksTotal: number;
  /** Chunks of the tasks that have reported theirs (a task says how many it has when it starts computing). */
  chunksDone: number;
  chunksTotal: number;
  /** 0 to 1: tasks ended count whole, a running task by its share of chunks computed. */
  fraction: number;
  /** Seconds still needed: from the pace so far, or, before any progress, what the estimate leaves; null when neither is known. */
  secondsLeft: number | null;
}

const ENDED: ReadonlySet<TaskState> = new Set(['finished', 'skipped', 'failed', 'cancelled']);

/** Whether a task has ended, one way or another. */
export function taskEnded(state: TaskState): boolean {
  return ENDED.has(state);
}

export function runProgress(tasks: Record<string, TaskProgressState>, elapsedSeconds: number, estimatedSeconds: number | null): RunProgress {
  const all = Object.values(tasks);
  let tasksEnded = 0;
  let chunksDone = 0;
  let chunksTotal = 0;
  let done = 0;
  for (const task of all) {
    const ended = taskEnded(task.state);
    if (ended) tasksEnded += 1;
    if (task.chunks && task.chunks.total > 0) {
      chunksTotal += task.chunks.total;
      chunksDone += ended ? task.chunks.total : task.chunks.done;
      if (!ended) done += task.chunks.done / task.chunks.total;
    }
    if (ended) done += 1;
  }
  const fraction = all.length === 0 ? 0 : done / all.length;
  let secondsLeft: number | null = null;
  if (fraction >= 1) secondsLeft = 0;
  else if (fraction > 0 && elapsedSeconds > 0) secondsLeft = (elapsedSeconds * (1 - fraction)) / fraction;
  else if (estimatedSeconds !== null) secondsLeft = Math.max(0, estimatedSeconds - elapsedSeconds);
  return { tasksEnded, tasksTotal: all.length, chunksDone, chunksTotal, fraction, secondsLeft };
}

/** A duration as people read it: "45 s", "3 min 20 s", "2 h 05 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
