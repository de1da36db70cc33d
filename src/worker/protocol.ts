/**
 * Messages between a host (the app's main process, the CLI, a pod's worker loop) and a worker
 * process that computes one task at a time. Plain data only: they cross process boundaries.
 */
export interface TaskProgress {
  /** What the worker is doing: 'loading', 'reducing', 'writing'. */
  stage: string;
  done: number;
  total: number;
}

export interface TaskOutcome {
  status: 'finished' | 'skipped';
  /** Where the STAC item of the task is (file path or s3:// URI). */
  stacItem: string;
  /** Every file written. */
  outputs: string[];
  seconds: number;
}

/**
 * `cancel`: give the task up, remove what it wrote, and answer `failed`. The host kills a worker
 * that does not answer soon (it may be busy in a long computation) and cleans up after it.
 */
export type HostMessage<Task> = { type: 'run'; key: string; task: Task } | { type: 'cancel'; key: string };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; key: string; progress: TaskProgress }
  | { type: 'finished'; key: string; outcome: TaskOutcome }
  | { type: 'failed'; key: string; error: string };
