/** The workspace's regions, their labels (name and area) and their vertex handles. */
import type { Feature, FeatureCollection } from 'geojson';
import { useEffect } from 'react';
import { regionVertices } from '../map/geometry-draw.js';
import { setGeoJSON } from '../map/overlay-layers.js';
import { formatArea, regionAreaKm2, regionLabelPoint } from '../map/region-measure.js';
import { useWorkspace, type RegionFeature } from '../stores/workspace-store.js';
import type { LoadedMap } from './useMaplibreMap.js';

export function useRegionLayers({ map, styleLoads }: LoadedMap): void {
  const regions = useWorkspace((s) => s.regions);
  useEffect(() => {
    if (!map) return;
    setGeoJSON(map, 'regions', { type: 'FeatureCollection', features: regions as FeatureCollection['features'] });
    setGeoJSON(map, 'region-labels', regionLabels(regions as RegionFeature[]));
    setGeoJSON(map, 'region-vertices', { type: 'FeatureCollection', features: regionVertices(regions as RegionFeature[]) });
  }, [map, styleLoads, regions]);
}

function regionLabels(regions: RegionFeature[]): FeatureCollection {
  const features: Feature[] = [];
  for (const region of regions) {
    const point = regionLabelPoint(region.geometry);
    if (!point) continue;
    const area = regionAreaKm2(region.geometry);
    const label = `${region.properties.name}\n${area === null ? 'crosses itself' : formatArea(area)}`;
    features.push({ type: 'Feature', properties: { id: region.properties.id, label }, geometry: { type: 'Point', coordinates: point } });
  }
  return { type: 'FeatureCollection', features };
}
