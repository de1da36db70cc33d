/** The planned tasks of the period shown, coloured by datasets, picked ones outlined; the view fits each new plan. */
import { useEffect } from 'react';
import { setGeoJSON, EMPTY_COLLECTION } from '../map/overlay-layers.js';
import { taskColourExpression, taskLegend } from '../map/task-colours.js';
import { featuresBBox, taskFeatures } from '../map/task-features.js';
import { usePlan } from '../stores/plan-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import type { LoadedMap } from './useMaplibreMap.js';

export function useTaskLayer({ map, styleLoads }: LoadedMap): void {
  const tasks = usePlan((s) => s.tasks);
  const period = usePlan((s) => s.period);
  const planned = usePlan((s) => s.planned);
  const picked = useWorkspace((s) => s.pickedTiles);

  useEffect(() => {
    if (!map) return;
    const data = tasks ? taskFeatures(tasks.grid, tasks.tasks, period, new Set(picked)) : EMPTY_COLLECTION;
    setGeoJSON(map, 'tasks', data);
    const counts = data.features.map((f) => Number(f.properties?.datasets ?? 0));
    map.setPaintProperty('tasks-fill', 'fill-color', taskColourExpression(taskLegend(counts)) as string);
  }, [map, styleLoads, tasks, period, picked]);

  // Not to tasks restored after a reload: the view is restored too.
  useEffect(() => {
    const current = usePlan.getState().tasks;
    if (!map || !current || planned === 0) return;
    const bbox = featuresBBox(taskFeatures(current.grid, current.tasks, null, new Set()));
    if (bbox) map.fitBounds(bbox, { padding: 60, duration: 0, maxZoom: 9 });
  }, [map, styleLoads, planned]);
}
