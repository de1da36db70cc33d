/**
 * Place names on the offline basemap, from the bundled gazetteer, read the first time the map
 * zooms in far enough to label places; the places around the view are given to the map after
 * each move. An online basemap has labels of its own: none are added to it.
 */
import type maplibregl from 'maplibre-gl';
import { useEffect, useState } from 'react';
import { loadGazetteer } from '../map/gazetteer-data.js';
import { placeFeatures, placesInView, type Place } from '../map/gazetteer.js';
import { EMPTY_COLLECTION, setGeoJSON } from '../map/overlay-layers.js';
import { useUi } from '../stores/ui-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import type { LoadedMap } from './useMaplibreMap.js';

/** The zoom of the place-labels layer's first labels, a little before which the gazetteer is read. */
const LABELS_FROM_ZOOM = 5;

export function usePlaceLabels({ map, styleLoads }: LoadedMap): void {
  const offline = useWorkspace((s) => !s.settings.basemapStyleUrl);
  const [places, setPlaces] = useState<Place[] | null>(null);

  useEffect(() => {
    if (!map || !offline || places) return;
    let wanted = false;
    const readWhenZoomedIn = () => {
      if (wanted || map.getZoom() < LABELS_FROM_ZOOM - 0.5) return;
      wanted = true;
      loadGazetteer().then(setPlaces, (e: unknown) => useUi.getState().setMapMessage(`Place names could not be read: ${(e as Error).message}`));
    };
    readWhenZoomedIn();
    map.on('zoomend', readWhenZoomedIn);
    return () => {
      map.off('zoomend', readWhenZoomedIn);
    };
  }, [map, offline, places]);

  useEffect(() => {
    if (!map) return;
    if (!offline || !places) {
      setGeoJSON(map, 'places', EMPTY_COLLECTION);
      return;
    }
    const show = () => setGeoJSON(map, 'places', placeFeatures(placesInView(places, viewBox(map), map.getZoom())));
    show();
    map.on('moveend', show);
    return () => {
      map.off('moveend', show);
    };
  }, [map, styleLoads, offline, places]);
}

function viewBox(map: maplibregl.Map): [number, number, number, number] {
  const b = map.getBounds();
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
}
