/**
 * Preview layers of finished outputs on the map (RGB with a stretch, single bands through a
 * colour ramp) in groups, one per product and variant, their order, visibility and opacity, the
 * swipe between two of them, band histograms, and the pixel inspector's last reading.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { isApiError, type BandHistogram, type InspectedOutput, type OutputInfo, type PreviewImage, type ProjectPreviewLayer } from '../../shared/api.js';
import { api } from '../api/api.js';
import { sentence } from './plan-store.js';

/** A layer as the user chose it (its id unique: the output's STAC item and the bands; `range` absent: the 2nd–98th percentiles), and its image once fetched. */
export interface PreviewLayer extends ProjectPreviewLayer {
  image?: PreviewImage;
  loading?: boolean;
  error?: string;
}

/**
 * The layers of one product and variant (its version and output location): a rerun with the
 * same writes over the same files, so its layers replace the group's; another variant of the
 * same tile gets a group of its own.
 */
export interface PreviewGroup {
  id: string;
  /** Product and version, and the location where two groups would share those. */
  name: string;
  location: string;
  /** In list order, top first. */
  layers: PreviewLayer[];
}

/** Two layers shown side by side: `left` left of a vertical divider across the map, `right` right of it. */
export interface Swipe {
  left: string;
  right: string;
  /** The divider's place across the map: 0 its left edge, 1 its right edge. */
  position: number;
}

export interface Inspection {
  lon: number;
  lat: number;
  results: InspectedOutput[];
  error?: string;
}

export type HistogramEntry = BandHistogram | { error: string } | 'loading';

export interface PreviewState {
  /** In list order, top first: the map draws the last at the bottom. A group's layers are next to each other. */
  layers: PreviewLayer[];
  /** What each finished output offers (its bands, product and variant), by STAC item. */
  outputs: Record<string, OutputInfo>;
  /** Groups whose layers are not drawn, whatever their own visibility. */
  hiddenGroups: string[];
  swipe: Swipe | null;
  /** By `histogramKey`; fetched when first shown, not kept across reloads. */
  histograms: Record<string, HistogramEntry>;
  inspection: Inspection | null;
  /** Adds the default layers of a finished task in its group: RGB where it has it, and its count band. */
  addOutput(stacItem: string, task: string): Promise<void>;
  /** Adds a layer of a described output at the top of its group. */
  addLayer(stacItem: string, bands: string[], visible: boolean): Promise<void>;
  update(id: string, patch: Partial<Pick<PreviewLayer, 'visible' | 'opacity' | 'range' | 'ramp'>>): void;
  remove(id: string): void;
  /** Moves a layer up (-1, drawn higher) or down (1) within its group. */
  moveLayer(id: string, by: -1 | 1): void;
  /** Moves a group, all its layers, up (-1) or down (1) the list. */
  moveGroup(groupId: string, by: -1 | 1): void;
  setGroupVisible(groupId: string, visible: boolean): void;
  setSwipe(swipe: Swipe | null): void;
  loadHistogram(stacItem: string, band: string): Promise<void>;
  /** Fetches the images of layers that have none (after a reload or a change of stretch). */
  render(id: string): Promise<void>;
  renderMissing(): Promise<void>;
  inspectAt(lon: number, lat: number): Promise<void>;
  clearInspection(): void;
}

/** The group of an output: its product, version and location. */
function groupIdOf(output: OutputInfo | undefined, stacItem: string): string {
  // Outputs described before there were groups (kept in localStorage or a project) have no location: a group each.
  return output?.location === undefined ? stacItem : JSON.stringify([output.product, output.version, output.location]);
}

export function groupIdOfLayer(layer: PreviewLayer, outputs: Record<string, OutputInfo>): string {
  return groupIdOf(outputs[layer.stacItem], layer.stacItem);
}

/** The layers in their groups, in list order. */
export function previewGroups(layers: PreviewLayer[], outputs: Record<string, OutputInfo>): PreviewGroup[] {
  const groups = new Map<string, PreviewGroup>();
  for (const layer of layers) {
    const id = groupIdOfLayer(layer, outputs);
    const group = groups.get(id);
    if (group) group.layers.push(layer);
    else {
      const output = outputs[layer.stacItem];
      const name = [output?.product, output?.version].filter(Boolean).join(' ') || layer.task;
      groups.set(id, { id, name, location: output?.location ?? '', layers: [layer] });
    }
  }
  const list = [...groups.values()];
  return list.map((g) => (list.some((other) => other !== g && other.name === g.name) ? { ...g, name: `${g.name} (${g.location})` } : g));
}

/** A layer as the list names it: its task and band, or its RGB bands. */
export function layerName(layer: PreviewLayer): string {
  return `${layer.task} ${layer.bands.length === 3 ? `RGB (${layer.bands.join(', ')})` : layer.bands[0]}`;
}

export function histogramKey(stacItem: string, band: string): string {
  return `${stacItem}#${band}`;
}

function layerId(stacItem: string, bands: string[]): string {
  return `${stacItem}#${bands.join('+')}`;
}

function newLayer(output: OutputInfo, bands: string[], visible: boolean): PreviewLayer {
  return { id: layerId(output.stacItem, bands), stacItem: output.stacItem, task: output.task, bands, ramp: bands.length === 1 ? 'viridis' : 'greys', visible, opacity: 0.9 };
}

