import { describe, expect, it } from 'vitest';
import { findPlaces, foldName, parseGazetteer, placeFeatures, placeMinZoom, placesInView } from './gazetteer.js';

const TEXT = ['Nairobi\tKE\t36817\t-1283\t2750547', 'Nakuru\tKE\t36067\t-303\t570674', 'Murang’a\tKE\t37150\t-717\t11987', 'Nakuru\tXX\t1000\t1000\t3000', 'Lake Nakuru Town\tKE\t36100\t-400\t2500', ''].join('\n');

describe('the gazetteer', () => {
  const places = parseGazetteer(TEXT);

  it('reads places in thousandths of a degree', () => {
    expect(places).toHaveLength(5);
    expect(places[0]).toEqual({ name: 'Nairobi', country: 'KE', lon: 36.817, lat: -1.283, population: 2_750_547, key: 'nairobi' });
  });

  it('finds whole names first, then names starting with the text, then words; the most populous first in each', () => {
    expect(findPlaces(places, 'nakuru').map((p) => `${p.name} ${p.country}`)).toEqual(['Nakuru KE', 'Nakuru XX', 'Lake Nakuru Town KE']);
    expect(findPlaces(places, 'Nak', 1).map((p) => p.name)).toEqual(['Nakuru']);
    expect(findPlaces(places, 'Nakuru, xx').map((p) => p.country)).toEqual(['XX']);
    expect(findPlaces(places, 'muranga').map((p) => p.name)).toEqual(['Murang’a']);
    expect(findPlaces(places, 'Atlantis')).toEqual([]);
  });

  it('folds case, accents, apostrophes and dashes', () => {
    expect(foldName('  Saint-Louis  ')).toBe('saint louis');
    expect(foldName('Mérida')).toBe('merida');
    expect(foldName("Murang'a")).toBe(foldName('Murang’a'));
  });

  it('labels bigger places from further out, and ranks them first', () => {
    expect([2_000_000, 200_000, 50_000, 2_000].map(placeMinZoom)).toEqual([5, 6, 7, 8]);
    const features = placeFeatures(places).features;
    expect(features[1]).toEqual({ type: 'Feature', properties: { name: 'Nakuru', minzoom: 5, rank: 1 }, geometry: { type: 'Point', coordinates: [36.067, -0.303] } });
  });

  it('gives the map the places around the view that the next zoom level labels, the most populous first', () => {
    const names = (found: Array<{ name: string; country: string }>) => found.map((p) => `${p.name} ${p.country}`);
    // The view and half its size again on each side: 35.5 to 38.5 E, 2.5 S to 0.5 N.
    expect(names(placesInView(places, [36.5, -1.5, 37.5, -0.5], 8))).toEqual(['Nairobi KE', 'Nakuru KE', 'Murang’a KE', 'Lake Nakuru Town KE']);
    expect(names(placesInView(places, [36.5, -1.5, 37.5, -0.5], 6.5))).toEqual(['Nairobi KE', 'Nakuru KE']);
    expect(names(placesInView(places, [36.5, -1.5, 37.5, -0.5], 8, 2))).toEqual(['Nairobi KE', 'Nakuru KE']);
    expect(names(placesInView(places, [37.0, -1.5, 37.5, -0.5], 8))).toEqual(['Nairobi KE', 'Murang’a KE']);
    // A view on the next world copy, and one wider than the world.
    expect(names(placesInView(places, [396.5, -1.5, 397.5, -0.5], 6.5))).toEqual(['Nairobi KE', 'Nakuru KE']);
    expect(placesInView(places, [-200, -5, 200, 5], 9)).toHaveLength(5);
  });
});
