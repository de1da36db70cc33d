/** What the map is doing now: the active tool, what the pointer is over, where to move the view, a message. Not persisted. */
import { create } from 'zustand';
import type { TaskSummary } from '../../shared/api.js';

export type MapTool = 'pan' | 'rectangle' | 'polygon' | 'edit' | 'box' | 'inspect';

/** Where a panel or the search asks the map to go: a lon/lat box to fit, or a point to fly to. */
export type ViewTarget = { bounds: [number, number, number, number]; maxZoom?: number } | { centre: [number, number]; zoom: number; marker?: boolean };

export interface UiState {
  tool: MapTool;
  /** The task under the pointer. */
  hover: TaskSummary | null;
  /** The map's view, lon/lat [west, south, east, north], for the grid overlay and sidebars. */
  viewBounds: [number, number, number, number] | null;
  /** The latest view asked for; `seq` tells a repeated request from the one already followed. */
  viewRequest: (ViewTarget & { seq: number }) | null;
  /** One line over the map about what the map could not do (a region refused, say), until the next one, a change of tool or its dismissal. */
  mapMessage: string | null;
  setTool(tool: MapTool): void;
  setHover(hover: TaskSummary | null): void;
  setViewBounds(bounds: [number, number, number, number]): void;
  showOnMap(target: ViewTarget): void;
  setMapMessage(message: string | null): void;
}

export const useUi = create<UiState>()((set, get) => ({
  tool: 'pan',
  hover: null,
  viewBounds: null,
  viewRequest: null,
  mapMessage: null,
  setTool: (tool) => set({ tool, mapMessage: null }),
  setHover: (hover) => set({ hover }),
  setViewBounds: (viewBounds) => set({ viewBounds }),
  showOnMap: (target) => set({ viewRequest: { ...target, seq: (get().viewRequest?.seq ?? 0) + 1 } }),
  setMapMessage: (mapMessage) => set({ mapMessage }),
}));
