/** The task under the pointer, for the hover card: in the ui store, and where on the map the pointer is. */
import type maplibregl from 'maplibre-gl';
import { useEffect, useState, type RefObject } from 'react';
import type { TaskFeatureProps } from '../map/task-features.js';
import { useUi } from '../stores/ui-store.js';
import { listenTo } from './map-events.js';

interface ScreenPoint {
  x: number;
  y: number;
}

/** Returns the pointer's point on the map while it is over a task; nothing changes while `pausedWhile` holds a value. */
export function useTaskHover(map: maplibregl.Map | null, pausedWhile: RefObject<unknown>): ScreenPoint | null {
  const [point, setPoint] = useState<ScreenPoint | null>(null);
  useEffect(() => {
    if (!map) return;
    const clear = () => {
      useUi.getState().setHover(null);
      setPoint(null);
    };
    return listenTo(map, {
      mousemove: (e) => {
        if (pausedWhile.current) return;
        const hit = map.queryRenderedFeatures(e.point, { layers: ['tasks-fill'] })[0];
        if (hit) {
          useUi.getState().setHover(hit.properties as TaskFeatureProps);
          setPoint({ x: e.point.x, y: e.point.y });
        } else if (useUi.getState().hover) clear();
      },
      movestart: clear,
    });
  }, [map, pausedWhile]);
  return point;
}
