/** Local runs: per-task state and progress, the log, and the outcome of the current run. */
import { create } from 'zustand';
import { isApiError, type ApiEvent, type RunSummaryInfo, type TaskState } from '../../shared/api.js';
import { api } from '../api/api.js';
import { sentence } from './plan-store.js';
import { useWorkspace, type WorkspaceState } from './workspace-store.js';

export interface TaskRunState {
  state: TaskState;
  stage?: string;
  done?: number;
  total?: number;
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

export interface RunState {
  runId: string | null;
  /** `failed` when the run failed or any of its tasks did. */
  status: 'idle' | 'starting' | 'running' | 'finished' | 'failed' | 'cancelled';
  location: string | null;
  tasks: Record<string, TaskRunState>;
  logs: LogLine[];
  /** Set when the run has ended. */
  outcome: RunOutcome | null;
  error: string | null;
  /** The inputs the error is about: it goes once one of them changes. Empty for an error of the run itself. */
  errorCause: RunInput[];
  start(): Promise<void>;
  cancel(): Promise<void>;
  handleEvent(event: ApiEvent): void;
}

const MAX_LOG_LINES = 500;
/** Everything a start sends: the host may refuse it for any of them (most often the YAML). */
const START_INPUTS: RunInput[] = ['cache', 'pickedTiles', 'configYaml', 'outputLocation'];

export const useRun = create<RunState>()((set, get) => ({
  runId: null,
  status: 'idle',
  location: null,
  tasks: {},
  logs: [],
  outcome: null,
  error: null,
  errorCause: [],
  start: async () => {
    const ws = useWorkspace.getState();
    const refuse = (error: string, errorCause: RunInput[]) => set({ status: 'failed', error, errorCause, tasks: {}, outcome: null });
    if (!ws.cache) return refuse('Plan tasks first: there is no task cache to run.', ['cache']);
    if (ws.pickedTiles.length === 0) return refuse('Pick at least one tile on the map to run.', ['pickedTiles']);
    const tasks = Object.fromEntries(ws.pickedTiles.map((t): [string, TaskRunState] => [t, { state: 'queued' }]));
    set({ status: 'starting', error: null, errorCause: [], outcome: null, tasks, logs: [], runId: null });
    const configYaml = ws.configYaml;
    const result = await api().startRun({
      cache: ws.cache,
      tasks: ws.pickedTiles,
      configYaml,
      ...(ws.outputLocation.trim() && { outputLocation: ws.outputLocation.trim() }),
      threads: ws.settings.threads,
      overwrite: true,
    });
    if (isApiError(result)) return refuse(sentence(result.error), START_INPUTS);
    useWorkspace.getState().update({ lastRunConfigYaml: configYaml });
    // Events may have arrived before the answer; keep what they set.
    set((s) => ({ runId: result.runId, location: result.location, status: s.status === 'starting' ? 'running' : s.status }));
  },
  cancel: async () => {
    const { runId } = get();
    if (runId) await api().cancelRun(runId);
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
        patchTask(event.task, { state: 'running', stage: event.stage, done: event.done, total: event.total });
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
        set({
          tasks,
          outcome,
          status: event.error || outcome.failed > 0 ? 'failed' : outcome.cancelled > 0 ? 'cancelled' : 'finished',
          error: event.error ? sentence(event.error) : null,
          errorCause: [],
        });
        break;
      }
    }
  },
}));

/** A start error is about what that start sent: once the user changes any of it, the error goes. */
useWorkspace.subscribe((ws, previous) => {
  const { errorCause } = useRun.getState();
  if (errorCause.some((input) => ws[input] !== previous[input])) useRun.setState({ status: 'idle', error: null, errorCause: [] });
});

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
