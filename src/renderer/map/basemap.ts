/**
 * The offline basemap: Natural Earth countries (world-atlas, 1:50m) bundled with the app, drawn
 * as land, borders and coastlines. No tiles or glyphs from the internet; a style URL in the
 * settings replaces it for users who are online.
 */
import type { StyleSpecification } from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries50m from 'world-atlas/countries-50m.json' with { type: 'json' };

let cached: StyleSpecification | undefined;

export function offlineStyle(): StyleSpecification {
  if (cached) return cached;
  const topology = countries50m as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
  const land = feature(topology, topology.objects.land);
  const borders = mesh(topology, topology.objects.countries, (a, b) => a !== b);
  cached = {
    version: 8,
    sources: {
      land: { type: 'geojson', data: land as GeoJSON.GeoJSON },
      borders: { type: 'geojson', data: borders as GeoJSON.GeoJSON },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#c9dbe8' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#f3f1ea' } },
      { id: 'coast', type: 'line', source: 'land', paint: { 'line-color': '#7f9bb0', 'line-width': 0.8 } },
      { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#a08f7a', 'line-width': 0.8, 'line-dasharray': [3, 2] } },
    ],
  };
  return cached;
}
