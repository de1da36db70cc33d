import { stacItemPath } from '../../shared/output-layout.js';
import type { RunConfig } from '../../shared/run-config.js';
import { formatTaskId, parseTaskSelector, selectTasks } from '../../shared/task-id.js';
import type { TaskProgress, WorkerTask } from '../../shared/task-messages.js';
import { checkOutputLocation, sinkFor } from '../../worker/output/sink.js';
import { removeUnfinishedOutputs } from '../../worker/output/unfinished-outputs.js';
import { prepareRun, taskProcessCount, workerTaskFor } from './task-builder.js';
import { openTaskCache } from './open-task-cache.js';
import { startHeartbeat } from './heartbeat.js';
import type { SpawnTaskProcess } from './task-process-channel.js';
import { runPool, type JobResult } from './task-process-pool.js';

export interface RunRequest {
  /** Task cache: a path or s3:// URI. */
  cache: string;
  selectors: string[];
  config: RunConfig;
  dryrun?: boolean;
}

export interface DryRunLine {
  task: string;
  days: number;
  datasets: number;
  output: string;
  state: 'new' | 'skip' | 'recompute';
}

export interface RunSummary {
  finished: string[];
  skipped: string[];
  failed: Array<{ task: string; error: string }>;
}

export interface RunEvents {
  onStart?(task: string): void;
  onProgress?(task: string, progress: TaskProgress): void;
  onResult?(result: JobResult): void;
}

/**
 * `odc-stats run`: the selected tasks of a cache computed by a pool of task processes, or,
 * with `dryrun`, what would be computed. `taskSignal` gives each task (by its id) a signal that
 * cancels it alone.
 */
export async function runTasks(
  request: RunRequest,
  spawn: SpawnTaskProcess,
  control: { signal?: AbortSignal; events?: RunEvents; taskSignal?(task: string): AbortSignal } = {},
): Promise<RunSummary | DryRunLine[]> {
  const { config } = request;
  const setup = await prepareRun(config);
  const { product, location } = setup;
  const cache = await openTaskCache(request.cache, { unsigned: config.aws_unsigned ?? false });
  let tasks: WorkerTask[];
  try {
    const meta = cache.meta();
    tasks = selectTasks(cache.tasks(), request.selectors.map(parseTaskSelector)).map((row) => workerTaskFor(cache, meta, row, setup));
  } finally {
    cache.close();
  }

  if (request.dryrun) {
    const sink = await sinkFor(location, { unsigned: config.aws_unsigned ?? false });
    const lines: DryRunLine[] = [];
    for (const t of tasks) {
      const output = stacItemPath(location, product, t.id);
      const exists = await sink.exists(output);
      lines.push({
        task: formatTaskId(t.id),
        // After dataset_filters, as the task will read them.
        days: new Set(t.datasets.map((d) => d.solarDay)).size,
        datasets: t.datasets.length,
        output,
        state: !exists ? 'new' : config.overwrite ? 'recompute' : 'skip',
      });
    }
    return lines;
  }

  if (tasks.length > 0) await checkOutputLocation(location, { unsigned: config.aws_unsigned ?? false });
  const bands = setup.plugin.measurements.map((band) => band.name);
  const stopHeartbeat = config.heartbeat_filepath ? startHeartbeat(config.heartbeat_filepath) : () => {};
  try {
    const results = await runPool(
      spawn,
      tasks.map((task) => {
        const key = formatTaskId(task.id);
        const signal = control.taskSignal?.(key);
        return { key, task, ...(signal && { signal }) };
      }),
      {
        processes: taskProcessCount(config.threads, tasks.length),
        maxProcessingSeconds: config.max_processing_time,
        ...(control.signal && { signal: control.signal }),
        removeUnfinishedOutputs: (task) => removeUnfinishedOutputs(task, bands),
      },
      {
        onStart: (key) => control.events?.onStart?.(key),
        onProgress: (key, p) => control.events?.onProgress?.(key, p),
        onResult: (r) => control.events?.onResult?.(r),
      },
    );
    const summary: RunSummary = { finished: [], skipped: [], failed: [] };
    for (const r of results) {
      if (r.status === 'failed') summary.failed.push({ task: r.key, error: r.error });
      else summary[r.status].push(r.key);
    }
    const answered = new Set(results.map((r) => r.key));
    for (const job of tasks) {
      const key = formatTaskId(job.id);
      if (!answered.has(key)) summary.failed.push({ task: key, error: 'not run (cancelled)' });
    }
    return summary;
  } finally {
    stopHeartbeat();
  }
}
