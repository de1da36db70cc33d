/**
 * The watched run's tiles coloured by their state in the fleet (fleet-store), as a layer of its
 * own above the planned tasks and previews; a click on one selects it for the Publish panel.
 */
import type maplibregl from 'maplibre-gl';
import type { GeoJSONSource } from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import { useEffect } from 'react';
import { tileFootprintLonLat } from '../../shared/geometry.js';
import { parseGrid } from '../../shared/grid.js';
import { fleetColourExpression } from '../map/fleet-colours.js';
import { fleetTileViews, useFleet } from '../stores/fleet-store.js';
import { usePlan } from '../stores/plan-store.js';
import { listenTo } from './map-events.js';
import type { LoadedMap } from './useMaplibreMap.js';

const SOURCE = 'fleet';
const FILL = 'fleet-fill';
const LINE = 'fleet-line';
/** Our layer that the fleet's tiles are drawn under: the grid's lines stay visible over them. */
const BELOW = 'grid-line';

function addFleetLayers(map: maplibregl.Map): void {
  if (!map.getSource(SOURCE)) map.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  const before = map.getLayer(BELOW) ? BELOW : undefined;
  if (!map.getLayer(FILL)) map.addLayer({ id: FILL, type: 'fill', source: SOURCE, paint: { 'fill-color': fleetColourExpression, 'fill-opacity': 0.55 } }, before);
  if (!map.getLayer(LINE)) map.addLayer({ id: LINE, type: 'line', source: SOURCE, paint: { 'line-color': fleetColourExpression, 'line-width': 2 } }, before);
}

export function useFleetLayer({ map, styleLoads }: LoadedMap): void {
  const status = useFleet((s) => s.status);
  const grid = usePlan((s) => s.tasks?.grid ?? null);

  useEffect(() => {
    if (!map) return;
    addFleetLayers(map);
    const data: FeatureCollection = { type: 'FeatureCollection', features: [] };
    if (status && grid) {
      const spec = parseGrid(grid);
      data.features = fleetTileViews(status).map((tile) => ({
        type: 'Feature',
        properties: { task: tile.task, state: tile.state },
        geometry: tileFootprintLonLat(spec, { x: tile.x, y: tile.y }, 8) as Feature['geometry'],
      }));
    }
    map.getSource<GeoJSONSource>(SOURCE)!.setData(data);
  }, [map, styleLoads, status, grid]);

  useEffect(() => {
    if (!map) return;
    return listenTo(map, {
      click: (e) => {
        if (!map.getLayer(FILL)) return;
        const hit = map.queryRenderedFeatures(e.point, { layers: [FILL] })[0];
        if (hit) useFleet.getState().select(String(hit.properties['task']));
      },
    });
  }, [map]);
}
