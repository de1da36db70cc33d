/** The pan tool's picking: a click picks or unpicks a task, a shift-click picks the tasks between it and the last one clicked. */
import type maplibregl from 'maplibre-gl';
import { useEffect, useRef } from 'react';
import { tasksBetween, type TaskFeatureProps } from '../map/task-features.js';
import { usePlan } from '../stores/plan-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { listenTo } from './map-events.js';

export function useTilePickTool(map: maplibregl.Map | null, active: boolean): void {
  /** The tile last clicked, where a shift-click's range starts; kept across tool changes. */
  const anchor = useRef<{ x: number; y: number } | null>(null);
  useEffect(() => {
    if (!map || !active) return;
    return listenTo(map, {
      click: (e) => {
        const hit = map.queryRenderedFeatures(e.point, { layers: ['tasks-fill'] })[0];
        if (!hit) return;
        const task = hit.properties as TaskFeatureProps;
        const ws = useWorkspace.getState();
        if (e.originalEvent.shiftKey && anchor.current) {
          const plan = usePlan.getState();
          ws.addPicks(tasksBetween(plan.tasks?.tasks ?? [], plan.period, anchor.current, task));
        } else ws.togglePick(task.id);
        anchor.current = { x: task.x, y: task.y };
      },
    });
  }, [map, active]);
}
