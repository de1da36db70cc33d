/**
 * The edit tool: region vertices show as handles, and dragging a handle moves its vertex. A move
 * that leaves the region one the planner would refuse (crossing itself) is undone, with a message.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { moveVertex, regionProblem, type VertexPath } from '../map/geometry-draw.js';
import { useUi } from '../stores/ui-store.js';
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
    /** The dragged region's geometry before the drag, to go back to. */
    let before: RegionFeature['geometry'] | null = null;
    const regionOf = (id: string) => (useWorkspace.getState().regions as RegionFeature[]).find((r) => r.properties.id === id);
    const stopListening = listenTo(map, {
      mousedown: (e) => {
        const handle = map.queryRenderedFeatures(e.point, { layers: ['region-vertices'] })[0];
        if (!handle) return;
        dragged.current = handle.properties as DraggedVertex;
        before = regionOf(dragged.current.id)?.geometry ?? null;
      },
      mousemove: (e) => {
        const vertex = dragged.current;
        if (!vertex) return;
        const region = regionOf(vertex.id);
        if (region) useWorkspace.getState().reshapeRegion(region.properties.id, moveVertex(region.geometry, vertex, lngLatOf(e)));
      },
      mouseup: () => {
        const vertex = dragged.current;
        dragged.current = null;
        const region = vertex && regionOf(vertex.id);
        if (!region || !before) return;
        const problem = regionProblem(region.geometry);
        if (problem) {
          useWorkspace.getState().reshapeRegion(region.properties.id, before);
          useUi.getState().setMapMessage(`Move undone: ${problem}.`);
        } else if (region.geometry !== before) useUi.getState().setMapMessage(null);
        before = null;
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
