import type { HostMessage, TaskOutcome, TaskProgress, WorkerMessage } from '../../worker/protocol.js';

/** One worker process as the pool sees it; Node child processes and Electron utility processes both fit. */
export interface WorkerChannel {
  send(message: HostMessage<unknown>): void;
  onMessage(listener: (message: WorkerMessage) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type SpawnWorker = () => WorkerChannel;

export interface PoolJob<Task> {
  key: string;
  task: Task;
}

export type JobResult = { key: string; status: 'finished' | 'skipped'; outcome: TaskOutcome } | { key: string; status: 'failed'; error: string };

export interface PoolEvents {
  onStart?(key: string): void;
  onProgress?(key: string, progress: TaskProgress): void;
  onResult?(result: JobResult): void;
}

export interface PoolOptions {
  workers: number;
  /** A task running longer than this is killed and counted as failed; 0 = no limit. */
  maxProcessingSeconds?: number;
  signal?: AbortSignal;
}

interface Slot {
  channel: WorkerChannel;
  job?: PoolJob<unknown>;
  timer?: NodeJS.Timeout;
  /** Set when the pool itself killed the process, with the reason the job failed. */
  killedBecause?: string;
}

/**
 * Runs jobs on a fixed number of worker processes, one job per process at a time. A job that
 * fails, times out or crashes its process fails alone: the process is replaced and the other
 * jobs go on. Resolves when every job has a result (or the signal aborts the rest).
 */
export function runPool<Task>(spawn: SpawnWorker, jobs: Array<PoolJob<Task>>, options: PoolOptions, events: PoolEvents = {}): Promise<JobResult[]> {
  const queue = [...jobs];
  const results: JobResult[] = [];
  const slots = new Set<Slot>();
  const limitMs = (options.maxProcessingSeconds ?? 0) * 1000;

  return new Promise((resolve) => {
    const finishIfDone = () => {
      if (results.length === jobs.length || (options.signal?.aborted && [...slots].every((s) => !s.job))) {
        for (const slot of slots) slot.channel.kill();
        slots.clear();
        resolve(results);
      }
    };

    const record = (slot: Slot, result: JobResult) => {
      if (slot.timer) clearTimeout(slot.timer);
      slot.job = undefined;
      slot.timer = undefined;
      results.push(result);
      events.onResult?.(result);
    };

    const dispatch = (slot: Slot) => {
      const job = options.signal?.aborted ? undefined : queue.shift();
      if (!job) {
        finishIfDone();
        return;
      }
      slot.job = job;
      events.onStart?.(job.key);
      if (limitMs > 0) {
        slot.timer = setTimeout(() => {
          slot.killedBecause = `exceeded max_processing_time of ${options.maxProcessingSeconds} s`;
          slot.channel.kill();
        }, limitMs);
      }
      slot.channel.send({ type: 'run', key: job.key, task: job.task });
    };

    const start = () => {
      const slot: Slot = { channel: spawn() };
      slots.add(slot);
      slot.channel.onMessage((m) => {
        if (m.type === 'ready') dispatch(slot);
        else if (m.type === 'progress') events.onProgress?.(m.key, m.progress);
        else if (m.type === 'finished') {
          record(slot, { key: m.key, status: m.outcome.status, outcome: m.outcome });
          dispatch(slot);
        } else if (m.type === 'failed') {
          record(slot, { key: m.key, status: 'failed', error: m.error });
          dispatch(slot);
        }
      });
      slot.channel.onExit((code, signal) => {
        slots.delete(slot);
        if (slot.job) {
          const reason = slot.killedBecause ?? `worker process exited (${signal ?? `code ${code}`}) while running the task`;
          record(slot, { key: slot.job.key, status: 'failed', error: reason });
        }
        if (queue.length > 0 && !options.signal?.aborted) start();
        else finishIfDone();
      });
    };

    options.signal?.addEventListener('abort', () => {
      queue.length = 0;
      for (const slot of slots) {
        if (slot.job) {
          slot.killedBecause = 'cancelled';
          slot.channel.kill();
        }
      }
      finishIfDone();
    });

    if (jobs.length === 0) {
      resolve(results);
      return;
    }
    for (let i = 0; i < Math.min(options.workers, jobs.length); i++) start();
  });
}
