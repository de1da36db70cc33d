/** Local runs: per-task state and progress, the log and the outcome of the current run, and the runs before it. */
import { create } from 'zustand';
import { isApiError, type ApiEvent, type ProjectRun, type RunEstimate, type RunStartRequest, type RunSummaryInfo, type TaskState } from '../../shared/api.js';
import { api } from '../api/api.js';
import { sentence } from './plan-store.js';
import { formatDuration } from './run-progress.js';
import { useWorkspace, type WorkspaceState } from './workspace-store.js';

export interface TaskRunState {
  state: TaskState;
  stage?: string;
  done?: number;
  total?: number;
  /** Its chunks, once it has reported computing them (later stages count other things). */
  chunks?: { done: number; total: number };
  error?: string;
  stacItem?: string;
  seconds?: number;
}

export interface LogLine {
  time: string;
  level: 'info' | 'error';
  message: string;
}

/** The workspace inputs of a run's start. */
export type RunInput = keyof Pick<WorkspaceState, 'cache' | 'pickedTiles' | 'configYaml' | 'outputLocation'>;

/** How the tasks of a run ended. */
export interface RunOutcome {
  finished: number;
  skipped: number;
  failed: number;
  cancelled: number;
}

/** The current run, as a new window or project has it: none. */
export interface CurrentRun {
  runId: string | null;
  /** `failed` when the run failed or any of its tasks did; `finished` only when every task finished or was skipped. */
  status: 'idle' | 'checking' | 'starting' | 'running' | 'finished' | 'failed' | 'cancelled';
  location: string | null;
  tasks: Record<string, TaskRunState>;
  logs: LogLine[];
  /** Set when the run has ended. */
  outcome: RunOutcome | null;
  error: string | null;
  /** The inputs the error is about: it goes once one of them changes. Empty for an error of the run itself. */
  errorCause: RunInput[];
  /** The host's estimate of the run, asked before it starts. */
  estimate: RunEstimate | null;
  /** Why the run waits for the user's word before it starts (its pixels are finer than its data's), with its estimated time. */
  warning: string | null;
  /** When the run started (ms since the epoch). */
  startedAt: number | null;
}

export interface RunState extends CurrentRun {
  /** The project's runs that have ended, oldest first. */
  history: ProjectRun[];
  /** Asks the host for the run's estimate and starts it, unless it warns: then `start(true)` once the user agrees. */
  start(confirmed?: boolean): Promise<void>;
  /** Leaves a warned run unstarted. */
  dismissWarning(): void;
  cancel(): Promise<void>;
  /** Cancels one task of the run. */
  cancelTask(task: string): Promise<void>;
  handleEvent(event: ApiEvent): void;
}

export const NO_RUN: CurrentRun = {
  runId: null,
  status: 'idle',
  location: null,
  tasks: {},
  logs: [],
  outcome: null,
  error: null,
  errorCause: [],
  estimate: null,
  warning: null,
  startedAt: null,
};

const MAX_LOG_LINES = 500;
const MAX_HISTORY = 50;
/** Everything a start sends: the host may refuse it for any of them (most often the YAML). */
const START_INPUTS: RunInput[] = ['cache', 'pickedTiles', 'configYaml', 'outputLocation'];

export const useRun = create<RunState>()((set, get) => ({
  ...NO_RUN,
  history: [],
  start: async (confirmed = false) => {
    const ws = useWorkspace.getState();
    const refuse = (error: string, errorCause: RunInput[]) => set({ status: 'failed', error, errorCause, tasks: {}, outcome: null, warning: null });
    if (!ws.cache) return refuse('Plan tasks first: there is no task cache to run.', ['cache']);
    if (ws.pickedTiles.length === 0) return refuse('Pick at least one tile on the map to run.', ['pickedTiles']);
    const request: RunStartRequest = {
      cache: ws.cache,
      tasks: ws.pickedTiles,
      configYaml: ws.configYaml,
      ...(ws.outputLocation.trim() && { outputLocation: ws.outputLocation.trim() }),
      threads: ws.settings.threads,
      overwrite: true,
    };
    set({ status: 'checking', error: null, errorCause: [], outcome: null, warning: null });
    const estimate = await api().estimateRun(request);
    if (isApiError(estimate)) return refuse(sentence(estimate.error), START_INPUTS);
    const warning = finerThanData(estimate, Math.min(request.threads ?? 1, estimate.tasks));
    if (warning && !confirmed) {
      set({ status: 'idle', estimate, warning });
      return;
    }
    const tasks = Object.fromEntries(ws.pickedTiles.map((t): [string, TaskRunState] => [t, { state: 'queued' }]));
    set({ status: 'starting', estimate, tasks, logs: [], runId: null, startedAt: Date.now() });
    const result = await api().startRun(request);
    if (isApiError(result)) return refuse(sentence(result.error), START_INPUTS);
    useWorkspace.getState().update({ lastRunConfigYaml: request.configYaml });
    // Events may have arrived before the answer; keep what they set.
    set((s) => ({ runId: result.runId, location: result.location, status: s.status === 'starting' ? 'running' : s.status }));
  },
  dismissWarning: () => set({ warning: null }),
  cancel: async () => {
    const { runId } = get();
    if (runId) await api().cancelRun(runId);
  },
  cancelTask: async (task) => {
    const { runId } = get();
    if (runId) await api().cancelTask(runId, task);
  },
  handleEvent: (event) => {
    if (!('runId' in event)) return;
    const { runId } = get();
    if (event.type === 'run-started') {
      if (get().status === 'starting' || runId === event.runId) set({ runId: event.runId, location: event.location, status: 'running' });
      return;
    }
    if (event.runId !== get().runId) return;
    const patchTask = (task: string, patch: TaskRunState) => set((s) => ({ tasks: { ...s.tasks, [task]: { ...s.tasks[task], ...patch } } }));
    switch (event.type) {
      case 'task-started':
        patchTask(event.task, { state: 'running', stage: 'starting' });
        break;
      case 'task-progress':
        patchTask(event.task, {
          state: 'running',
          stage: event.stage,
          done: event.done,
          total: event.total,
          ...(event.stage === 'computing' && { chunks: { done: event.done, total: event.total } }),
        });
        break;
      case 'task-result':
        patchTask(event.task, {
          state: event.status === 'failed' && event.error === 'cancelled' ? 'cancelled' : event.status,
          ...(event.error !== undefined && { error: event.error }),
          ...(event.stacItem !== undefined && { stacItem: event.stacItem }),
          ...(event.seconds !== undefined && { seconds: event.seconds }),
        });
        break;
      case 'run-log':
        set((s) => ({ logs: [...s.logs, { time: event.time, level: event.level, message: event.message }].slice(-MAX_LOG_LINES) }));
        break;
      case 'run-finished': {
        const tasks = settleTasks(get().tasks, event.summary);
        const outcome = outcomeOf(tasks);
        const status = event.error || outcome.failed > 0 ? 'failed' : outcome.cancelled > 0 ? 'cancelled' : 'finished';
        const { startedAt, location } = get();
        const record: ProjectRun = {
          runId: event.runId,
          started: new Date(startedAt ?? Date.now()).toISOString(),
          ended: new Date().toISOString(),
          status,
          location,
          configYaml: useWorkspace.getState().lastRunConfigYaml ?? '',
          tasks: Object.fromEntries(Object.entries(tasks).map(([id, t]) => [id, historyOf(t)])),
        };
        set({
          tasks,
          outcome,
          status,
          error: event.error ? sentence(event.error) : null,
          errorCause: [],
          history: [...get().history, record].slice(-MAX_HISTORY),
        });
        break;
      }
    }
  },
}));

