/**
 * The pixel's story under the inspect tool: every observation of the task's period at the
 * clicked pixel, told by the host with the config being edited, the series the chart shows (bands
 * and an index expression) and the day chosen on it.
 */
import { create } from 'zustand';
import { isApiError } from '../../shared/api.js';
import type { ObservationView, PixelStory } from '../../shared/pixel-story.js';
import { api } from '../api/api.js';
import { sentence, usePlan } from './plan-store.js';
import { useWorkspace } from './workspace-store.js';

export interface StoryState {
  point: { lon: number; lat: number } | null;
  story: PixelStory | null;
  loading: boolean;
  error: string | null;
  /** The bands drawn; null: `defaultBands`. */
  bands: string[] | null;
  /** An index of the bands (the expression language of the `reduce` plugin), drawn on its own axis; empty: none. */
  index: string;
  /** The day chosen on the chart or the slider: its observation is drawn on the map. */
  day: string | null;
  /** The chosen day's observation, as the map draws it. */
  view: ObservationView | null;
  viewLoading: boolean;
  viewError: string | null;
  /** A story kept to compare with (told with another config), of the same pixel. */
  pinned: PixelStory | null;
  /** Which of the view's images the map draws. */
  shown: { rgb: boolean; classes: boolean; masked: boolean };
  tell(lon: number, lat: number): Promise<void>;
  /** Tells the story of the last point again and redraws the chosen day (after the config changed). */
  retell(): Promise<void>;
  setBands(bands: string[]): void;
  setIndex(index: string): void;
  chooseDay(day: string | null): Promise<void>;
  /** Draws the task's latest clear view (each pixel's latest observation the plugin would use). */
  showLatestClear(): Promise<void>;
  /** Keeps the story shown, to compare the next ones (told with an edited config) with it; null: forgets it. */
  pin(story: PixelStory | null): void;
  show(image: keyof StoryState['shown'], on: boolean): void;
  clear(): void;
}

let asked = 0;
let viewsAsked = 0;

export const useStory = create<StoryState>()((set, get) => ({
  point: null,
  story: null,
  loading: false,
  error: null,
  bands: null,
  index: '',
  day: null,
  view: null,
  viewLoading: false,
  viewError: null,
  shown: { rgb: true, classes: false, masked: true },
  pinned: null,
  tell: async (lon, lat) => {
    const { cache, configYaml } = useWorkspace.getState();
    set({ point: { lon, lat }, error: null });
    if (!cache) {
      set({ story: null, error: 'Plan tasks first: a pixel’s story is told from the task that covers it.' });
      return;
    }
    const mine = ++asked;
    set({ loading: true });
    const period = usePlan.getState().period;
    const answer = await api().pixelStory({ cache, configYaml, lon, lat, ...(period && { period }) });
    // A later click wins over an earlier answer.
    if (mine !== asked) return;
    if (isApiError(answer)) set({ loading: false, story: null, error: sentence(answer.error) });
    else {
      const pinned = get().pinned;
      const samePixel = pinned && pinned.task === answer.task && pinned.col === answer.col && pinned.row === answer.row;
      set({ loading: false, story: answer, ...(!samePixel && { pinned: null }) });
      const day = get().day;
      if (day && !answer.observations.some((o) => o.day === day)) await get().chooseDay(null);
    }
  },
  retell: async () => {
    const point = get().point;
    const latest = get().view !== null && get().view?.day === undefined;
    if (point) await get().tell(point.lon, point.lat);
    if (latest) await get().showLatestClear();
    else await get().chooseDay(get().day);
  },
  setBands: (bands) => set({ bands }),
  setIndex: (index) => set({ index }),
  chooseDay: async (day) => {
    set({ day });
    await fetchView(day ?? undefined);
  },
  showLatestClear: async () => {
    set({ day: null });
    await fetchView(undefined, true);
  },
  pin: (story) => set({ pinned: story }),
  show: (image, on) => set({ shown: { ...get().shown, [image]: on } }),
  clear: () => {
    asked++;
    viewsAsked++;
    set({ point: null, story: null, loading: false, error: null, day: null, view: null, viewLoading: false, viewError: null, pinned: null });
  },
}));

/** Fetches the view of `day` (or, with `latest`, the latest clear view) of the story's task; none without either. */
async function fetchView(day: string | undefined, latest = false): Promise<void> {
  const mine = ++viewsAsked;
  const story = useStory.getState().story;
  useStory.setState({ viewError: null });
  const { cache, configYaml } = useWorkspace.getState();
  if ((!day && !latest) || !story || !cache) {
    useStory.setState({ view: null, viewLoading: false });
    return;
  }
  useStory.setState({ viewLoading: true });
  const answer = await api().observationView({ cache, configYaml, task: story.task, ...(day && { day }) });
  if (mine !== viewsAsked) return;
  if (isApiError(answer)) useStory.setState({ viewLoading: false, view: null, viewError: sentence(answer.error) });
  else useStory.setState({ viewLoading: false, view: answer });
}

/** The bands the chart draws by default: those the plugin's outputs share a name with (a geomedian's), else every band it reads. */
export function defaultBands(story: PixelStory): string[] {
  const read = Object.keys(story.observations[0]?.values ?? {});
  const shared = read.filter((b) => b in story.outputs);
  return shared.length > 0 ? shared : read;
}