/** `layers` with `added` put where their group is (at its top), or at the top of the list for a new group. */
function insertInGroup(layers: PreviewLayer[], added: PreviewLayer[], outputs: Record<string, OutputInfo>, fallback = 0): PreviewLayer[] {
  const group = groupIdOfLayer(added[0]!, outputs);
  const at = layers.findIndex((l) => groupIdOfLayer(l, outputs) === group);
  const index = at === -1 ? fallback : at;
  return [...layers.slice(0, index), ...added, ...layers.slice(index)];
}

/** A swipe that still names two layers of `layers`, or none. */
export function swipeOver(swipe: Swipe | null, layers: PreviewLayer[]): Swipe | null {
  return swipe && layers.some((l) => l.id === swipe.left) && layers.some((l) => l.id === swipe.right) ? swipe : null;
}

const COUNT_BANDS = ['COUNT', 'count', 'count_clear', 'clear'];
const HISTOGRAM_BINS = 64;

export const usePreviews = create<PreviewState>()(
  persist(
    (set, get) => ({
      layers: [],
      outputs: {},
      inspection: null,
      hiddenGroups: [],
      swipe: null,
      histograms: {},
      addOutput: async (stacItem, task) => {
        const described = await api().describeOutput(stacItem);
        if (isApiError(described)) return;
        const info = { ...described, task };
        const { layers, outputs } = get();
        const group = groupIdOf(info, stacItem);
        // A rerun replaces its own group's layers of the task, and whatever showed the files it wrote over.
        const replaced = (l: PreviewLayer) => l.stacItem === stacItem || (l.task === task && groupIdOfLayer(l, outputs) === group);
        const firstReplaced = layers.findIndex(replaced);
        const kept = layers.filter((l) => !replaced(l));
        const count = COUNT_BANDS.find((b) => info.bands.includes(b)) ?? (info.rgb ? undefined : info.bands[0]);
        const added = [...(info.rgb ? [newLayer(info, info.rgb, true)] : []), ...(count ? [newLayer(info, [count], !info.rgb)] : [])];
        if (added.length === 0) return;
        const nextOutputs = { ...outputs, [stacItem]: info };
        // Where the rerun's layers were, when they were the group's only ones.
        const fallback = firstReplaced === -1 ? 0 : layers.slice(0, firstReplaced).filter((l) => !replaced(l)).length;
        const nextLayers = insertInGroup(kept, added, nextOutputs, fallback);
        const histograms = Object.fromEntries(Object.entries(get().histograms).filter(([key]) => !key.startsWith(histogramKey(stacItem, ''))));
        set({ outputs: nextOutputs, layers: nextLayers, hiddenGroups: get().hiddenGroups.filter((g) => g !== group), swipe: swipeOver(get().swipe, nextLayers), histograms });
        await Promise.all(added.map((l) => get().render(l.id)));
      },
      addLayer: async (stacItem, bands, visible) => {
        const output = get().outputs[stacItem];
        if (!output) return;
        const layer = newLayer(output, bands, visible);
        set({ layers: insertInGroup(get().layers.filter((l) => l.id !== layer.id), [layer], get().outputs) });
        await get().render(layer.id);
      },
      update: (id, patch) => {
        set({ layers: get().layers.map((l) => (l.id === id ? { ...l, ...patch } : l)) });
        if ('range' in patch || 'ramp' in patch) void get().render(id);
      },
      remove: (id) => {
        const layers = get().layers.filter((l) => l.id !== id);
        set({ layers, swipe: swipeOver(get().swipe, layers) });
      },
      moveLayer: (id, by) => {
        const { layers, outputs } = get();
        const group = previewGroups(layers, outputs).find((g) => g.layers.some((l) => l.id === id));
        if (!group) return;
        const at = group.layers.findIndex((l) => l.id === id);
        const other = group.layers[at + by];
        if (!other) return;
        const i = layers.findIndex((l) => l.id === id);
        const j = layers.indexOf(other);
        const moved = [...layers];
        [moved[i], moved[j]] = [other, layers[i]!];
        set({ layers: moved });
      },
      moveGroup: (groupId, by) => {
        const groups = previewGroups(get().layers, get().outputs);
        const at = groups.findIndex((g) => g.id === groupId);
        const other = groups[at + by];
        if (at === -1 || !other) return;
        [groups[at], groups[at + by]] = [other, groups[at]!];
        set({ layers: groups.flatMap((g) => g.layers) });
      },
      setGroupVisible: (groupId, visible) => {
        const others = get().hiddenGroups.filter((g) => g !== groupId);
        set({ hiddenGroups: visible ? others : [...others, groupId] });
      },
      setSwipe: (swipe) => set({ swipe: swipeOver(swipe && { ...swipe, position: Math.min(1, Math.max(0, swipe.position)) }, get().layers) }),
      loadHistogram: async (stacItem, band) => {
        const key = histogramKey(stacItem, band);
        if (get().histograms[key] !== undefined) return;
        set({ histograms: { ...get().histograms, [key]: 'loading' } });
        const histogram = await api().histogram({ stacItem, band, bins: HISTOGRAM_BINS });
        set({ histograms: { ...get().histograms, [key]: isApiError(histogram) ? { error: sentence(histogram.error) } : histogram } });
      },
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
      partialize: (state) => ({
        outputs: state.outputs,
        layers: state.layers.map(({ image: _i, loading: _l, error: _e, ...rest }) => rest),
        hiddenGroups: state.hiddenGroups,
      }),
    },
  ),
);
