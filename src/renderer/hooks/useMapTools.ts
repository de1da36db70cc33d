/**
 * The map tools (pan and pick, rectangle, polygon, vertex edit, box pick, inspect): the active
 * one gets the pointer; keys on the map choose a tool, and Escape drops a drawing in progress.
 */
import { useEffect, type RefObject } from 'react';
import { showDraft } from '../map/overlay-layers.js';
import { useUi, type MapTool } from '../stores/ui-store.js';
import { useBoxPickTool } from './useBoxPickTool.js';
import { useInspectTool } from './useInspectTool.js';
import type { LoadedMap } from './useMaplibreMap.js';
import { usePolygonTool } from './usePolygonTool.js';
import { useRectangleTool } from './useRectangleTool.js';
import { useTilePickTool } from './useTilePickTool.js';
import { useVertexEditTool } from './useVertexEditTool.js';

const TOOL_KEYS: Record<string, MapTool> = { v: 'pan', r: 'rectangle', p: 'polygon', e: 'edit', b: 'box', i: 'inspect' };

/** Returns what the edit tool is dragging, during which the hover card stays as it is. */
export function useMapTools(loaded: LoadedMap): RefObject<unknown> {
  const { map } = loaded;
  const tool = useUi((s) => s.tool);
  useTilePickTool(map, tool === 'pan');
  useRectangleTool(map, tool === 'rectangle');
  usePolygonTool(map, tool === 'polygon');
  const draggedVertex = useVertexEditTool(loaded, tool === 'edit');
  useBoxPickTool(map, tool === 'box');
  useInspectTool(map, tool === 'inspect');

  useEffect(() => {
    if (map) map.getCanvas().style.cursor = tool === 'pan' ? '' : 'crosshair';
  }, [map, tool]);

  useEffect(() => {
    if (!map) return;
    const onKey = (e: KeyboardEvent) => {
      const chosen = TOOL_KEYS[e.key.toLowerCase()];
      if (e.key === 'Escape') {
        showDraft(map, null);
        useUi.getState().setTool('pan');
      } else if (chosen && !e.ctrlKey && !e.metaKey && !e.altKey) useUi.getState().setTool(chosen);
    };
    const keyTarget = map.getContainer();
    keyTarget.addEventListener('keydown', onKey);
    return () => keyTarget.removeEventListener('keydown', onKey);
  }, [map]);

  return draggedVertex;
}
