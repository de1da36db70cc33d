/** The box pick tool: the tasks a dragged box touches are picked. */
import type maplibregl from 'maplibre-gl';
import { rectanglePolygon, type LonLat } from '../map/geometry-draw.js';
import type { TaskFeatureProps } from '../map/task-features.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { useDragBox } from './useDragBox.js';

export function useBoxPickTool(map: maplibregl.Map | null, active: boolean): void {
  useDragBox(map, active, pickTasksInBox);
}

function pickTasksInBox(map: maplibregl.Map, start: LonLat, end: LonLat): void {
  const box = rectanglePolygon(start, end)[0]!;
  const sw = map.project(box[0] as LonLat);
  const ne = map.project(box[2] as LonLat);
  const hits = map.queryRenderedFeatures([sw, ne], { layers: ['tasks-fill'] });
  useWorkspace.getState().addPicks(hits.map((h) => String((h.properties as TaskFeatureProps).id)));
}
