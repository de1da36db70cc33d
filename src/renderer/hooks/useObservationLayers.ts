/** The input browser's day on the map: its true colour, mask classes and filtered mask, each an image layer of its own. */
import type { ImageSource } from 'maplibre-gl';
import { useEffect } from 'react';
import { addOrderedLayer } from '../map/overlay-layers.js';
import { useStory } from '../stores/story-store.js';
import type { LoadedMap } from './useMaplibreMap.js';

const IMAGES = ['rgb', 'classes', 'masked'] as const;

export function useObservationLayers({ map, styleLoads }: LoadedMap): void {
  const view = useStory((s) => s.view);
  const shown = useStory((s) => s.shown);
  useEffect(() => {
    if (!map) return;
    for (const image of IMAGES) {
      const id = `observation-${image}` as const;
      const url = view?.[image];
      const source = map.getSource<ImageSource>(id);
      if (!view || !url) {
        if (source) {
          map.removeLayer(id);
          map.removeSource(id);
        }
        continue;
      }
      if (!source) {
        map.addSource(id, { type: 'image', url, coordinates: view.coordinates });
        addOrderedLayer(map, { id, type: 'raster', source: id, paint: { 'raster-resampling': 'nearest', 'raster-fade-duration': 0 } });
      } else if (source.url !== url) {
        source.updateImage({ url, coordinates: view.coordinates });
      }
      map.setLayoutProperty(id, 'visibility', shown[image] ? 'visible' : 'none');
    }
  }, [map, styleLoads, view, shown]);
}
