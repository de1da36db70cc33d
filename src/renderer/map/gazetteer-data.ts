/** The gazetteer's places, read once on first use: the data (a few MB) is a chunk of its own, loaded only when the map or the search needs it. */
import { parseGazetteer, type Place } from './gazetteer.js';

let loading: Promise<Place[]> | undefined;

export function loadGazetteer(): Promise<Place[]> {
  loading ??= import('virtual:gazetteer').then(
    (m) => parseGazetteer(m.default),
    (e: unknown) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}
