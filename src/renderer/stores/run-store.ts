/** Local runs: per-task state and progress, the log, and the outcome of the current run. */
import { create } from 'zustand';
import { isApiError, type ApiEvent, type TaskState } from '../../shared/api.js';
import { api } from '../api/api.js';
import { sentence } from './plan-store.js';
import { useWorkspace } from './workspace-store.js';

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

export interface RunState {
  runId: string | null;
  status: 'idle' | 'starting' | 'running' | 'finished' | 'failed' | 'cancelled';
  location: string | null;
  tasks: Record<string, TaskRunState>;
  logs: LogLine[];
  error: string | null;
  start(): Promise<void>;
  cancel(): Promise<void>;
  handleEvent(event: ApiEvent): void;
}

const MAX_LOG_LINES = 500;

export const useRun = create<RunState>()((set, get) => ({
  runId: null,
  status: 'idle',
  location: null,
  tasks: {},
  logs: [],
  error: null,
  start: async () => {
    const ws = useWorkspace.getState();
    if (!ws.cache) {
      set({ status: 'failed', error: 'Plan tasks first: there is no task cache to run.' });
      return;
    }
    if (ws.pickedTiles.length === 0) {
      set({ status: 'failed', error: 'Pick at least one tile on the map to run.' });
      return;
    }
    const tasks = Object.fromEntries(ws.pickedTiles.map((t): [string, TaskRunState] => [t, { state: 'queued' }]));
    set({ status: 'starting', error: null, tasks, logs: [], runId: null });
    const configYaml = ws.configYaml;
    const result = await api().startRun({
      cache: ws.cache,
      tasks: ws.pickedTiles,
      configYaml,
      ...(ws.outputLocation.trim() && { outputLocation: ws.outputLocation.trim() }),
      threads: ws.settings.threads,
      overwrite: true,
    });
    if (isApiError(result)) {
      set({ status: 'failed', error: sentence(result.error), tasks: {} });
      return;
    }
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
        const tasks = { ...get().tasks };
        for (const [id, t] of Object.entries(tasks)) if (t.state === 'queued' || t.state === 'running') tasks[id] = { ...t, state: 'cancelled' };
        const cancelled = Object.values(tasks).some((t) => t.state === 'cancelled');
        set({
          tasks,
          status: event.error ? 'failed' : cancelled ? 'cancelled' : 'finished',
          error: event.error ? sentence(event.error) : null,
        });
        break;
      }
    }
  },
}));
