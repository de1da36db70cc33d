/** Planning: the request in flight, its progress, the summary, and the tasks of the current cache. */
import { create } from 'zustand';
import { isApiError, type ApiEvent, type PlanField, type PlanTasksRequest, type TaskList } from '../../shared/api.js';
import type { SaveTasksResult } from '../../shared/save-tasks-contract.js';
import { api } from '../api/api.js';
import { useWorkspace } from './workspace-store.js';

export type { PlanField } from '../../shared/api.js';

export interface PlanState {
  status: 'idle' | 'planning' | 'done' | 'error';
  planId: string | null;
  progress: { itemsRead: number; datasets: number; tasks: number } | null;
  summary: SaveTasksResult | null;
  error: { field: PlanField; message: string } | null;
  tasks: TaskList | null;
  /** The period shown on the map. */
  period: string | null;
  /** Counts finished plans: the map fits its view to the tasks of each new one. */
  planned: number;
  plan(): Promise<void>;
  /** Stops the plan in progress; it leaves no files and its answer is ignored. */
  cancel(): Promise<void>;
  loadTasks(cache: string): Promise<void>;
  setPeriod(period: string): void;
  handleEvent(event: ApiEvent): void;
  /** Forgets the error shown next to `field`, once the user has changed that control. */
  dismissError(field: PlanField): void;
  clear(): void;
}

let planCounter = 0;

export const usePlan = create<PlanState>()((set, get) => ({
  status: 'idle',
  planId: null,
  progress: null,
  summary: null,
  error: null,
  tasks: null,
  period: null,
  planned: 0,
  plan: async () => {
    const ws = useWorkspace.getState();
    const planId = `plan-${++planCounter}-${Date.now()}`;
    if (!ws.catalog.trim()) {
      set({ status: 'error', error: { field: 'catalog', message: 'Give a catalogue: a STAC catalogue path or URL, or use the sample.' } });
      return;
    }
    const range = ws.temporalRange.trim();
    const request: PlanTasksRequest = {
      planId,
      catalog: ws.catalog.trim(),
      inputProducts: ws.collections.map((c) => c.trim()).filter(Boolean),
      grid: ws.grid,
      frequency: ws.frequency,
      ...(/^\d{4}$/.test(range) ? { year: Number(range) } : range ? { temporalRange: range } : {}),
      ...(ws.regions.length > 0 && { region: { type: 'FeatureCollection', features: ws.regions } }),
      overwrite: true,
    };
    set({ status: 'planning', planId, progress: { itemsRead: 0, datasets: 0, tasks: 0 }, error: null, summary: null });
    const result = await api().planTasks(request);
    if (get().planId !== planId) return;
    if (isApiError(result)) {
      // The host says which field the error is about; one it cannot place goes with the plan as a whole.
      set({ status: 'error', error: { field: result.field ?? 'plan', message: sentence(result.error) } });
      return;
    }
    set({ status: 'done', summary: result });
    useWorkspace.getState().update({ cache: result.db, pickedTiles: [] });
    await get().loadTasks(result.db);
    set({ planned: get().planned + 1 });
  },
  cancel: async () => {
    const { planId, status } = get();
    if (status !== 'planning' || planId === null) return;
    set({ status: 'idle', planId: null, progress: null });
    await api().cancelPlan(planId);
  },
  loadTasks: async (cache) => {
    const result = await api().listTasks(cache);
    if (isApiError(result)) {
      set({ tasks: null, error: { field: 'plan', message: sentence(result.error) } });
      return;
    }
    const periods = [...new Set(result.tasks.map((t) => t.period))];
    const period = get().period;
    set({ tasks: result, period: period && periods.includes(period) ? period : (periods[0] ?? null) });
  },
  setPeriod: (period) => set({ period }),
  handleEvent: (event) => {
    if (event.type === 'plan-progress' && event.planId === get().planId) {
      set({ progress: { itemsRead: event.itemsRead, datasets: event.datasets, tasks: event.tasks } });
    }
  },
  dismissError: (field) => {
    if (get().error?.field === field) set({ error: null, status: get().status === 'error' ? 'idle' : get().status });
  },
  clear: () => set({ status: 'idle', summary: null, error: null, tasks: null, progress: null, period: null }),
}));

/** A host message as one sentence: capitalised, ending with a full stop. */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return 'Something went wrong.';
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}
