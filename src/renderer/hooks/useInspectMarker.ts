/** A marker where the pixel inspector last read. */
import { useEffect } from 'react';
import { EMPTY_COLLECTION, featureOf, setGeoJSON } from '../map/overlay-layers.js';
import { usePreviews } from '../stores/preview-store.js';
import type { LoadedMap } from './useMaplibreMap.js';

export function useInspectMarker({ map, styleLoads }: LoadedMap): void {
  const inspection = usePreviews((s) => s.inspection);
  useEffect(() => {
    if (!map) return;
    setGeoJSON(map, 'inspect', inspection ? featureOf({ type: 'Point', coordinates: [inspection.lon, inspection.lat] }) : EMPTY_COLLECTION);
  }, [map, styleLoads, inspection]);
}
