/** The inspect tool: a click reads every band of the previewed outputs at that point, and tells the pixel's story. */
import type maplibregl from 'maplibre-gl';
import { useEffect } from 'react';
import { usePreviews } from '../stores/preview-store.js';
import { useStory } from '../stores/story-store.js';
import { listenTo } from './map-events.js';

export function useInspectTool(map: maplibregl.Map | null, active: boolean): void {
  useEffect(() => {
    if (!map || !active) return;
    return listenTo(map, {
      click: (e) => {
        void usePreviews.getState().inspectAt(e.lngLat.lng, e.lngLat.lat);
        void useStory.getState().tell(e.lngLat.lng, e.lngLat.lat);
      },
    });
  }, [map, active]);
}
