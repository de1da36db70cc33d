/**
 * The polygon tool: clicks add corners; a double click (whose second click adds no corner) or
 * Enter closes the polygon into a new region. By keyboard: an arrow key shows a crosshair at the
 * view's centre and moves it (10 px a press, 50 with Shift); Enter or Space adds a corner under
 * it, or closes the polygon when it is on the first corner; F closes the polygon wherever it is;
 * Backspace takes back the last corner. Escape (useMapTools) drops the drawing. A polygon the
 * planner would refuse (a bow-tie, say) is not added: a one-line message over the map says why.
 */
import maplibregl from 'maplibre-gl';
import { useEffect } from 'react';
import { formatLatLon } from '../map/coordinates.js';
import { onSameSpot, polygonCorners, regionProblem, type LonLat } from '../map/geometry-draw.js';
import { arrowStep } from '../map/keyboard-cursor.js';
import { showDraft } from '../map/overlay-layers.js';
import { useUi } from '../stores/ui-store.js';
import { addDrawnRegion, useWorkspace, type RegionFeature } from '../stores/workspace-store.js';
import { keepInView, listenTo, listenToMapKeys, lngLatOf } from './map-events.js';

const STEP_PX = 10;
const SHIFT_STEP_PX = 50;

export function usePolygonTool(map: maplibregl.Map | null, active: boolean, announce: (text: string) => void): void {
  useEffect(() => {
    if (!map || !active) return;
    const toScreen = (p: LonLat) => map.project(p);
    let corners: LonLat[] = [];
    /** Where the keyboard's crosshair is; null while the pointer draws. */
    let crosshair: LonLat | null = null;
    const crosshairMarker = new maplibregl.Marker({ element: crosshairElement() });
    const showDrawing = (end: LonLat | null) => {
      const line = end ? [...corners, end] : corners;
      showDraft(map, line.length > 0 ? { type: 'LineString', coordinates: line } : null);
    };
    const cornerCount = () => `${corners.length} corner${corners.length === 1 ? '' : 's'}`;
    const onFirstCorner = (at: LonLat) => corners.length >= 3 && onSameSpot(at, corners[0]!, toScreen, STEP_PX / 2);

    const moveCrosshair = (to: LonLat) => {
      crosshair = to;
      crosshairMarker.setLngLat(to).addTo(map);
      keepInView(map, to);
      showDrawing(to);
      const closing = onFirstCorner(to) ? ', on the first corner: Enter closes the polygon' : '';
      announce(`Crosshair at ${placeOf(to)}${closing}; ${cornerCount()}`);
    };
    const dropCrosshair = () => {
      crosshair = null;
      crosshairMarker.remove();
    };
    const finish = () => {
      const closed = polygonCorners(corners, toScreen);
      if (closed.length < 3) {
        corners = closed;
        announce(`A polygon needs 3 corners or more; this one has ${closed.length}.`);
        return;
      }
      corners = [];
      dropCrosshair();
      showDraft(map, null);
      const coordinates = [[...closed, closed[0]!]];
      const problem = regionProblem({ type: 'Polygon', coordinates });
      if (problem) {
        // The message is an alert: read out on its own.
        useUi.getState().setMapMessage(`Polygon not added: ${problem}.`);
        announce('');
        return;
      }
      useUi.getState().setMapMessage(null);
      addDrawnRegion(coordinates);
      announce(`${(useWorkspace.getState().regions as RegionFeature[]).at(-1)?.properties.name ?? 'Region'} added.`);
    };

    const stopListening = listenTo(map, {
      click: (e) => {
        corners = [...corners, lngLatOf(e)];
        showDrawing(null);
      },
      mousemove: (e) => {
        if (crosshair) dropCrosshair();
        if (corners.length > 0) showDrawing(lngLatOf(e));
      },
      dblclick: (e) => {
        e.preventDefault();
        finish();
      },
    });
    const stopKeys = listenToMapKeys(map, (e) => {
      const step = arrowStep(e.key);
      const centre = (): LonLat => map.getCenter().toArray();
      if (step) {
        const size = e.shiftKey ? SHIFT_STEP_PX : STEP_PX;
        const from = crosshair && map.project(crosshair);
        moveCrosshair(from ? map.unproject([from.x + step[0] * size, from.y + step[1] * size]).toArray() : centre());
      } else if (e.key === 'Enter' || e.key === ' ') {
        if (crosshair && onFirstCorner(crosshair)) finish();
        else if (crosshair) {
          corners = [...corners, crosshair];
          showDrawing(crosshair);
          announce(`Corner ${corners.length} added at ${placeOf(crosshair)}.`);
        } else if (e.key === 'Enter' && corners.length > 0) finish();
        else moveCrosshair(centre());
      } else if (e.key === 'f' || e.key === 'F') finish();
      else if (e.key === 'Backspace') {
        if (corners.length === 0) return true;
        corners = corners.slice(0, -1);
        showDrawing(crosshair);
        announce(`Last corner taken back; ${cornerCount()}.`);
      } else return false;
      return true;
    });
    return () => {
      stopListening();
      stopKeys();
      crosshairMarker.remove();
      showDraft(map, null);
    };
  }, [map, active, announce]);
}

function placeOf(point: LonLat): string {
  const { lng, lat } = new maplibregl.LngLat(...point).wrap();
  return formatLatLon(lng, lat);
}

function crosshairElement(): HTMLElement {
  const element = document.createElement('div');
  element.className = 'map-crosshair';
  element.setAttribute('aria-hidden', 'true');
  return element;
}
