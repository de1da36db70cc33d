/**
 * A task's reductions spread over worker threads: the task's thread loads each chunk (its reads
 * and inflates already run on libuv's pool) while the threads reduce the chunk before it, each
 * thread a run of its rows. The chunk's arrays are on SharedArrayBuffers, so a task holds two
 * chunks whatever its thread count (the one loading, the one reducing), and each thread reads its
 * rows without a copy; output bands come back moved, not copied (their buffers are transferred).
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../io/source-entry.js';
import { subGeobox } from '../shared/geobox.js';
import { UserError } from '../shared/errors.js';
import { reduceChunk, type ObservationChunk, type StatsPlugin } from './plugins/plugin.js';
import type { SampleArray } from './raster.js';

export interface ReduceThreadData {
  plugin: string;
  pluginConfig: Record<string, unknown>;
}

export type ReduceReply = { id: number; bands: Record<string, SampleArray> } | { id: number; error: { message: string; user: boolean } };

/**
 * The output bands of a run of a chunk's rows: rows `from`…`to` of the chunk less its halo,
 * the bands covering those rows grown by the halo on every side (as the plugin reduces a chunk).
 */
export interface ReducedRows {
  from: number;
  to: number;
  bands: Record<string, SampleArray>;
}

/** Reduces a task's chunks with its plugin, one chunk at a time: on this thread, or spread over worker threads. */
export interface Reducer {
  /** Where the chunks' arrays must be: 'shared' (on SharedArrayBuffers) for threads that each read a part. */
  readonly chunkMemory: 'own' | 'shared';
  /** The chunk's output bands, by runs of rows. The chunk must not change until this settles. */
  reduce(chunk: ObservationChunk): Promise<ReducedRows[]>;
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

/** Reduces on this thread. */
function inlineReducer(plugin: StatsPlugin): Reducer {
  const halo = plugin.halo ?? 0;
  return {
    chunkMemory: 'own',
    reduce: async (chunk) => [{ from: 0, to: chunk.geobox.height - 2 * halo, bands: await reduceChunk(plugin, chunk) }],
    close: () => Promise.resolve(),
  };
}

/** Runs of rows a chunk is cut into per thread, so that a thread done early takes another. */
const RUNS_PER_THREAD = 2;
/** The fewest rows of a run: each run also reads the halo above and below it. */
const MIN_RUN_ROWS = 16;

/** Rows 0…`rows` cut into at most `count` runs of nearly equal length, none shorter than MIN_RUN_ROWS unless there are fewer rows. */
export function rowRuns(rows: number, count: number): Array<[number, number]> {
  const runs = Math.max(1, Math.min(count, Math.floor(rows / MIN_RUN_ROWS)));
  return Array.from({ length: runs }, (_, i) => [Math.round((i * rows) / runs), Math.round(((i + 1) * rows) / runs)]);
}

/** Rows `from`…`to` of the chunk less its halo, with the halo around them: views of the chunk's arrays, no copy. */
export function chunkRows(chunk: ObservationChunk, halo: number, from: number, to: number): ObservationChunk {
  const { width } = chunk.geobox;
  const bands: Record<string, SampleArray[]> = {};
  for (const [name, days] of Object.entries(chunk.bands)) bands[name] = days.map((a) => a.subarray(from * width, (to + 2 * halo) * width));
  return { ...chunk, geobox: subGeobox(chunk.geobox, 0, from, width, to - from + 2 * halo), bands };
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
  kept = { key, reducer: new ThreadReducer(data, count, plugin.halo ?? 0) };
  return kept.reducer;
}

class ThreadReducer implements Reducer {
  readonly chunkMemory = 'shared';
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (bands: Record<string, SampleArray>) => void; reject: (e: Error) => void; worker: Worker }>();
  private nextId = 0;
  private closed = false;
  private dead = false;

  constructor(
    data: ReduceThreadData,
    private readonly count: number,
    private readonly halo: number,
  ) {
    for (let i = 0; i < count; i++) {
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

  async reduce(chunk: ObservationChunk): Promise<ReducedRows[]> {
    const runs = rowRuns(chunk.geobox.height - 2 * this.halo, this.count * RUNS_PER_THREAD);
    const reduced: ReducedRows[] = [];
    let next = 0;
    let failed = false;
    // One lane per thread, each taking the next run of rows as its thread comes free.
    const lane = async () => {
      while (!failed && next < runs.length) {
        const [from, to] = runs[next++]!;
        try {
          reduced.push({ from, to, bands: await this.onThread(chunkRows(chunk, this.halo, from, to)) });
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    const ends = await Promise.allSettled(Array.from({ length: Math.min(this.count, runs.length) }, lane));
    const failure = ends.find((end) => end.status === 'rejected');
    if (failure) throw failure.reason;
    return reduced;
  }

  /** The part's output bands from an idle thread. Its arrays are on SharedArrayBuffers: the thread reads them where they are. */
  private onThread(part: ObservationChunk): Promise<Record<string, SampleArray>> {
    const worker = this.idle.pop();
    if (!worker) return Promise.reject(new Error(`reduce threads: more than ${this.count} parts at once`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, worker });
      // A thread at work keeps the process alive until its part is back.
      worker.ref();
      worker.postMessage({ id, chunk: part });
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
    return !this.closed && !this.dead && this.idle.length === this.count;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((w) => w.terminate()));
    for (const waiter of this.waiting.values()) waiter.reject(new Error('reduce threads stopped'));
    this.waiting.clear();
  }
}
