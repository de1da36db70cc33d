/**
 * The map: offline basemap with place names, grid overlay for the view, planned tasks coloured
 * by datasets, picked tiles, regions (drawn or loaded) with their labels, preview layers, the
 * map tools, the cursor readout and a message line. State lives in the stores; the hooks mirror
 * it onto maplibre.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import { useRef } from 'react';
import { useFleetLayer } from '../hooks/useFleetLayer.js';
import { useGridOverlay } from '../hooks/useGridOverlay.js';
import { useInspectMarker } from '../hooks/useInspectMarker.js';
import { useObservationLayers } from '../hooks/useObservationLayers.js';
import { useMaplibreMap } from '../hooks/useMaplibreMap.js';
import { useMapTools } from '../hooks/useMapTools.js';
import { usePlaceLabels } from '../hooks/usePlaceLabels.js';
import { usePreviewLayers } from '../hooks/usePreviewLayers.js';
import { useRegionLayers } from '../hooks/useRegionLayers.js';
import { useTaskHover } from '../hooks/useTaskHover.js';
import { useTaskLayer } from '../hooks/useTaskLayer.js';
import { useViewRequests } from '../hooks/useViewRequests.js';
import { useUi } from '../stores/ui-store.js';
import { CursorReadout } from './CursorReadout.js';

const MAP_KEYS = [
  'Map. Keys: V pan and pick, R rectangle, P polygon, E edit region vertices, B box pick, I inspect, Escape cancels.',
  'Picking, once tiles are planned: arrow keys move a tile cursor, Enter picks or unpicks its tile.',
  'Polygon: arrow keys move a crosshair (Shift for longer steps), Enter or Space adds a corner, Enter on the first corner or F closes the polygon, Backspace takes back a corner.',
].join(' ');

export function MapView() {
  const container = useRef<HTMLDivElement>(null);
  const loaded = useMaplibreMap(container);
  const gridNote = useGridOverlay(loaded);
  usePlaceLabels(loaded);
  useViewRequests(loaded.map);
  useTaskLayer(loaded);
  useRegionLayers(loaded);
  usePreviewLayers(loaded);
  useFleetLayer(loaded);
  useInspectMarker(loaded);
  useObservationLayers(loaded);
  const { draggedVertex, announcement } = useMapTools(loaded);
  const hoverPoint = useTaskHover(loaded.map, draggedVertex);
  const hover = useUi((s) => s.hover);
  const mapMessage = useUi((s) => s.mapMessage);

  return (
    <div className="map-wrap">
      <div ref={container} className="map" data-testid="map" tabIndex={0} aria-label={MAP_KEYS} />
      <div className="map-announcement" aria-live="polite" data-testid="map-announcement">
        {announcement}
      </div>
      {gridNote && <div className="map-note" role="status">{gridNote}</div>}
      {mapMessage && (
        <div className="map-message" role="alert" data-testid="map-message">
          {mapMessage}
          <button type="button" aria-label="Dismiss the message" onClick={() => useUi.getState().setMapMessage(null)}>
            ×
          </button>
        </div>
      )}
      <CursorReadout map={loaded.map} />
      {hover && hoverPoint && (
        <div className="hover-card" data-testid="hover-card" style={{ left: hoverPoint.x + 14, top: hoverPoint.y + 14 }}>
          <strong>
            Tile {hover.x},{hover.y}
          </strong>
          <div>Period {hover.period}</div>
          <div>
            {hover.datasets} datasets · {hover.days} days
          </div>
        </div>
      )}
    </div>
  );
}
