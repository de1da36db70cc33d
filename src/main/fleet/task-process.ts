import { raceAbort } from '../../shared/race-abort.js';
import type { AnswerTo, TaskOutcome, TaskProgress, WorkerTask } from '../../shared/task-messages.js';
import type { SpawnTaskProcess, TaskProcessChannel } from '../run/task-process-channel.js';

interface Running {
  key: string;
  resolve(outcome: TaskOutcome): void;
  reject(error: Error): void;
  onProgress?: (progress: TaskProgress) => void;
}

/**
 * One task process that computes tasks one after another for a queue consumer. The process
 * is kept between tasks; a task that crashes it, or that is given up (deadline, stop), takes
 * only the process with it, and the next task gets a fresh one.
 */
export class TaskProcess<Task = WorkerTask> {
  private channel: TaskProcessChannel | undefined;
  private ready: Promise<void> | undefined;
  private running: Running | undefined;
  private runs = 0;

  constructor(private readonly spawn: SpawnTaskProcess) {}

  async run(task: Task, signal: AbortSignal, onProgress?: (progress: TaskProgress) => void): Promise<TaskOutcome> {
    signal.throwIfAborted();
    if (this.running) throw new Error('TaskProcess runs one task at a time');
    // A stop or deadline that comes while the process starts (seconds on a busy node) ends it too.
    const channel = await raceAbort(this.start(), signal).catch((e: unknown) => {
      if (!signal.aborted) throw e;
      this.kill();
      throw reasonOf(signal);
    });
    const key = `task-${++this.runs}`;
    return new Promise<TaskOutcome>((resolve, reject) => {
      const onAbort = () => {
        this.running = undefined;
        this.kill();
        reject(reasonOf(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(finish: (value: T) => void) => (value: T) => {
        signal.removeEventListener('abort', onAbort);
        this.running = undefined;
        finish(value);
      };
      this.running = { key, resolve: settle(resolve), reject: settle(reject), ...(onProgress && { onProgress }) };
      channel.send({ type: 'run', key, task });
    });
  }

  /** Ends the process, if one is running; a task under way fails. */
  close(): void {
    this.kill();
  }

  private start(): Promise<TaskProcessChannel> {
    if (this.channel && this.ready) {
      const channel = this.channel;
      return this.ready.then(() => channel);
    }
    const channel = this.spawn();
    this.channel = channel;
    this.ready = new Promise<void>((resolve, reject) => {
      channel.onMessage((message) => {
        if (message.type === 'ready') resolve();
        else if (message.type !== 'story' && message.type !== 'view') this.deliver(message);
      });
      channel.onExit((code, signal) => {
        if (this.channel === channel) {
          this.channel = undefined;
          this.ready = undefined;
        }
        const reason = new Error(`worker process exited (${signal ?? `code ${code}`}) while running the task`);
        reject(reason);
        this.running?.reject(reason);
      });
    });
    return this.ready.then(() => channel);
  }

  private deliver(message: AnswerTo<'run'>): void {
    const running = this.running;
    if (!running || message.key !== running.key) return;
    if (message.type === 'progress') running.onProgress?.(message.progress);
    else if (message.type === 'finished') running.resolve(message.outcome);
    else running.reject(new Error(message.error));
  }

  private kill(): void {
    const channel = this.channel;
    this.channel = undefined;
    this.ready = undefined;
    channel?.kill();
  }
}

function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
}
