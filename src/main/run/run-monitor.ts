import { randomUUID } from 'node:crypto';
import type { ApiEvent, RunEstimate, RunStartRequest } from '../../shared/api.js';
import { UserError } from '../../shared/errors.js';
import { mergeRunConfig, type RunConfig } from '../../shared/run-config.js';
import { userMessage } from '../cli/errors.js';
import { estimateLocalRun } from './run-estimate.js';
import { runTasks, type RunSummary } from './run-tasks.js';
import { prepareRun } from './task-builder.js';
import { appRunConfig } from './app-run-config.js';
import type { SpawnTaskProcess } from './task-process-channel.js';

/** A run in progress: its own cancel, and one for each of its tasks that has not ended. */
interface RunningRun {
  controller: AbortController;
  tasks: Map<string, AbortController>;
}

/**
 * Local runs started from the app: each runs in the background on a pool of task processes and
 * reports through events (start, progress, result, log lines, summary); any run, or any task
 * of one, can be cancelled.
 */
export class RunMonitor {
  private readonly running = new Map<string, RunningRun>();

  constructor(
    private readonly spawn: SpawnTaskProcess,
    private readonly emit: (event: ApiEvent) => void,
  ) {}

  /** Checks the request, starts the run and returns at once; throws UserError for a config that cannot run. */
  async start(request: RunStartRequest): Promise<{ runId: string; location: string }> {
    const config = await runConfigOf(request);
    const { location } = await prepareRun(config);
    const runId = randomUUID();
    const controller = new AbortController();
    const taskControllers = new Map<string, AbortController>();
    this.running.set(runId, { controller, tasks: taskControllers });
    const taskSignal = (task: string) => {
      let taskController = taskControllers.get(task);
      if (!taskController) taskControllers.set(task, (taskController = new AbortController()));
      return taskController.signal;
    };
    const log = (level: 'info' | 'error', message: string) =>
      this.emit({ type: 'run-log', runId, time: new Date().toISOString(), level, message });
    this.emit({ type: 'run-started', runId, tasks: request.tasks, location });
    log('info', `running ${request.tasks.length} task(s) with ${config.plugin} into ${location}`);
    void runTasks({ cache: request.cache, selectors: request.tasks, config }, this.spawn, {
      signal: controller.signal,
      taskSignal,
      events: {
        onStart: (task) => {
          this.emit({ type: 'task-started', runId, task });
          log('info', `${task}: started`);
        },
        onProgress: (task, p) => this.emit({ type: 'task-progress', runId, task, ...p }),
        onResult: (r) => {
          taskControllers.delete(r.key);
          if (r.status === 'failed') {
            this.emit({ type: 'task-result', runId, task: r.key, status: 'failed', error: r.error });
            log('error', `${r.key}: failed: ${r.error}`);
          } else {
            this.emit({ type: 'task-result', runId, task: r.key, status: r.status, stacItem: r.outcome.stacItem, seconds: r.outcome.seconds });
            log('info', `${r.key}: ${r.status} in ${r.outcome.seconds.toFixed(1)} s`);
          }
        },
      },
    })
      .then((result) => {
        const summary = result as RunSummary;
        log('info', `done: ${summary.finished.length} finished, ${summary.skipped.length} skipped, ${summary.failed.length} failed`);
        this.emit({ type: 'run-finished', runId, summary });
      })
      .catch((e: unknown) => {
        const message = userMessage(e) ?? `internal error: ${(e as Error)?.message ?? String(e)}`;
        log('error', message);
        this.emit({ type: 'run-finished', runId, error: message });
      })
      .finally(() => this.running.delete(runId));
    return { runId, location };
  }

  /** What the run of this request would compute, and about how long it would take; throws UserError as `start` does. */
  async estimate(request: RunStartRequest): Promise<RunEstimate> {
    return estimateLocalRun(request.cache, request.tasks, await runConfigOf(request));
  }

  cancel(runId: string): boolean {
    const run = this.running.get(runId);
    run?.controller.abort();
    return run !== undefined;
  }

  /** Cancels one task of a run; false when the run has no such task that has not ended. */
  cancelTask(runId: string, task: string): boolean {
    const controller = this.running.get(runId)?.tasks.get(task);
    if (!controller || controller.signal.aborted) return false;
    controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const run of this.running.values()) run.controller.abort();
  }
}

/** The config a request runs with; throws UserError for one that cannot run. */
async function runConfigOf(request: RunStartRequest): Promise<RunConfig> {
  const config = await appRunConfig(request.configYaml, request.outputLocation);
  if (request.tasks.length === 0) throw new UserError('no tasks picked: pick tiles on the map first');
  return mergeRunConfig(config, {
    threads: request.threads ?? config.threads ?? 2,
    ...(request.overwrite !== undefined && { overwrite: request.overwrite }),
  });
}