/** A start error or warning is about what that start sent: once the user changes any of it, it goes. */
useWorkspace.subscribe((ws, previous) => {
  const { errorCause, warning } = useRun.getState();
  if (errorCause.some((input) => ws[input] !== previous[input])) useRun.setState({ status: 'idle', error: null, errorCause: [] });
  // A warning is about the run as it was set up: a changed setup is checked again at its start.
  if (warning && START_INPUTS.some((input) => ws[input] !== previous[input])) useRun.setState({ warning: null });
});

/** The warning of a run whose pixels are finer than its data's, with its estimated time; null for any other run. */
function finerThanData(estimate: RunEstimate, workers: number): string | null {
  const { inputResolution: input, outputResolution: output } = estimate;
  if (input === undefined || output >= input) return null;
  const times = Math.round((input / output) ** 2);
  return (
    `This run computes ${output} m pixels from data of ${input} m pixels: ${times} times the pixels of a run at ${input} m, ` +
    `about ${formatDuration(estimate.seconds)} with ${workers} worker${workers === 1 ? '' : 's'}. Set resolution: ${input} in the YAML to run at the data's own pixel size.`
  );
}

function historyOf(task: TaskRunState): ProjectRun['tasks'][string] {
  return {
    state: task.state,
    ...(task.error !== undefined && { error: task.error }),
    ...(task.stacItem !== undefined && { stacItem: task.stacItem }),
    ...(task.seconds !== undefined && { seconds: task.seconds }),
  };
}

/** Tasks the events left unanswered take their end from the run's summary, or are cancelled. */
function settleTasks(tasks: Record<string, TaskRunState>, summary: RunSummaryInfo | undefined): Record<string, TaskRunState> {
  const ends = new Map<string, TaskRunState>();
  for (const task of summary?.finished ?? []) ends.set(task, { state: 'finished' });
  for (const task of summary?.skipped ?? []) ends.set(task, { state: 'skipped' });
  for (const { task, error } of summary?.failed ?? []) ends.set(task, error === 'cancelled' ? { state: 'cancelled' } : { state: 'failed', error });
  const settled = { ...tasks };
  for (const [id, t] of Object.entries(tasks)) {
    if (t.state === 'queued' || t.state === 'running') settled[id] = { ...t, ...(ends.get(id) ?? { state: 'cancelled' }) };
  }
  return settled;
}

function outcomeOf(tasks: Record<string, TaskRunState>): RunOutcome {
  const outcome: RunOutcome = { finished: 0, skipped: 0, failed: 0, cancelled: 0 };
  for (const t of Object.values(tasks)) if (t.state in outcome) outcome[t.state as keyof RunOutcome] += 1;
  return outcome;
}

/** The run's status in words: the counts of tasks whenever not all of them finished. */
export function runStatusText(status: RunState['status'], outcome: RunOutcome | null): string {
  if (status === 'idle') return '';
  if (!outcome || outcome.skipped + outcome.failed + outcome.cancelled === 0) return status;
  const counts = [`${outcome.finished} finished`];
  for (const key of ['skipped', 'failed', 'cancelled'] as const) if (outcome[key] > 0) counts.push(`${outcome[key]} ${key}`);
  return `${status}: ${counts.join(', ')}`;
}
