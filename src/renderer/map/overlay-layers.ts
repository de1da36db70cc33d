/**
 * Our sources and layers on the map, above the basemap. Each layer is added at its place in
 * LAYER_ORDER, whenever it is added: the overlays at each style load, previews as they come.
 */
import type maplibregl from 'maplibre-gl';
import type { AddLayerObject, GeoJSONSource } from 'maplibre-gl';
import type { FeatureCollection, Geometry, LineString, Polygon } from 'geojson';

export const EMPTY_COLLECTION: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Our layers, bottom to top. `previews` stands for every preview raster (ids `preview:…`); an input observation's images go over them. */
export const LAYER_ORDER = [
  'tasks-fill',
  'previews',
  'observation-rgb',
  'observation-classes',
  'observation-masked',
  'grid-line',
  'tasks-line',
  'tasks-picked',
  'place-labels',
  'regions-fill',
  'regions-line',
  'region-labels',
  'region-vertices',
  'draft-fill',
  'draft-line',
  'inspect-point',
] as const;

export type PreviewLayerId = `preview:${string}`;
type OverlayLayerId = Exclude<(typeof LAYER_ORDER)[number], 'previews'> | PreviewLayerId;

const GEOJSON_SOURCES = ['grid', 'tasks', 'places', 'regions', 'region-labels', 'region-vertices', 'draft', 'inspect'] as const;
type GeoJSONSourceId = (typeof GEOJSON_SOURCES)[number];

const OVERLAY_LAYERS: Array<AddLayerObject & { id: OverlayLayerId }> = [
  { id: 'tasks-fill', type: 'fill', source: 'tasks', paint: { 'fill-color': '#41b6c4', 'fill-opacity': 0.45 } },
  { id: 'grid-line', type: 'line', source: 'grid', paint: { 'line-color': '#55606e', 'line-width': 0.6, 'line-opacity': 0.7 } },
  { id: 'tasks-line', type: 'line', source: 'tasks', paint: { 'line-color': '#253494', 'line-width': 1 } },
  { id: 'tasks-picked', type: 'line', source: 'tasks', filter: ['==', ['get', 'picked'], true], paint: { 'line-color': '#c51b8a', 'line-width': 3.5 } },
  {
    // Text is drawn from the system's sans-serif font (the offline style names no glyph server,
    // so maplibre renders glyphs locally); the font name only sets the weight.
    id: 'place-labels',
    type: 'symbol',
    source: 'places',
    minzoom: 5,
    filter: ['>=', ['zoom'], ['get', 'minzoom']],
    layout: {
      'text-field': ['get', 'name'],
      'text-font': ['Noto Sans Regular'],
      'text-size': ['step', ['get', 'minzoom'], 14, 6, 13, 7, 12, 8, 11],
      'text-max-width': 8,
      'text-padding': 6,
      'symbol-sort-key': ['get', 'rank'],
    },
    paint: { 'text-color': '#3b3a36', 'text-halo-color': 'rgba(255, 255, 255, 0.85)', 'text-halo-width': 1.2 },
  },
  { id: 'regions-fill', type: 'fill', source: 'regions', paint: { 'fill-color': '#d95f0e', 'fill-opacity': 0.08 } },
  { id: 'regions-line', type: 'line', source: 'regions', paint: { 'line-color': '#d95f0e', 'line-width': 2, 'line-dasharray': [3, 1.5] } },
  {
    id: 'region-labels',
    type: 'symbol',
    source: 'region-labels',
    layout: { 'text-field': ['get', 'label'], 'text-font': ['Noto Sans Bold'], 'text-size': 12, 'text-allow-overlap': true, 'text-max-width': 14 },
    paint: { 'text-color': '#a63603', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
  },
  {
    id: 'region-vertices',
    type: 'circle',
    source: 'region-vertices',
    layout: { visibility: 'none' },
    paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-color': '#d95f0e', 'circle-stroke-width': 2 },
  },
  { id: 'draft-fill', type: 'fill', source: 'draft', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#3182bd', 'fill-opacity': 0.15 } },
  { id: 'draft-line', type: 'line', source: 'draft', paint: { 'line-color': '#3182bd', 'line-width': 2, 'line-dasharray': [2, 1] } },
  {
    id: 'inspect-point',
    type: 'circle',
    source: 'inspect',
    paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-color': '#d7301f', 'circle-stroke-width': 3 },
  },
];

/** A layer's place in LAYER_ORDER; -1 for the basemap's layers. */
function orderOf(layerId: string): number {
  return LAYER_ORDER.indexOf((layerId.startsWith('preview:') ? 'previews' : layerId) as (typeof LAYER_ORDER)[number]);
}

/** Adds one of our layers under the first layer on the map that comes later in LAYER_ORDER. */
export function addOrderedLayer(map: maplibregl.Map, layer: AddLayerObject & { id: OverlayLayerId }): void {
  const order = orderOf(layer.id);
  map.addLayer(
    layer,
    map.getLayersOrder().find((id) => orderOf(id) > order),
  );
}

/**
 * Sets the data of one of our GeoJSON sources, adding the source where the style has none yet.
 * A removed map (it has no style) is left alone: when the map's view unmounts, the map is
 * removed before the tools' clean-ups, which clear what they drew, run.
 */
export function setGeoJSON(map: maplibregl.Map, id: GeoJSONSourceId, data: FeatureCollection): void {
  if (!(map.style as maplibregl.Map['style'] | undefined)) return;
  const source = map.getSource<GeoJSONSource>(id);
  if (source) source.setData(data);
  else map.addSource(id, { type: 'geojson', data });
}

/** A collection of one feature without properties. */
export function featureOf(geometry: Geometry): FeatureCollection {
  return { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry }] };
}

/** Shows the shape being drawn (a rectangle, the line through a polygon's points), or nothing. */
export function showDraft(map: maplibregl.Map, shape: Polygon | LineString | null): void {
  setGeoJSON(map, 'draft', shape ? featureOf(shape) : EMPTY_COLLECTION);
}

/** Our empty sources and every overlay layer, on a freshly loaded style. */
export function addOverlayLayers(map: maplibregl.Map): void {
  for (const id of GEOJSON_SOURCES) setGeoJSON(map, id, EMPTY_COLLECTION);
  for (const layer of OVERLAY_LAYERS) addOrderedLayer(map, layer);
}
