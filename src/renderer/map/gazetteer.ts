/** The offline gazetteer (GeoNames populated places, see docs/map.md): reading it, labelling the map with it, finding a place by name. */
import type { FeatureCollection } from 'geojson';

export interface Place {
  name: string;
  /** ISO 3166 two-letter code. */
  country: string;
  lon: number;
  lat: number;
  population: number;
  /** The name as foldName writes it, for matching. */
  key: string;
}

/** The places of the gazetteer's text (scripts/gazetteer/gazetteer-plugin.ts writes it), in its order: most populous first. */
export function parseGazetteer(text: string): Place[] {
  const places: Place[] = [];
  for (const line of text.split('\n')) {
    const [name, country, lon, lat, population] = line.split('\t');
    if (!name || country === undefined || lon === undefined || lat === undefined || population === undefined) continue;
    places.push({ name, country, lon: Number(lon) / 1000, lat: Number(lat) / 1000, population: Number(population), key: foldName(name) });
  }
  return places;
}

/**
 * The zoom from which a place is labelled: a city of half a million from 5, a town of a few
 * thousand from 8. Symbols of one layer compete for room, the most populous placed first.
 */
export function placeMinZoom(population: number): number {
  if (population >= 500_000) return 5;
  if (population >= 100_000) return 6;
  if (population >= 20_000) return 7;
  return 8;
}

/**
 * The places worth giving the map for a view [west, south, east, north] at a zoom: those in the
 * view and half its size again on each side, labelled by the next zoom level at the latest, the
 * most populous `cap`. Giving maplibre a few hundred points at each move, rather than the whole
 * gazetteer once, keeps its tiling of them instant.
 */
export function placesInView(places: readonly Place[], [w, s, e, n]: readonly [number, number, number, number], zoom: number, cap = 2000): Place[] {
  const latestZoom = Math.floor(zoom) + 1;
  const [dx, dy] = [(e - w) / 2, (n - s) / 2];
  const [west, east, south, north] = [w - dx, e + dx, s - dy, n + dy];
  const allLongitudes = east - west >= 360;
  const kept: Place[] = [];
  for (const p of places) {
    if (placeMinZoom(p.population) > latestZoom || p.lat < south || p.lat > north) continue;
    // The place's longitude moved by whole turns to the first at or east of the west edge.
    if (!allLongitudes && west + ((((p.lon - west) % 360) + 360) % 360) > east) continue;
    kept.push(p);
    if (kept.length === cap) break;
  }
  return kept;
}

/** The places as map points carrying their name, the zoom they appear from and a sort key (the most populous first). */
export function placeFeatures(places: readonly Place[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: places.map((p, rank) => ({
      type: 'Feature',
      properties: { name: p.name, minzoom: placeMinZoom(p.population), rank },
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
    })),
  };
}

/** Lower case, accents and apostrophes dropped, runs of spaces and dashes as one space: "Murang’a" finds "muranga". */
export function foldName(text: string): string {
  // Most names are ASCII: decomposing them is the slow part of reading the gazetteer.
  const plain = /^[\x20-\x7e]*$/.test(text) ? text : text.normalize('NFD').replace(/\p{M}/gu, '');
  return plain
    .toLowerCase()
    .replace(/['’ʼ`.]/g, '')
    .replace(/[\s\-_]+/g, ' ')
    .trim();
}

/**
 * Places matching a typed name, best first: whole-name matches, then names starting with it,
 * then names with a word starting with it; within each, the most populous first. "Name, KE"
 * keeps the places of one country.
 */
export function findPlaces(places: readonly Place[], query: string, limit = 8): Place[] {
  const countryMatch = /^(.*?),\s*([A-Za-z]{2})$/.exec(query.trim());
  const country = countryMatch ? countryMatch[2]!.toUpperCase() : undefined;
  const wanted = foldName(countryMatch ? countryMatch[1]! : query);
  if (!wanted) return [];
  const tiers: Place[][] = [[], [], []];
  for (const place of places) {
    if (country !== undefined && place.country !== country) continue;
    const { key } = place;
    const tier = key === wanted ? 0 : key.startsWith(wanted) ? 1 : key.includes(` ${wanted}`) ? 2 : -1;
    if (tier >= 0 && tiers[tier]!.length < limit) tiers[tier]!.push(place);
  }
  return tiers.flat().slice(0, limit);
}
