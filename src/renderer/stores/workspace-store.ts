/**
 * The workspace: everything the user sets up (catalogue, regions, picked tiles, YAML, output
 * folder, settings), i.e. the content of a project file. Kept in localStorage so it survives
 * a reload; saved to and opened from project files through the Api.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { Project } from '../../shared/api.js';
import { untitledProject } from '../../shared/untitled-project.js';
import { regionFeature } from '../map/geometry-draw.js';

export interface RegionFeature {
  type: 'Feature';
  properties: { id: string; name: string };
  geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
}

export interface WorkspaceState extends Project {
  projectPath: string | null;
  screen: 'start' | 'main';
  update(patch: Partial<Project>): void;
  setScreen(screen: 'start' | 'main'): void;
  /** Replaces the workspace with a project (new, opened or restored). */
  load(project: Project, projectPath: string | null): void;
  addRegion(region: RegionFeature): void;
  removeRegion(id: string): void;
  /** Replaces a region's geometry (its vertices edited on the map). */
  reshapeRegion(id: string, geometry: RegionFeature['geometry']): void;
  /** Picks exactly these tiles (task ids). */
  setPicks(ids: string[]): void;
  togglePick(id: string): void;
  addPicks(ids: string[]): void;
  /** The project file's content. */
  project(): Project;
}

const PROJECT_KEYS = Object.keys(untitledProject()) as Array<keyof Project>;

let regionCounter = 0;
export function newRegionId(): string {
  regionCounter += 1;
  return `region-${Date.now().toString(36)}-${regionCounter}`;
}

export const useWorkspace = create<WorkspaceState>()(
  persist(
    (set, get) => ({
      ...untitledProject(),
      projectPath: null,
      screen: 'start',
      update: (patch) => set(patch),
      setScreen: (screen) => set({ screen }),
      load: (project, projectPath) => set({ ...untitledProject(), ...project, projectPath, screen: 'main' }),
      addRegion: (region) => set({ regions: [...get().regions, region] }),
      reshapeRegion: (id, geometry) =>
        set({ regions: get().regions.map((r) => ((r as RegionFeature).properties.id === id ? { ...(r as RegionFeature), geometry } : r)) }),
      removeRegion: (id) => set({ regions: get().regions.filter((r) => (r as RegionFeature).properties.id !== id) }),
      setPicks: (ids) => set({ pickedTiles: [...new Set(ids)] }),
      togglePick: (id) => {
        const picked = get().pickedTiles;
        set({ pickedTiles: picked.includes(id) ? picked.filter((p) => p !== id) : [...picked, id] });
      },
      addPicks: (ids) => set({ pickedTiles: [...new Set([...get().pickedTiles, ...ids])] }),
      project: () => {
        const state = get();
        const out: Record<string, unknown> = {};
        for (const key of PROJECT_KEYS) if (state[key] !== undefined) out[key] = state[key];
        return out as unknown as Project;
      },
    }),
    {
      name: 'odc-stats-workspace',
      storage: createJSONStorage(() => localStorage),
      partialize: (state) => {
        const { update: _u, setScreen: _s, load: _l, addRegion: _a, removeRegion: _r, setPicks: _p, togglePick: _t, addPicks: _ap, project: _pr, ...data } = state;
        return data;
      },
    },
  ),
);

/** Adds a shape drawn on the map as a region named after its number. */
export function addDrawnRegion(coordinates: number[][][]): void {
  const ws = useWorkspace.getState();
  ws.addRegion(regionFeature(newRegionId(), `Region ${ws.regions.length + 1}`, coordinates));
}
