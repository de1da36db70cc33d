/** The tiles of the workspace's grid in the view: outlines, labels, and a note when there are too many to draw. */
import maplibregl from 'maplibre-gl';
import { useEffect, useMemo, useRef } from 'react';
import { gridOverlay } from '../map/grid-overlay.js';
import { setGeoJSON } from '../map/overlay-layers.js';
import { useUi } from '../stores/ui-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import type { LoadedMap } from './useMaplibreMap.js';

/** Returns the note to show over the map, or null. */
export function useGridOverlay({ map, styleLoads }: LoadedMap): string | null {
  const grid = useWorkspace((s) => s.grid);
  const viewBounds = useUi((s) => s.viewBounds);
  const labels = useRef<maplibregl.Marker[]>([]);
  const overlay = useMemo(() => (viewBounds ? gridOverlay(grid, viewBounds) : null), [grid, viewBounds]);

  useEffect(() => {
    if (!map || !overlay) return;
    setGeoJSON(map, 'grid', overlay.outlines);
    for (const marker of labels.current) marker.remove();
    labels.current = overlay.labels.map(({ label, lon, lat }) => {
      const element = document.createElement('div');
      element.className = 'grid-label';
      element.textContent = label;
      return new maplibregl.Marker({ element }).setLngLat([lon, lat]).addTo(map);
    });
  }, [map, styleLoads, overlay]);

  if (!map || !overlay?.tooMany) return null;
  return `Grid ${overlay.grid}: zoom in to see its tiles (${overlay.count.toLocaleString()} in view)`;
}
