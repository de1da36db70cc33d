import { randomUUID } from 'node:crypto';
import type { ApiEvent, RunStartRequest } from '../../shared/api.js';
import { checkRunConfigText } from '../../shared/config-diagnostics.js';
import { UserError } from '../../shared/errors.js';
import { mergeRunConfig } from '../../shared/run-config.js';
import { userMessage } from '../cli/errors.js';
import { runTasks, type RunSummary } from './run-tasks.js';
import { prepareRun } from './task-builder.js';
import { validateRunConfig } from './validate-config.js';
import type { SpawnTaskProcess } from './task-process-channel.js';

/**
 * Local runs started from the app: each runs in the background on a pool of task processes and
 * reports through events (start, progress, result, log lines, summary); any can be cancelled.
 */
export class RunMonitor {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly spawn: SpawnTaskProcess,
    private readonly emit: (event: ApiEvent) => void,
  ) {}

  /** Checks the request, starts the run and returns at once; throws UserError for a config that cannot run. */
  async start(request: RunStartRequest): Promise<{ runId: string; location: string }> {
    // Warnings (keys the config ignores) are shown in the editor and do not stop a run.
    const problem = (await validateRunConfig(request.configYaml)).find((d) => d.severity === 'error');
    if (problem) throw new UserError(`the run config has a problem on line ${problem.line}: ${problem.message}`);
    const check = checkRunConfigText(request.configYaml);
    if (!check.config) throw new Error('unreachable: a config without problems parses');
    if (request.tasks.length === 0) throw new UserError('no tasks picked: pick tiles on the map first');
    const config = mergeRunConfig(check.config, {
      output_location: check.config.output_location ?? request.outputLocation,
      threads: request.threads ?? check.config.threads ?? 2,
      ...(request.overwrite !== undefined && { overwrite: request.overwrite }),
    });
    const { location } = await prepareRun(config);
    const runId = randomUUID();
    const controller = new AbortController();
    this.running.set(runId, controller);
    const log = (level: 'info' | 'error', message: string) =>
      this.emit({ type: 'run-log', runId, time: new Date().toISOString(), level, message });
    this.emit({ type: 'run-started', runId, tasks: request.tasks, location });
    log('info', `running ${request.tasks.length} task(s) with ${config.plugin} into ${location}`);
    void runTasks({ cache: request.cache, selectors: request.tasks, config }, this.spawn, {
      signal: controller.signal,
      events: {
        onStart: (task) => {
          this.emit({ type: 'task-started', runId, task });
          log('info', `${task}: started`);
        },
        onProgress: (task, p) => this.emit({ type: 'task-progress', runId, task, ...p }),
        onResult: (r) => {
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

  cancel(runId: string): boolean {
    const controller = this.running.get(runId);
    controller?.abort();
    return controller !== undefined;
  }

  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }
}
