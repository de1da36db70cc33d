import type { TaskOutcome, TaskProgress, WorkerMessage } from '../../worker/protocol.js';
import type { WorkerTask } from '../../worker/task.js';
import type { SpawnWorker, WorkerChannel } from '../run/worker-pool.js';

interface Running {
  key: string;
  resolve(outcome: TaskOutcome): void;
  reject(error: Error): void;
  onProgress?: (progress: TaskProgress) => void;
}

/**
 * One worker process that computes tasks one after another for a queue consumer. The process
 * is kept between tasks; a task that crashes it, or that is given up (deadline, stop), takes
 * only the process with it, and the next task gets a fresh one.
 */
export class TaskProcess<Task = WorkerTask> {
  private channel: WorkerChannel | undefined;
  private ready: Promise<void> | undefined;
  private running: Running | undefined;
  private runs = 0;

  constructor(private readonly spawn: SpawnWorker) {}

  async run(task: Task, signal: AbortSignal, onProgress?: (progress: TaskProgress) => void): Promise<TaskOutcome> {
    signal.throwIfAborted();
    if (this.running) throw new Error('TaskProcess runs one task at a time');
    const channel = await this.start();
    signal.throwIfAborted();
    const key = `task-${++this.runs}`;
    return new Promise<TaskOutcome>((resolve, reject) => {
      const onAbort = () => {
        this.running = undefined;
        this.kill();
        reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
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

  private start(): Promise<WorkerChannel> {
    if (this.channel && this.ready) {
      const channel = this.channel;
      return this.ready.then(() => channel);
    }
    const channel = this.spawn();
    this.channel = channel;
    this.ready = new Promise<void>((resolve, reject) => {
      channel.onMessage((message: WorkerMessage) => {
        if (message.type === 'ready') resolve();
        else this.deliver(message);
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

  private deliver(message: Exclude<WorkerMessage, { type: 'ready' }>): void {
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
