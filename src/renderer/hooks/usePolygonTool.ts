/** The polygon tool: clicks add corners; a double click or Enter closes the polygon into a new region. */
import type maplibregl from 'maplibre-gl';
import { useEffect } from 'react';
import type { LonLat } from '../map/geometry-draw.js';
import { showDraft } from '../map/overlay-layers.js';
import { addDrawnRegion } from '../stores/workspace-store.js';
import { listenTo, lngLatOf } from './map-events.js';

export function usePolygonTool(map: maplibregl.Map | null, active: boolean): void {
  useEffect(() => {
    if (!map || !active) return;
    let corners: LonLat[] | null = null;
    const finish = () => {
      if (!corners) return;
      const ring = corners;
      corners = null;
      showDraft(map, null);
      if (ring.length >= 3) addDrawnRegion([[...ring, ring[0]!]]);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter') finish();
    };
    const stopListening = listenTo(map, {
      click: (e) => {
        corners = [...(corners ?? []), lngLatOf(e)];
        showDraft(map, { type: 'LineString', coordinates: corners });
      },
      mousemove: (e) => {
        if (corners) showDraft(map, { type: 'LineString', coordinates: [...corners, lngLatOf(e)] });
      },
      dblclick: (e) => {
        e.preventDefault();
        finish();
      },
    });
    const keyTarget = map.getContainer();
    keyTarget.addEventListener('keydown', onKey);
    return () => {
      stopListening();
      keyTarget.removeEventListener('keydown', onKey);
    };
  }, [map, active]);
}
