/** Preview layers: an image source and a raster layer each, at their place under the task outlines. */
import type { ImageSource } from 'maplibre-gl';
import { useEffect } from 'react';
import { addOrderedLayer, type PreviewLayerId } from '../map/overlay-layers.js';
import { usePreviews } from '../stores/preview-store.js';
import type { LoadedMap } from './useMaplibreMap.js';

export function usePreviewLayers({ map, styleLoads }: LoadedMap): void {
  const layers = usePreviews((s) => s.layers);
  useEffect(() => {
    if (!map) return;
    const wanted = new Set<string>();
    for (const layer of layers) {
      if (!layer.image) continue;
      const id: PreviewLayerId = `preview:${layer.id}`;
      wanted.add(id);
      const source = map.getSource<ImageSource>(id);
      if (!source) {
        map.addSource(id, { type: 'image', url: layer.image.url, coordinates: layer.image.coordinates });
        addOrderedLayer(map, { id, type: 'raster', source: id, paint: { 'raster-opacity': layer.opacity, 'raster-resampling': 'nearest', 'raster-fade-duration': 0 } });
      } else if (source.url !== layer.image.url) {
        source.updateImage({ url: layer.image.url, coordinates: layer.image.coordinates });
      }
      map.setPaintProperty(id, 'raster-opacity', layer.opacity);
      map.setLayoutProperty(id, 'visibility', layer.visible ? 'visible' : 'none');
    }
    for (const id of map.getLayersOrder()) {
      if (id.startsWith('preview:') && !wanted.has(id)) {
        map.removeLayer(id);
        map.removeSource(id);
      }
    }
  }, [map, styleLoads, layers]);
}
