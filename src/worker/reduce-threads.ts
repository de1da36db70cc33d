/**
 * A task's reductions spread over worker threads: the task's thread loads each chunk (its reads
 * and inflates already run on libuv's pool) while up to `count` earlier chunks are reduced, each
 * on a thread of its own with the task's plugin. Chunks and output bands move between threads
 * without a copy (their buffers are transferred).
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../io/source-entry.js';
import { UserError } from '../shared/errors.js';
import { reduceChunk, type ObservationChunk, type StatsPlugin } from './plugins/plugin.js';
import type { SampleArray } from './raster.js';

export interface ReduceThreadData {
  plugin: string;
  pluginConfig: Record<string, unknown>;
}

export type ReduceReply = { id: number; bands: Record<string, SampleArray> } | { id: number; error: { message: string; user: boolean } };

/** Reduces chunks with a task's plugin: on this thread, or spread over worker threads. */
export interface Reducer {
  /** How many chunks may be reduced at once. */
  readonly capacity: number;
  /** The chunk's output bands. The chunk's arrays may be handed to another thread: do not use them after. */
  reduce(chunk: ObservationChunk): Promise<Record<string, SampleArray>>;
  /** Stops the threads (a task that failed or was cancelled may leave reductions running). */
  close(): Promise<void>;
}

/** The buffers the arrays alone own (not views into a larger or shared buffer, such as Node's Buffer pool), each once: what can be moved. */
export function ownBuffers(arrays: Iterable<SampleArray>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) {
    if (a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) buffers.add(a.buffer);
  }
  return [...buffers];
}

/** Reduces on this thread, one chunk at a time. */
function inlineReducer(plugin: StatsPlugin): Reducer {
  return {
    capacity: 1,
    reduce: (chunk) => Promise.resolve().then(() => reduceChunk(plugin, chunk)),
    close: () => Promise.resolve(),
  };
}

const THREAD_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './reduce-thread.ts' : './reduce-thread.js', import.meta.url);

/** The threads of the last task, kept for the next one with the same plugin, config and count. */
let kept: { key: string; reducer: ThreadReducer } | undefined;

/**
 * `count` reduce threads for the task's plugin (named by `data`, as the task names it, so that
 * each thread loads the same one), the last task's where they fit; one or fewer reduces on this
 * thread with `plugin`. Idle threads do not keep the process alive.
 */
export async function reducerFor(plugin: StatsPlugin, data: ReduceThreadData, count: number): Promise<Reducer> {
  if (count <= 1) return inlineReducer(plugin);
  const key = JSON.stringify([data.plugin, data.pluginConfig, count]);
  if (kept?.key === key && kept.reducer.usable()) return kept.reducer;
  await kept?.reducer.close();
  kept = { key, reducer: new ThreadReducer(data, count) };
  return kept.reducer;
}

class ThreadReducer implements Reducer {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (bands: Record<string, SampleArray>) => void; reject: (e: Error) => void; worker: Worker }>();
  private nextId = 0;
  private closed = false;
  private dead = false;

  constructor(
    data: ReduceThreadData,
    readonly capacity: number,
  ) {
    for (let i = 0; i < capacity; i++) {
      const worker = startWorker(THREAD_ENTRY, { workerData: data });
      worker.on('message', (reply: ReduceReply) => this.settle(worker, reply));
      worker.on('error', (e) => this.fail(worker, e));
      worker.on('exit', (code) => {
        this.dead = true;
        if (!this.closed) this.fail(worker, new Error(`a reduce thread stopped (exit code ${code})`));
      });
      worker.unref();
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  reduce(chunk: ObservationChunk): Promise<Record<string, SampleArray>> {
    const worker = this.idle.pop();
    if (!worker) return Promise.reject(new Error(`reduce threads: more than ${this.capacity} chunks at once`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, worker });
      // A thread at work keeps the process alive until its chunk is back.
      worker.ref();
      worker.postMessage({ id, chunk }, ownBuffers(Object.values(chunk.bands).flat()));
    });
  }

  private settle(worker: Worker, reply: ReduceReply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    worker.unref();
    this.idle.push(worker);
    if ('bands' in reply) waiter.resolve(reply.bands);
    else waiter.reject(reply.error.user ? new UserError(reply.error.message) : new Error(reply.error.message));
  }

  /** A thread that failed outside a reduction (it could not start, or died): its chunk fails. */
  private fail(worker: Worker, error: Error): void {
    for (const [id, waiter] of this.waiting) {
      if (waiter.worker !== worker) continue;
      this.waiting.delete(id);
      waiter.reject(error);
    }
  }

  /** Whether every thread is alive and idle: what a next task needs. */
  usable(): boolean {
    return !this.closed && !this.dead && this.idle.length === this.capacity;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((w) => w.terminate()));
    for (const waiter of this.waiting.values()) waiter.reject(new Error('reduce threads stopped'));
    this.waiting.clear();
  }
}
