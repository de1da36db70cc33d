/**
 * Preview layers of finished outputs on the map (RGB with a stretch, single bands through a
 * colour ramp), their visibility and opacity, and the pixel inspector's last reading.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { isApiError, type ColourRamp, type InspectedOutput, type OutputInfo, type PreviewImage } from '../../shared/api.js';
import { api } from '../api/api.js';
import { sentence } from './plan-store.js';

export interface PreviewLayer {
  id: string;
  stacItem: string;
  task: string;
  bands: string[];
  ramp: ColourRamp;
  visible: boolean;
  opacity: number;
  /** Fixed stretch; absent: the 2nd–98th percentiles. */
  range?: { min: number; max: number };
  image?: PreviewImage;
  loading?: boolean;
  error?: string;
}

export interface Inspection {
  lon: number;
  lat: number;
  results: InspectedOutput[];
  error?: string;
}

export interface PreviewState {
  layers: PreviewLayer[];
  /** What each finished output offers (its bands), by STAC item. */
  outputs: Record<string, OutputInfo>;
  inspection: Inspection | null;
  /** Adds the default layers of a finished task: RGB where it has it, and its count band. */
  addOutput(stacItem: string, task: string): Promise<void>;
  addLayer(stacItem: string, task: string, bands: string[], visible: boolean): Promise<void>;
  update(id: string, patch: Partial<Pick<PreviewLayer, 'visible' | 'opacity' | 'range' | 'ramp'>>): void;
  remove(id: string): void;
  /** Fetches the images of layers that have none (after a reload or a change of stretch). */
  render(id: string): Promise<void>;
  renderMissing(): Promise<void>;
  inspectAt(lon: number, lat: number): Promise<void>;
  clearInspection(): void;
}

const COUNT_BANDS = ['COUNT', 'count', 'count_clear', 'clear'];

export const usePreviews = create<PreviewState>()(
  persist(
    (set, get) => ({
      layers: [],
      outputs: {},
      inspection: null,
      addOutput: async (stacItem, task) => {
        const info = await api().describeOutput(stacItem);
        if (isApiError(info)) return;
        set({ outputs: { ...get().outputs, [stacItem]: { ...info, task } } });
        // A rerun replaces the task's layers.
        set({ layers: get().layers.filter((l) => l.task !== task) });
        if (info.rgb) await get().addLayer(stacItem, task, info.rgb, true);
        const count = COUNT_BANDS.find((b) => info.bands.includes(b)) ?? (info.rgb ? undefined : info.bands[0]);
        if (count) await get().addLayer(stacItem, task, [count], !info.rgb);
      },
      addLayer: async (stacItem, task, bands, visible) => {
        const id = `${task}:${bands.join('+')}`;
        const layer: PreviewLayer = { id, stacItem, task, bands, ramp: bands.length === 1 ? 'viridis' : 'greys', visible, opacity: 0.9 };
        set({ layers: [...get().layers.filter((l) => l.id !== id), layer] });
        await get().render(id);
      },
      update: (id, patch) => {
        set({ layers: get().layers.map((l) => (l.id === id ? { ...l, ...patch } : l)) });
        if ('range' in patch || 'ramp' in patch) void get().render(id);
      },
      remove: (id) => set({ layers: get().layers.filter((l) => l.id !== id) }),
      render: async (id) => {
        const layer = get().layers.find((l) => l.id === id);
        if (!layer) return;
        const patch = (p: Partial<PreviewLayer>) => set({ layers: get().layers.map((l) => (l.id === id ? { ...l, ...p } : l)) });
        patch({ loading: true });
        const image = await api().preview({
          stacItem: layer.stacItem,
          bands: layer.bands,
          ramp: layer.ramp,
          ...(layer.range && { range: layer.range }),
        });
        if (isApiError(image)) patch({ loading: false, error: sentence(image.error) });
        else {
          const { error: _e, ...rest } = get().layers.find((l) => l.id === id) ?? layer;
          set({ layers: get().layers.map((l) => (l.id === id ? { ...rest, image, loading: false } : l)) });
        }
      },
      renderMissing: async () => {
        await Promise.all(get().layers.filter((l) => !l.image && !l.loading).map((l) => get().render(l.id)));
      },
      inspectAt: async (lon, lat) => {
        const stacItems = [...new Set(get().layers.map((l) => l.stacItem))];
        if (stacItems.length === 0) {
          set({ inspection: { lon, lat, results: [], error: 'No outputs to inspect yet: run a tile first.' } });
          return;
        }
        const results = await api().inspect({ stacItems, lon, lat });
        set({ inspection: isApiError(results) ? { lon, lat, results: [], error: sentence(results.error) } : { lon, lat, results } });
      },
      clearInspection: () => set({ inspection: null }),
    }),
    {
      name: 'odc-stats-previews',
      storage: createJSONStorage(() => localStorage),
      // Images are fetched again after a reload; only what the user chose is kept.
      partialize: (state) => ({ outputs: state.outputs, layers: state.layers.map(({ image: _i, loading: _l, error: _e, ...rest }) => rest) }),
    },
  ),
);
