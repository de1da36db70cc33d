/**
 * The pan tool's picking: a click picks or unpicks a task, a shift-click picks the tasks between
 * it and the last one picked. By keyboard, once a plan is shown: an arrow key shows a tile cursor
 * (drawn as the draft shape, just inside the tile) on the planned task nearest the view's centre, arrows then move it
 * tile by tile, and Enter or Space picks or unpicks its task (with Shift: the tasks between).
 */
import type maplibregl from 'maplibre-gl';
import { useEffect, useRef, type RefObject } from 'react';
import { tileCentreLonLat, tileFootprintLonLat } from '../../shared/geometry.js';
import { parseGrid, type TileIndex } from '../../shared/grid.js';
import { gridPosition } from '../map/coordinates.js';
import { arrowStep, describeTile, insetOutline, startTile, taskAt, tileAfterStep } from '../map/keyboard-cursor.js';
import { featureOf, setGeoJSON, showDraft } from '../map/overlay-layers.js';
import { tasksBetween, type TaskFeatureProps } from '../map/task-features.js';
import { usePlan } from '../stores/plan-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { keepInView, listenTo, listenToMapKeys } from './map-events.js';

export function useTilePickTool(map: maplibregl.Map | null, active: boolean, announce: (text: string) => void): void {
  /** The tile last picked or unpicked, where a shift-pick's range starts; kept across tool changes. */
  const anchor = useRef<TileIndex | null>(null);
  const tasks = usePlan((s) => s.tasks);

  useEffect(() => {
    if (!map || !active) return;
    return listenTo(map, {
      click: (e) => {
        const hit = map.queryRenderedFeatures(e.point, { layers: ['tasks-fill'] })[0];
        if (hit) pick(hit.properties as TaskFeatureProps, e.originalEvent.shiftKey, anchor);
      },
    });
  }, [map, active]);

  useEffect(() => {
    if (!map || !active || !tasks) return;
    const grid = parseGrid(tasks.grid);
    const taskOf = (tile: TileIndex) => taskAt(tasks.tasks, usePlan.getState().period, tile);
    const describe = (tile: TileIndex) => {
      const task = taskOf(tile);
      return describeTile(tile, task, !!task && useWorkspace.getState().pickedTiles.includes(task.id));
    };
    let cursor: TileIndex | null = null;
    const moveTo = (tile: TileIndex) => {
      cursor = tile;
      const [footprint, centre] = [tileFootprintLonLat(grid, tile, 8), tileCentreLonLat(grid, tile)];
      setGeoJSON(map, 'draft', featureOf(footprint.type === 'Polygon' ? insetOutline(footprint, centre) : footprint));
      keepInView(map, centre);
      announce(describe(tile));
    };
    const stopListening = listenToMapKeys(map, (e) => {
      const step = arrowStep(e.key);
      const picks = e.key === 'Enter' || e.key === ' ';
      if (!step && !picks) return false;
      if (cursor === null) {
        const centre = map.getCenter();
        const start = startTile(tasks.tasks, usePlan.getState().period, gridPosition(grid, centre.lng, centre.lat)?.tile ?? { x: 0, y: 0 });
        if (start) moveTo(start);
        else announce('No tasks are planned in the period shown.');
      } else if (step) moveTo(tileAfterStep(cursor, step));
      else {
        const task = taskOf(cursor);
        if (task) pick(task, e.shiftKey, anchor);
        announce(task ? describe(cursor) : `${describe(cursor)}, nothing to pick`);
      }
      return true;
    });
    return () => {
      stopListening();
      showDraft(map, null);
    };
  }, [map, active, tasks, announce]);
}

/** Picks or unpicks a task, or with `range` picks the tasks between it and the anchor; it becomes the anchor. */
function pick(task: TileIndex & { id: string }, range: boolean, anchor: RefObject<TileIndex | null>): void {
  const ws = useWorkspace.getState();
  if (range && anchor.current) {
    const plan = usePlan.getState();
    ws.addPicks(tasksBetween(plan.tasks?.tasks ?? [], plan.period, anchor.current, task));
  } else ws.togglePick(task.id);
  anchor.current = { x: task.x, y: task.y };
}
