import type maplibregl from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { addOrderedLayer, addOverlayLayers, EMPTY_COLLECTION, LAYER_ORDER, setGeoJSON } from './overlay-layers.js';

/** The part of a maplibre map that layers and GeoJSON sources touch: layer ids in order, sources' data. */
function fakeMap() {
  const layers: string[] = ['basemap-land', 'basemap-borders'];
  const sources = new Map<string, { data: unknown; setData(data: unknown): void }>();
  const map = {
    layers,
    sources,
    style: {} as object | undefined,
    getLayersOrder: () => [...layers],
    addLayer: (layer: { id: string }, before?: string) => layers.splice(before === undefined ? layers.length : layers.indexOf(before), 0, layer.id),
    getSource: (id: string) => sources.get(id),
    addSource: (id: string, source: { data: unknown }) => {
      const entry = { data: source.data, setData: (data: unknown) => (entry.data = data) };
      sources.set(id, entry);
    },
  };
  return map as typeof map & maplibregl.Map;
}

describe('overlay layers', () => {
  it('take their place in LAYER_ORDER whatever order they are added in', () => {
    const map = fakeMap();
    for (const id of ['inspect-point', 'tasks-fill', 'regions-line', 'grid-line'] as const) addOrderedLayer(map, { id, type: 'line', source: 'x' });
    addOrderedLayer(map, { id: 'preview:a', type: 'raster', source: 'preview:a' });
    expect(map.layers).toEqual(['basemap-land', 'basemap-borders', 'tasks-fill', 'preview:a', 'grid-line', 'regions-line', 'inspect-point']);
  });

  it('go above the basemap in LAYER_ORDER, previews under the grid, each new preview above the last', () => {
    const map = fakeMap();
    addOverlayLayers(map);
    addOrderedLayer(map, { id: 'preview:a', type: 'raster', source: 'preview:a' });
    addOrderedLayer(map, { id: 'preview:b', type: 'raster', source: 'preview:b' });
    // The input browser's images come and go with the day chosen: none is there until one is.
    const ours = LAYER_ORDER.filter((slot) => !slot.startsWith('observation-')).flatMap((slot) => (slot === 'previews' ? ['preview:a', 'preview:b'] : [slot]));
    expect(map.layers).toEqual(['basemap-land', 'basemap-borders', ...ours]);
  });

  it("draw an input observation's images over the previews and under the grid, its mask over its colours", () => {
    const map = fakeMap();
    for (const id of ['grid-line', 'observation-masked', 'tasks-fill', 'observation-rgb'] as const) addOrderedLayer(map, { id, type: 'line', source: 'x' });
    addOrderedLayer(map, { id: 'preview:a', type: 'raster', source: 'preview:a' });
    expect(map.layers).toEqual(['basemap-land', 'basemap-borders', 'tasks-fill', 'preview:a', 'observation-rgb', 'observation-masked', 'grid-line']);
  });

  it('set the data of a GeoJSON source, adding it when the style has none', () => {
    const map = fakeMap();
    const data = { type: 'FeatureCollection' as const, features: [] };
    setGeoJSON(map, 'tasks', EMPTY_COLLECTION);
    setGeoJSON(map, 'tasks', data);
    expect(map.sources.get('tasks')?.data).toBe(data);
  });

  it('leave a removed map alone (a tool clearing its drawing after the map went)', () => {
    const map = fakeMap();
    // What maplibre's remove() leaves.
    (map as { style?: unknown }).style = undefined;
    setGeoJSON(map, 'draft', EMPTY_COLLECTION);
    expect(map.sources.size).toBe(0);
  });
});
