/**
 * The polygon tool: clicks add corners; a double click or Enter closes the polygon into a new
 * region. A polygon the planner would refuse (a bow-tie, say) is not added: a one-line message
 * over the map says why.
 */
import type maplibregl from 'maplibre-gl';
import { useEffect } from 'react';
import { polygonCorners, regionProblem, type LonLat } from '../map/geometry-draw.js';
import { showDraft } from '../map/overlay-layers.js';
import { useUi } from '../stores/ui-store.js';
import { addDrawnRegion } from '../stores/workspace-store.js';
import { listenTo, lngLatOf } from './map-events.js';

export function usePolygonTool(map: maplibregl.Map | null, active: boolean): void {
  useEffect(() => {
    if (!map || !active) return;
    let clicked: LonLat[] | null = null;
    const finish = () => {
      if (!clicked) return;
      const corners = polygonCorners(clicked, (p) => map.project(p));
      clicked = null;
      showDraft(map, null);
      if (corners.length < 3) return;
      const coordinates = [[...corners, corners[0]!]];
      const problem = regionProblem({ type: 'Polygon', coordinates });
      if (problem) {
        useUi.getState().setMapMessage(`Polygon not added: ${problem}.`);
        return;
      }
      useUi.getState().setMapMessage(null);
      addDrawnRegion(coordinates);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter') finish();
    };
    const stopListening = listenTo(map, {
      click: (e) => {
        clicked = [...(clicked ?? []), lngLatOf(e)];
        showDraft(map, { type: 'LineString', coordinates: clicked });
      },
      mousemove: (e) => {
        if (clicked) showDraft(map, { type: 'LineString', coordinates: [...clicked, lngLatOf(e)] });
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
