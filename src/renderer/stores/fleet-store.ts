/**
 * Watching a published run: the state of each of its tiles, asked of the host every few seconds
 * (`fleetStatus`) while the run is watched, and the tile the user clicked. Not persisted.
 */
import { create } from 'zustand';
import type { ApiError, FleetStatusRequest, FleetStatusSummary } from '../../shared/api.js';
import { api } from '../api/api.js';

/**
 * What the map shows of a tile. SQS counts a queue's messages but does not say which task is
 * which, so a pending tile is `waiting` when nothing is in flight, `in-flight` when nothing
 * waits, and `queued` (waiting or in flight) when the queue holds both.
 */
export type FleetTileView = 'waiting' | 'in-flight' | 'queued' | 'finished' | 'dead-lettered';

export interface FleetTileViewState {
  task: string;
  period: string;
  x: number;
  y: number;
  state: FleetTileView;
  error?: string;
}

/** Seconds between two questions to the host while a run is watched. */
export const FLEET_POLL_MS = 3000;

export interface FleetState {
  /** The published run being watched; null when none is. */
  watched: FleetStatusRequest | null;
  /** The host's latest answer about it. */
  status: FleetStatusSummary | null;
  /** The latest question's error, until an answer comes. */
  error: string | null;
  /** The task (PERIOD/X/Y) whose tile was clicked. */
  selected: string | null;
  /** Starts watching a run (instead of any other): asks now, then every FLEET_POLL_MS. */
  watch(request: FleetStatusRequest): void;
  stop(): void;
  select(task: string | null): void;
}

/** The timer of the next question, and which watch it belongs to, so that a late answer to a stopped watch is dropped. */
let poll: { request: FleetStatusRequest; timer?: ReturnType<typeof setTimeout> } | null = null;

export const useFleet = create<FleetState>()((set) => {
  const ask = async (request: FleetStatusRequest): Promise<void> => {
    let answer: FleetStatusSummary | ApiError;
    try {
      answer = await api().fleetStatus(request);
    } catch (e) {
      answer = { error: `the host did not answer: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (poll?.request !== request) return;
    if ('error' in answer) set({ error: answer.error });
    else set({ status: answer, error: null });
    poll.timer = setTimeout(() => void ask(request), FLEET_POLL_MS);
  };
  const stopPolling = () => {
    if (poll?.timer !== undefined) clearTimeout(poll.timer);
    poll = null;
  };
  return {
    watched: null,
    status: null,
    error: null,
    selected: null,
    watch: (request) => {
      stopPolling();
      poll = { request };
      set({ watched: request, status: null, error: null, selected: null });
      void ask(request);
    },
    stop: () => {
      stopPolling();
      set({ watched: null, status: null, error: null, selected: null });
    },
    select: (selected) => set({ selected }),
  };
});

/** Each tile of the answer as the map draws it. */
export function fleetTileViews(status: FleetStatusSummary): FleetTileViewState[] {
  const pending: FleetTileView = status.inFlight === 0 ? 'waiting' : status.waiting === 0 ? 'in-flight' : 'queued';
  return status.tiles.map(({ task, period, x, y, state, error }) => ({
    task,
    period,
    x,
    y,
    state: state === 'pending' ? pending : state,
    ...(error !== undefined && { error }),
  }));
}

/** How many tiles are in each state, in the order the panel lists them. */
export function countTileViews(tiles: readonly FleetTileViewState[]): Record<FleetTileView, number> {
  const counts: Record<FleetTileView, number> = { waiting: 0, queued: 0, 'in-flight': 0, finished: 0, 'dead-lettered': 0 };
  for (const tile of tiles) counts[tile.state] += 1;
  return counts;
}
