/** The edit tool: region vertices show as handles, and dragging a handle moves its vertex. */
import { useEffect, useRef, type RefObject } from 'react';
import { moveVertex, type VertexPath } from '../map/geometry-draw.js';
import { useWorkspace, type RegionFeature } from '../stores/workspace-store.js';
import { listenTo, lngLatOf } from './map-events.js';
import type { LoadedMap } from './useMaplibreMap.js';

type DraggedVertex = VertexPath & { id: string };

/** Returns the vertex being dragged (null when none), which other pointer handlers leave alone. */
export function useVertexEditTool({ map, styleLoads }: LoadedMap, active: boolean): RefObject<DraggedVertex | null> {
  const dragged = useRef<DraggedVertex | null>(null);

  useEffect(() => {
    map?.setLayoutProperty('region-vertices', 'visibility', active ? 'visible' : 'none');
  }, [map, styleLoads, active]);

  useEffect(() => {
    if (!map || !active) return;
    map.dragPan.disable();
    const stopListening = listenTo(map, {
      mousedown: (e) => {
        const handle = map.queryRenderedFeatures(e.point, { layers: ['region-vertices'] })[0];
        if (handle) dragged.current = handle.properties as DraggedVertex;
      },
      mousemove: (e) => {
        const vertex = dragged.current;
        if (!vertex) return;
        const ws = useWorkspace.getState();
        const region = (ws.regions as RegionFeature[]).find((r) => r.properties.id === vertex.id);
        if (region) ws.reshapeRegion(region.properties.id, moveVertex(region.geometry, vertex, lngLatOf(e)));
      },
      mouseup: () => {
        dragged.current = null;
      },
    });
    return () => {
      stopListening();
      map.dragPan.enable();
      dragged.current = null;
    };
  }, [map, active]);

  return dragged;
}
