/** The inspect tool: a click reads every band of the previewed outputs at that point. */
import type maplibregl from 'maplibre-gl';
import { useEffect } from 'react';
import { usePreviews } from '../stores/preview-store.js';
import { listenTo } from './map-events.js';

export function useInspectTool(map: maplibregl.Map | null, active: boolean): void {
  useEffect(() => {
    if (!map || !active) return;
    return listenTo(map, {
      click: (e) => void usePreviews.getState().inspectAt(e.lngLat.lng, e.lngLat.lat),
    });
  }, [map, active]);
}
