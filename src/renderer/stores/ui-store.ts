/** What the map is doing now: the active tool and what the pointer is over. Not persisted. */
import { create } from 'zustand';
import type { TaskSummary } from '../../shared/api.js';

export type MapTool = 'pan' | 'rectangle' | 'polygon' | 'edit' | 'box' | 'inspect';

export interface UiState {
  tool: MapTool;
  /** The task under the pointer. */
  hover: TaskSummary | null;
  /** The map's view, lon/lat [west, south, east, north], for the grid overlay and sidebars. */
  viewBounds: [number, number, number, number] | null;
  setTool(tool: MapTool): void;
  setHover(hover: TaskSummary | null): void;
  setViewBounds(bounds: [number, number, number, number]): void;
}

export const useUi = create<UiState>()((set) => ({
  tool: 'pan',
  hover: null,
  viewBounds: null,
  setTool: (tool) => set({ tool }),
  setHover: (hover) => set({ hover }),
  setViewBounds: (viewBounds) => set({ viewBounds }),
}));
