/** The workspace's regions and their vertex handles. */
import type { FeatureCollection } from 'geojson';
import { useEffect } from 'react';
import { regionVertices } from '../map/geometry-draw.js';
import { setGeoJSON } from '../map/overlay-layers.js';
import { useWorkspace, type RegionFeature } from '../stores/workspace-store.js';
import type { LoadedMap } from './useMaplibreMap.js';

export function useRegionLayers({ map, styleLoads }: LoadedMap): void {
  const regions = useWorkspace((s) => s.regions);
  useEffect(() => {
    if (!map) return;
    setGeoJSON(map, 'regions', { type: 'FeatureCollection', features: regions as FeatureCollection['features'] });
    setGeoJSON(map, 'region-vertices', { type: 'FeatureCollection', features: regionVertices(regions as RegionFeature[]) });
  }, [map, styleLoads, regions]);
}
