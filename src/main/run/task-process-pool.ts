import type { TaskOutcome, TaskProgress } from '../../shared/task-messages.js';
import type { SpawnTaskProcess, TaskProcessChannel } from './task-process-channel.js';

export interface PoolJob<Task> {
  key: string;
  task: Task;
  /** Cancels this job alone: before it starts it is not run, while it runs it is given up as on the pool's signal. */
  signal?: AbortSignal;
}

export type JobResult = { key: string; status: 'finished' | 'skipped'; outcome: TaskOutcome } | { key: string; status: 'failed'; error: string };

export interface PoolEvents {
  onStart?(key: string): void;
  onProgress?(key: string, progress: TaskProgress): void;
  onResult?(result: JobResult): void;
}

export interface PoolOptions<Task> {
  /** Task processes at once. */
  processes: number;
  /** A task running longer than this is given up and counted as failed; 0 = no limit. */
  maxProcessingSeconds?: number;
  signal?: AbortSignal;
  /** How long a task process asked to give its task up has to stop before it is killed (default 1.5 s). */
  cancelGraceMs?: number;
  /** Removes what a task left behind when its process ended without answering (killed, crashed). */
  removeUnfinishedOutputs?(task: Task): Promise<void>;
}

/** Short enough that the CLI's own grace period after Ctrl-C (cli-io.ts) covers it and the clean-up after. */
const DEFAULT_CANCEL_GRACE_MS = 1500;

interface Slot<Task> {
  channel: TaskProcessChannel;
  job?: PoolJob<Task>;
  /** Removes the listener of the job's own signal. */
  unlisten?: () => void;
  /** The job's max_processing_time, then, once it is given up, its grace before the kill. */
  timer?: NodeJS.Timeout;
  /** Set when the pool gave the job up, with the reason it failed. */
  givenUpBecause?: string;
}

/**
 * Runs jobs on a fixed number of task processes, one job per process at a time. A job that
 * fails, times out or crashes its process fails alone: the process is replaced and the other
 * jobs go on. A job given up (time out, cancel) is asked to stop and clean up; its process is
 * killed if it does not answer within the grace, and what the job left is removed here.
 * Resolves when every job has a result (or the signal aborts the rest).
 */
export function runPool<Task>(spawn: SpawnTaskProcess, jobs: Array<PoolJob<Task>>, options: PoolOptions<Task>, events: PoolEvents = {}): Promise<JobResult[]> {
  const queue = [...jobs];
  const results: JobResult[] = [];
  const slots = new Set<Slot<Task>>();
  const limitMs = (options.maxProcessingSeconds ?? 0) * 1000;
  const graceMs = options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
  let cleaningUp = 0;

  return new Promise((resolve) => {
    const onAbort = () => {
      queue.length = 0;
      for (const slot of slots) giveUp(slot, 'cancelled');
      finishIfDone();
    };
    const finish = () => {
      options.signal?.removeEventListener('abort', onAbort);
      resolve(results);
    };
    const finishIfDone = () => {
      const idle = [...slots].every((s) => !s.job) && cleaningUp === 0;
      if (results.length === jobs.length || (options.signal?.aborted && idle)) {
        for (const slot of slots) slot.channel.kill();
        slots.clear();
        finish();
      }
    };

    const record = (result: JobResult) => {
      results.push(result);
      events.onResult?.(result);
    };

    const release = (slot: Slot<Task>): PoolJob<Task> | undefined => {
      const { job } = slot;
      clearTimeout(slot.timer);
      slot.unlisten?.();
      slot.unlisten = undefined;
      slot.job = undefined;
      slot.timer = undefined;
      slot.givenUpBecause = undefined;
      return job;
    };

    const giveUp = (slot: Slot<Task>, reason: string) => {
      if (!slot.job || slot.givenUpBecause !== undefined) return;
      clearTimeout(slot.timer);
      slot.givenUpBecause = reason;
      slot.channel.send({ type: 'cancel', key: slot.job.key });
      slot.timer = setTimeout(() => slot.channel.kill(), graceMs);
    };

    const dispatch = (slot: Slot<Task>) => {
      let job = options.signal?.aborted ? undefined : queue.shift();
      while (job?.signal?.aborted) {
        record({ key: job.key, status: 'failed', error: 'cancelled' });
        job = queue.shift();
      }
      if (!job) {
        finishIfDone();
        return;
      }
      slot.job = job;
      if (job.signal) {
        const cancel = () => giveUp(slot, 'cancelled');
        const { signal } = job;
        signal.addEventListener('abort', cancel, { once: true });
        slot.unlisten = () => signal.removeEventListener('abort', cancel);
      }
      events.onStart?.(job.key);
      if (limitMs > 0) slot.timer = setTimeout(() => giveUp(slot, `exceeded max_processing_time of ${options.maxProcessingSeconds} s`), limitMs);
      slot.channel.send({ type: 'run', key: job.key, task: job.task });
    };

    const start = () => {
      const slot: Slot<Task> = { channel: spawn() };
      slots.add(slot);
      slot.channel.onMessage((m) => {
        if (m.type === 'ready') dispatch(slot);
        else if (m.type === 'progress') events.onProgress?.(m.key, m.progress);
        else if (m.type === 'finished') {
          release(slot);
          record({ key: m.key, status: m.outcome.status, outcome: m.outcome });
          dispatch(slot);
        } else if (m.type === 'failed') {
          const error = slot.givenUpBecause ?? m.error;
          release(slot);
          record({ key: m.key, status: 'failed', error });
          dispatch(slot);
        }
      });
      slot.channel.onExit((code, signal) => {
        slots.delete(slot);
        const reason = slot.givenUpBecause ?? `worker process exited (${signal ?? `code ${code}`}) while running the task`;
        const job = release(slot);
        const next = () => {
          if (queue.length > 0 && !options.signal?.aborted) start();
          else finishIfDone();
        };
        if (!job) {
          next();
          return;
        }
        cleaningUp++;
        void removeLeftovers(job.task).then((problem) => {
          cleaningUp--;
          record({ key: job.key, status: 'failed', error: problem ? `${reason}; ${problem}` : reason });
          next();
        });
      });
    };

    /** Why what the job left could not be removed, if it could not. */
    const removeLeftovers = async (task: Task): Promise<string | undefined> => {
      try {
        await options.removeUnfinishedOutputs?.(task);
        return undefined;
      } catch (e) {
        return `its partial outputs could not be removed: ${(e as Error).message ?? String(e)}`;
      }
    };

    options.signal?.addEventListener('abort', onAbort, { once: true });

    if (jobs.length === 0) {
      finish();
      return;
    }
    for (let i = 0; i < Math.min(options.processes, jobs.length); i++) start();
  });
}
