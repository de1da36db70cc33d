/** Map listeners registered together and removed together (as an effect's cleanup), where a mouse event is, and keys pressed on the map. */
import type maplibregl from 'maplibre-gl';
import type { MapEventType, MapMouseEvent } from 'maplibre-gl';
import type { LonLat } from '../map/geometry-draw.js';

type MapListeners = { [T in keyof MapEventType]?: (event: MapEventType[T]) => void };

/** Registers the listeners on the map; returns the function that removes them. */
export function listenTo(map: maplibregl.Map, listeners: MapListeners): () => void {
  const entries = Object.entries(listeners) as Array<[keyof MapEventType, (event: unknown) => void]>;
  for (const [type, listener] of entries) map.on(type, listener);
  return () => {
    for (const [type, listener] of entries) map.off(type, listener);
  };
}

export function lngLatOf(e: MapMouseEvent): LonLat {
  return [e.lngLat.lng, e.lngLat.lat];
}

/**
 * Calls `onKey` for keys pressed on the map itself (its container or its canvas, not a button
 * on it) without Ctrl, Alt or Meta. A key `onKey` says it handled (by returning true) goes no
 * further: not to maplibre, whose arrow keys would pan the map, nor to the page, which would
 * scroll. Returns the function that stops listening.
 */
export function listenToMapKeys(map: maplibregl.Map, onKey: (e: KeyboardEvent) => boolean): () => void {
  const container = map.getContainer();
  const listener = (e: KeyboardEvent) => {
    if (e.target !== container && e.target !== map.getCanvas()) return;
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    if (!onKey(e)) return;
    e.preventDefault();
    e.stopPropagation();
  };
  // In the capture phase, so that it comes before maplibre's handler on the canvas container.
  container.addEventListener('keydown', listener, { capture: true });
  return () => container.removeEventListener('keydown', listener, { capture: true });
}

/** Eases the map to a point the keyboard moved to when it is within `marginPx` of the view's edge or beyond. */
export function keepInView(map: maplibregl.Map, point: LonLat, marginPx = 40): void {
  const { x, y } = map.project(point);
  const canvas = map.getCanvas();
  const [width, height] = [canvas.clientWidth, canvas.clientHeight];
  if (x < marginPx || y < marginPx || x > width - marginPx || y > height - marginPx) map.easeTo({ center: point, duration: 250 });
}
