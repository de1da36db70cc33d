/**
 * The app's looks into a task without running it, with the config being edited: a pixel's story
 * (src/worker/pixel-story.ts) and a day's observation with its mask (src/worker/observation-view.ts),
 * made by a task process kept for them — the host computes no pixels. The process is started at
 * the first request and kept, so the next click finds it ready; one that dies is replaced at the
 * next request.
 */
import { UserError } from '../../shared/errors.js';
import { transformer } from '../../shared/crs.js';
import { parseGrid, tileIndexOf } from '../../shared/grid.js';
import type { ObservationView, ObservationViewRequest, PixelStory, PixelStoryRequest } from '../../shared/pixel-story.js';
import { parseTaskId } from '../../shared/task-id.js';
import type { HostMessage, WorkerTask } from '../../shared/task-messages.js';
import type { TaskRow } from '../taskcache/task-cache.js';
import { appRunConfig } from './app-run-config.js';
import { openLocalTaskCache, type TaskCacheReader } from './open-task-cache.js';
import { prepareRun, workerTaskFor } from './task-builder.js';
import type { SpawnTaskProcess, TaskProcessChannel } from './task-process-channel.js';

/** Longer than any look at the sample takes; one at a real tile over a slow network may take seconds. */
const ANSWER_TIMEOUT_MS = 120_000;

type Answer = PixelStory | ObservationView;

interface Pending {
  resolve(answer: Answer): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class TaskInspections {
  private process: { channel: TaskProcessChannel; ready: Promise<void> } | undefined;
  private readonly pending = new Map<string, Pending>();
  private asked = 0;

  constructor(
    private readonly spawn: SpawnTaskProcess,
    /** Where outputs would go when the YAML names no `output_location` (the task needs one, though a story writes nothing). */
    private readonly outputLocation: string,
  ) {}

  async story(request: PixelStoryRequest): Promise<PixelStory> {
    const task = await this.taskUnder(request);
    return (await this.ask((key) => ({ type: 'story', key, task, lon: request.lon, lat: request.lat }))) as PixelStory;
  }

  async view(request: ObservationViewRequest): Promise<ObservationView> {
    const id = parseTaskId(request.task);
    const task = await this.workerTask(request, (cache) => {
      const row = cache.task(id.period, id.x, id.y);
      if (!row) throw new UserError(`the plan has no task ${request.task}`);
      return row;
    });
    return (await this.ask((key) => ({ type: 'view', key, task, ...(request.day !== undefined && { day: request.day }) }))) as ObservationView;
  }

  private async ask(message: (key: string) => HostMessage): Promise<Answer> {
    const channel = await this.start();
    const key = `look-${++this.asked}`;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(key, new UserError(`no answer from the task process in ${ANSWER_TIMEOUT_MS / 1000} s`)), ANSWER_TIMEOUT_MS);
      this.pending.set(key, { resolve, reject, timer });
      channel.send(message(key));
    });
  }

  close(): void {
    const process = this.process;
    this.process = undefined;
    process?.channel.kill();
    for (const key of [...this.pending.keys()]) this.settle(key, new Error('the host is closing'));
  }

  /** The task of the cache whose tile holds the point (of the request's period, else the first), as a run of the config would send it. */
  private taskUnder(request: PixelStoryRequest): Promise<WorkerTask> {
    if (!Number.isFinite(request.lon) || !Number.isFinite(request.lat)) throw new UserError('the point has no longitude and latitude');
    return this.workerTask(request, (cache) => {
      const grid = parseGrid(cache.meta().grid);
      const tile = tileIndexOf(grid, ...transformer('EPSG:4326', grid.crs)(request.lon, request.lat));
      const row = cache.tasks().find((t) => t.x === tile.x && t.y === tile.y && (request.period === undefined || t.period === request.period));
      if (!row) {
        const period = request.period === undefined ? '' : ` in ${request.period}`;
        throw new UserError(`no task of the plan covers ${request.lon.toFixed(5)}, ${request.lat.toFixed(5)} (tile ${tile.x},${tile.y}${period})`);
      }
      return row;
    });
  }

  /** The task of the row `rowOf` finds in the request's cache, as a run of the request's config would send it. */
  private async workerTask(request: { cache: string; configYaml: string }, rowOf: (cache: TaskCacheReader) => TaskRow): Promise<WorkerTask> {
    const setup = await prepareRun(await appRunConfig(request.configYaml, this.outputLocation));
    const cache = await openLocalTaskCache(request.cache);
    try {
      return workerTaskFor(cache, cache.meta(), rowOf(cache), setup);
    } finally {
      cache.close();
    }
  }

  private start(): Promise<TaskProcessChannel> {
    if (this.process) {
      const { channel, ready } = this.process;
      return ready.then(() => channel);
    }
    const channel = this.spawn();
    const ready = new Promise<void>((resolve, reject) => {
      channel.onMessage((message) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'story') this.settle(message.key, message.story);
        else if (message.type === 'view') this.settle(message.key, message.view);
        else if (message.type === 'failed') this.settle(message.key, new UserError(message.error));
      });
      channel.onExit((code, signal) => {
        if (this.process?.channel === channel) this.process = undefined;
        const reason = new Error(`the task process exited (${signal ?? `code ${code}`})`);
        reject(reason);
        for (const key of [...this.pending.keys()]) this.settle(key, reason);
      });
    });
    this.process = { channel, ready };
    return ready.then(() => channel);
  }

  private settle(key: string, outcome: Answer | Error): void {
    const pending = this.pending.get(key);
    if (!pending) return;
    this.pending.delete(key);
    clearTimeout(pending.timer);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }
}
