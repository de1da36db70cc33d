/** Dragging a lon/lat box on the map (the map does not pan meanwhile), shown as a draft until the button is let go. */
import type maplibregl from 'maplibre-gl';
import { useEffect } from 'react';
import { rectanglePolygon, type LonLat } from '../map/geometry-draw.js';
import { showDraft } from '../map/overlay-layers.js';
import { listenTo, lngLatOf } from './map-events.js';

/** Calls `onBox` with the corners of each box dragged while `active`; a box of no width or height is dropped. */
export function useDragBox(map: maplibregl.Map | null, active: boolean, onBox: (map: maplibregl.Map, start: LonLat, end: LonLat) => void): void {
  useEffect(() => {
    if (!map || !active) return;
    let start: LonLat | null = null;
    map.dragPan.disable();
    const stopListening = listenTo(map, {
      mousedown: (e) => {
        e.preventDefault();
        start = lngLatOf(e);
      },
      mousemove: (e) => {
        if (start) showDraft(map, { type: 'Polygon', coordinates: rectanglePolygon(start, lngLatOf(e)) });
      },
      mouseup: (e) => {
        if (!start) return;
        const from = start;
        start = null;
        showDraft(map, null);
        const end = lngLatOf(e);
        if (Math.abs(end[0] - from[0]) < 1e-9 || Math.abs(end[1] - from[1]) < 1e-9) return;
        onBox(map, from, end);
      },
    });
    return () => {
      stopListening();
      map.dragPan.enable();
    };
  }, [map, active, onBox]);
}
