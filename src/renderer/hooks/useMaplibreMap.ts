/**
 * The maplibre map in a container: created once, restyled when the basemap URL changes, its
 * view published to the stores after each move.
 */
import maplibregl from 'maplibre-gl';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { offlineStyle } from '../map/basemap.js';
import { addOverlayLayers } from '../map/overlay-layers.js';
import { useUi } from '../stores/ui-store.js';
import { useWorkspace } from '../stores/workspace-store.js';

declare global {
  interface Window {
    /** The map, for end-to-end tests that need to turn lon/lat into screen points. */
    odcStatsMap?: maplibregl.Map;
  }
}

export interface LoadedMap {
  /** Null until the first style has loaded. */
  map: maplibregl.Map | null;
  /** Counts style loads, so that overlays are synced again after a restyle. */
  styleLoads: number;
}

export function useMaplibreMap(container: RefObject<HTMLDivElement | null>): LoadedMap {
  const [loaded, setLoaded] = useState<LoadedMap>({ map: null, styleLoads: 0 });
  const basemapUrl = useWorkspace((s) => s.settings.basemapStyleUrl);

  useEffect(() => {
    const view = useWorkspace.getState().view;
    const map = new maplibregl.Map({
      container: container.current!,
      style: useWorkspace.getState().settings.basemapStyleUrl || offlineStyle(),
      center: view?.center ?? [20, 0],
      zoom: view?.zoom ?? 2,
      boxZoom: false,
      doubleClickZoom: false,
      attributionControl: { compact: true, customAttribution: 'Natural Earth · GeoNames (CC BY 4.0)' },
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({}), 'bottom-right');
    window.odcStatsMap = map;
    map.on('load', () => {
      addOverlayLayers(map);
      publishView(map);
      setLoaded({ map, styleLoads: 1 });
    });
    map.on('moveend', () => publishView(map));
    return () => {
      window.odcStatsMap = undefined;
      map.remove();
    };
  }, [container]);

  // A changed basemap URL restyles the map; the overlays are added again on the new style.
  // Not when the map first loads: it is the URL, not the map, that must have changed.
  const { map } = loaded;
  const lastBasemapUrl = useRef(basemapUrl);
  useEffect(() => {
    if (basemapUrl === lastBasemapUrl.current) return;
    lastBasemapUrl.current = basemapUrl;
    if (!map) return;
    map.setStyle(basemapUrl || offlineStyle(), { diff: false });
    map.once('style.load', () => {
      addOverlayLayers(map);
      setLoaded((l) => ({ ...l, styleLoads: l.styleLoads + 1 }));
    });
  }, [map, basemapUrl]);

  return loaded;
}

function publishView(map: maplibregl.Map): void {
  const b = map.getBounds();
  useUi.getState().setViewBounds([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
  const c = map.getCenter();
  useWorkspace.getState().update({ view: { center: [c.lng, c.lat], zoom: map.getZoom() } });
}
