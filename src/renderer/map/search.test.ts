import { describe, expect, it } from 'vitest';
import { parseGrid } from '../../shared/grid.js';
import { parseSearch } from './search.js';

const africa = parseGrid('africa-10');

describe('parseSearch', () => {
  it('reads two whole numbers as a tile index of the grid', () => {
    expect(parseSearch('218,75', africa)).toEqual({ kind: 'tile', x: 218, y: 75 });
    expect(parseSearch(' 218 75 ', africa)).toEqual({ kind: 'tile', x: 218, y: 75 });
    expect(parseSearch('x218y075', africa)).toEqual({ kind: 'tile', x: 218, y: 75 });
    expect(parseSearch('tile 218, 75', africa)).toEqual({ kind: 'tile', x: 218, y: 75 });
    expect(parseSearch('2021--P1Y/218/74', africa)).toEqual({ kind: 'tile', x: 218, y: 74 });
  });

  it('reads whole numbers the grid has no tile for as coordinates, and refuses a tile asked for by name', () => {
    expect(parseSearch('-1, 36', africa)).toEqual({ kind: 'point', lat: -1, lon: 36, readAs: 'lat, lon' });
    expect(parseSearch('tile 9999,75', africa)).toEqual({ kind: 'error', message: expect.stringMatching(/^Grid africa-10 has no tile 9999,75: its tiles run x 0…\d+, y 0…\d+\.$/) });
    expect(parseSearch('218,75', null)).toEqual({ kind: 'error', message: 'Longitude 218 is outside -180…180.' });
  });

  it('reads coordinates: latitude first after a comma, longitude first after a space', () => {
    expect(parseSearch('-1.28, 36.82', africa)).toEqual({ kind: 'point', lat: -1.28, lon: 36.82, readAs: 'lat, lon' });
    expect(parseSearch('36.82 -1.28', africa)).toEqual({ kind: 'point', lat: -1.28, lon: 36.82, readAs: 'lon, lat' });
    expect(parseSearch('−1.28;36.82', africa)).toEqual({ kind: 'point', lat: -1.28, lon: 36.82, readAs: 'lat, lon' });
  });

  it('takes a number beyond ±90 as the longitude, whatever the order', () => {
    expect(parseSearch('-33.87, 151.21', africa)).toMatchObject({ lat: -33.87, lon: 151.21 });
    expect(parseSearch('151.21, -33.87', africa)).toMatchObject({ lat: -33.87, lon: 151.21, readAs: 'lon, lat' });
    expect(parseSearch('-33.87 151.21', africa)).toMatchObject({ lat: -33.87, lon: 151.21, readAs: 'lat, lon' });
  });

  it('lets hemisphere letters settle the order, as the cursor readout writes them', () => {
    expect(parseSearch('1.28330° S, 36.82190° E', africa)).toEqual({ kind: 'point', lat: -1.2833, lon: 36.8219, readAs: 'hemispheres' });
    expect(parseSearch('36.82E 1.28S', africa)).toMatchObject({ lat: -1.28, lon: 36.82 });
    expect(parseSearch('W 0.5 N 51.5', africa)).toMatchObject({ lat: 51.5, lon: -0.5 });
    expect(parseSearch('1.28 S 36.82', africa)).toMatchObject({ lat: -1.28, lon: 36.82 });
    expect(parseSearch('1.28S E36.82', africa)).toMatchObject({ lat: -1.28, lon: 36.82 });
    expect(parseSearch('E36.82, 1.28', africa)).toMatchObject({ lat: 1.28, lon: 36.82 });
  });

  it('says in one line what is wrong with coordinates', () => {
    expect(parseSearch('95.5, 200.1', africa)).toEqual({ kind: 'error', message: 'Latitude 95.5 is outside -90…90.' });
    expect(parseSearch('S 1.2 N 3.4 E', africa)).toEqual({ kind: 'error', message: 'Cannot read "S 1.2 N 3.4 E": give each number one hemisphere letter.' });
    expect(parseSearch('1.2N 3.4S', africa)).toEqual({ kind: 'error', message: 'Both numbers are latitudes (N/S): give one of each.' });
    expect(parseSearch('-1.2S 3.4E', africa)).toEqual({ kind: 'error', message: 'Give a coordinate a minus sign or a hemisphere letter, not both.' });
    expect(parseSearch('12.5', africa)).toEqual({ kind: 'error', message: 'Cannot read "12.5": give a place name, coordinates (-1.28, 36.82) or a tile index (218,75).' });
  });

  it('takes anything with letters for a place name, and nothing for nothing', () => {
    expect(parseSearch('  Nakuru ', africa)).toEqual({ kind: 'place', name: 'Nakuru' });
    expect(parseSearch('Machakos, KE', africa)).toEqual({ kind: 'place', name: 'Machakos, KE' });
    expect(parseSearch('Saint-Louis--Sénégal', africa)).toEqual({ kind: 'place', name: 'Saint-Louis--Sénégal' });
    expect(parseSearch('   ', africa)).toBeNull();
  });
});
