/** The rectangle tool: a dragged box becomes a new region. */
import type maplibregl from 'maplibre-gl';
import { rectanglePolygon, type LonLat } from '../map/geometry-draw.js';
import { addDrawnRegion } from '../stores/workspace-store.js';
import { useDragBox } from './useDragBox.js';

export function useRectangleTool(map: maplibregl.Map | null, active: boolean): void {
  useDragBox(map, active, addRectangleRegion);
}

function addRectangleRegion(_map: maplibregl.Map, start: LonLat, end: LonLat): void {
  addDrawnRegion(rectanglePolygon(start, end));
}
