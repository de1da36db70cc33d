/**
 * Preview layers: an image source and a raster layer each, under the task outlines in the order
 * of the layer list (its top drawn on top). While a swipe is on, its two layers are drawn cut at
 * the divider, each on its own side of it.
 */
import type maplibregl from 'maplibre-gl';
import type { ImageSource } from 'maplibre-gl';
import { useEffect, useState } from 'react';
import type { PreviewImage } from '../../shared/api.js';
import { addOrderedLayer, type PreviewLayerId } from '../map/overlay-layers.js';
import { cropAtMeridian, cropImage, decodeImage, type SwipeSide } from '../map/swipe-crop.js';
import { groupIdOfLayer, swipeOver, usePreviews, type PreviewLayer, type Swipe } from '../stores/preview-store.js';
import type { LoadedMap } from './useMaplibreMap.js';

/** What a swiped layer shows: part of its image, or nothing where the divider leaves none of it on its side. */
type SwipedImage = Pick<PreviewImage, 'url' | 'coordinates'> | 'none';

export function usePreviewLayers({ map, styleLoads }: LoadedMap): void {
  const layers = usePreviews((s) => s.layers);
  const outputs = usePreviews((s) => s.outputs);
  const hiddenGroups = usePreviews((s) => s.hiddenGroups);
  // Layers replaced from outside the store's actions (a project opened) end the swipe.
  const swipe = swipeOver(usePreviews((s) => s.swipe), layers);
  const swiped = useSwipedImages(map, layers, swipe);

  useEffect(() => {
    if (!map) return;
    const drawn: PreviewLayerId[] = [];
    for (const layer of layers) {
      if (!layer.image) continue;
      const id: PreviewLayerId = `preview:${layer.id}`;
      drawn.push(id);
      const part = swiped[layer.id];
      const image = part && part !== 'none' ? part : layer.image;
      const source = map.getSource<ImageSource>(id);
      if (!source) {
        map.addSource(id, { type: 'image', url: image.url, coordinates: image.coordinates });
        addOrderedLayer(map, { id, type: 'raster', source: id, paint: { 'raster-opacity': layer.opacity, 'raster-resampling': 'nearest', 'raster-fade-duration': 0 } });
      } else if (source.url !== image.url) {
        source.updateImage({ url: image.url, coordinates: image.coordinates });
      }
      const inSwipe = swipe !== null && (swipe.left === layer.id || swipe.right === layer.id);
      const shown = inSwipe ? part !== 'none' : layer.visible && !hiddenGroups.includes(groupIdOfLayer(layer, outputs));
      map.setPaintProperty(id, 'raster-opacity', layer.opacity);
      map.setLayoutProperty(id, 'visibility', shown ? 'visible' : 'none');
    }
    for (const id of map.getLayersOrder()) {
      if (id.startsWith('preview:') && !drawn.includes(id as PreviewLayerId)) {
        map.removeLayer(id);
        map.removeSource(id);
      }
    }
    drawInListOrder(map, drawn);
  }, [map, styleLoads, layers, outputs, hiddenGroups, swipe, swiped]);
}

/** Stacks the preview layers so that the first of `listed` is on top, where the previews' slot is. */
function drawInListOrder(map: maplibregl.Map, listed: PreviewLayerId[]): void {
  const order = map.getLayersOrder();
  const onMap = order.filter((id) => id.startsWith('preview:'));
  const wanted = [...listed].reverse();
  if (onMap.every((id, i) => id === wanted[i])) return;
  // Our previews sit together in their slot: the first layer above the last of them bounds it.
  const lastPreview = order.lastIndexOf(onMap[onMap.length - 1]!);
  let above = order.slice(lastPreview + 1).find((id) => !id.startsWith('preview:'));
  for (const id of listed) {
    map.moveLayer(id, above);
    above = id;
  }
}

/**
 * The parts of the swiped layers' images on their sides of the divider, cut again as the map
 * moves or the divider does (once a frame at most); none while no swipe is on.
 */
function useSwipedImages(map: maplibregl.Map | null, layers: PreviewLayer[], swipe: Swipe | null): Record<string, SwipedImage> {
  const [swiped, setSwiped] = useState<{ parts: Record<string, SwipedImage>; left: string; right: string } | null>(null);
  useEffect(() => {
    if (!map || !swipe) return;
    const sides: Array<[PreviewLayer, SwipeSide]> = [];
    for (const [id, side] of [
      [swipe.left, 'left'],
      [swipe.right, 'right'],
    ] as const) {
      const layer = layers.find((l) => l.id === id);
      if (layer?.image) sides.push([layer, side]);
    }
    let frame = 0;
    let current = true;
    const cut = async () => {
      frame = 0;
      const container = map.getContainer();
      const lon = map.unproject([swipe.position * container.clientWidth, container.clientHeight / 2]).lng;
      const parts: Record<string, SwipedImage> = {};
      for (const [layer, side] of sides) {
        const image = await decodeImage(layer.image!.url);
        const crop = cropAtMeridian(layer.image!.coordinates, image.naturalWidth, lon, side);
        parts[layer.id] = crop ? { url: croppedUrl(layer.image!.url, image, crop.from, crop.to), coordinates: crop.coordinates } : 'none';
      }
      if (current) setSwiped({ parts, left: swipe.left, right: swipe.right });
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(() => void cut());
    };
    schedule();
    map.on('move', schedule);
    map.on('resize', schedule);
    return () => {
      current = false;
      cancelAnimationFrame(frame);
      map.off('move', schedule);
      map.off('resize', schedule);
    };
  }, [map, layers, swipe]);
  // The cuts of an earlier swipe, of other layers, are no parts of this one's.
  return swipe && swiped?.left === swipe.left && swiped.right === swipe.right ? swiped.parts : NO_PARTS;
}

const NO_PARTS: Record<string, SwipedImage> = {};

const cropped = new Map<string, string>();
/** The crops of the last few cuts: a divider held still or moved within a column cuts nothing again. */
const CROPS_KEPT = 16;

function croppedUrl(url: string, image: HTMLImageElement, from: number, to: number): string {
  const key = `${from}:${to}:${url}`;
  let crop = cropped.get(key);
  if (!crop) {
    crop = cropImage(image, from, to);
    cropped.set(key, crop);
    for (const old of [...cropped.keys()].slice(0, -CROPS_KEPT)) cropped.delete(old);
  }
  return crop;
}
