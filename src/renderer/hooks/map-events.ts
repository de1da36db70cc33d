/** Map listeners registered together and removed together (as an effect's cleanup), and where a mouse event is. */
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
