/** Moves the map where a panel or the search asked (useUi.showOnMap), with a pin on a point searched for. */
import maplibregl from 'maplibre-gl';
import { useEffect, useRef } from 'react';
import { useUi } from '../stores/ui-store.js';

export function useViewRequests(map: maplibregl.Map | null): void {
  const request = useUi((s) => s.viewRequest);
  // A request made before this map existed (for an earlier map) is not followed.
  const followed = useRef(useUi.getState().viewRequest?.seq ?? 0);
  const pin = useRef<maplibregl.Marker | null>(null);

  useEffect(() => {
    if (!map || !request || request.seq <= followed.current) return;
    followed.current = request.seq;
    pin.current?.remove();
    pin.current = null;
    if ('bounds' in request) {
      map.fitBounds(request.bounds, { padding: 60, maxZoom: request.maxZoom ?? 14, duration: 600 });
    } else {
      map.flyTo({ center: request.centre, zoom: request.zoom, duration: 1200 });
      if (request.marker) pin.current = new maplibregl.Marker({ color: '#d7301f' }).setLngLat(request.centre).addTo(map);
    }
  }, [map, request]);

  useEffect(
    () => () => {
      pin.current?.remove();
    },
    [map],
  );
}
