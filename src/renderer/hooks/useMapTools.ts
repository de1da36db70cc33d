/**
 * The map tools (pan and pick, rectangle, polygon, vertex edit, box pick, inspect): the active
 * one gets the pointer and the keys on the map it uses; other keys on the map choose a tool, and
 * Escape drops a drawing in progress. What the keyboard tools do is announced in one line.
 */
import { useCallback, useEffect, useState, type RefObject } from 'react';
import { showDraft } from '../map/overlay-layers.js';
import { useUi, type MapTool } from '../stores/ui-store.js';
import { listenToMapKeys } from './map-events.js';
import { useBoxPickTool } from './useBoxPickTool.js';
import { useInspectTool } from './useInspectTool.js';
import type { LoadedMap } from './useMaplibreMap.js';
import { usePolygonTool } from './usePolygonTool.js';
import { useRectangleTool } from './useRectangleTool.js';
import { useTilePickTool } from './useTilePickTool.js';
import { useVertexEditTool } from './useVertexEditTool.js';

const TOOL_KEYS: Record<string, MapTool> = { v: 'pan', r: 'rectangle', p: 'polygon', e: 'edit', b: 'box', i: 'inspect' };

export interface MapTools {
  /** What the edit tool is dragging, during which the hover card stays as it is. */
  draggedVertex: RefObject<unknown>;
  /** The latest thing a keyboard tool did or where its cursor is, for a live region. */
  announcement: string;
}

export function useMapTools(loaded: LoadedMap): MapTools {
  const { map } = loaded;
  const tool = useUi((s) => s.tool);
  // Kept with the tool that said it, so that a change of tool silences it.
  const [announced, setAnnounced] = useState({ tool, text: '' });
  const announce = useCallback((text: string) => setAnnounced({ tool: useUi.getState().tool, text }), []);
  useTilePickTool(map, tool === 'pan', announce);
  useRectangleTool(map, tool === 'rectangle');
  usePolygonTool(map, tool === 'polygon', announce);
  const draggedVertex = useVertexEditTool(loaded, tool === 'edit');
  useBoxPickTool(map, tool === 'box');
  useInspectTool(map, tool === 'inspect');

  useEffect(() => {
    if (map) map.getCanvas().style.cursor = tool === 'pan' ? '' : 'crosshair';
  }, [map, tool]);

  useEffect(() => {
    if (!map) return;
    return listenToMapKeys(map, (e) => {
      const chosen = TOOL_KEYS[e.key.toLowerCase()];
      if (e.key === 'Escape') {
        showDraft(map, null);
        useUi.getState().setTool('pan');
      } else if (chosen) useUi.getState().setTool(chosen);
      else return false;
      return true;
    });
  }, [map]);

  return { draggedVertex, announcement: announced.tool === tool ? announced.text : '' };
}
