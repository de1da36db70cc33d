import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import { UserError } from '../../shared/errors.js';
import type { GeoBox } from '../../shared/geobox.js';
import { mangrovesPlugin } from './mangroves-plugin.js';
import type { ObservationChunk } from './plugin.js';
import { loadPlugin } from './registry.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mangroves-'));

function geojsonFile(name: string, ring: Array<[number, number]>): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }] }));
  return file;
}

/** 5 × 3 pixels of 10 m from (0, 100): columns 0–3 lie in the extent x 0–40, column 4 outside. */
const GEOBOX: GeoBox = { crs: 'EPSG:3577', affine: [10, 0, 0, 0, -10, 100], width: 5, height: 3 };
const EXTENT = geojsonFile('extent.geojson', [[0, 70], [40, 70], [40, 100], [0, 100], [0, 70]]);

function percentiles(geobox: GeoBox, pv: number[], qa: number[], wet: number[]): ObservationChunk {
  return {
    geobox,
    days: ['2021-01-01'],
    bands: { pv_pc_10: [Uint8Array.from(pv)], qa: [Uint8Array.from(qa)], wet_pc_10: [Int16Array.from(wet)] },
    nodata: { pv_pc_10: 255, qa: 255, wet_pc_10: -9999 },
  };
}

const values = (a: ArrayLike<number> | undefined) => Array.from(a!);

describe('mangroves', () => {
  // Row 0: PV at and around the first two thresholds (14, 38), all sufficient and dry enough.
  // Row 1: PV 60 and 61 (the third threshold), qa 0 (insufficient, wet), nodata everywhere.
  // Row 2: qa 1 (insufficient, dry), then TCW wetness at and around −1850.
  const pv = [14, 15, 38, 39, 99, 60, 61, 80, 255, 99, 5, 80, 80, 80, 99];
  const qa = [2, 2, 2, 2, 2, 2, 2, 0, 255, 2, 1, 1, 2, 2, 2];
  const wet = [0, 0, 0, 0, 0, 0, 0, 0, -9999, 0, 0, -1851, -1850, -1849, 0];

  it('classes canopy cover by how many PV thresholds the 10th percentile exceeds', () => {
    const out = mangrovesPlugin({ mangroves_extent: EXTENT }).reduce(percentiles(GEOBOX, pv, qa, wet));
    expect(out['canopy_cover_class']).toBeInstanceOf(Uint8Array);
    // 14 is not above 14: not mangrove. 15 and 38 exceed one threshold, 39 and 60 two, 61 three.
    // Column 4 is outside the extent. qa 0 and nodata: 255. qa 1 with wetness above the
    // threshold: 0 (not observed); at or below it: 255. −1849 is above −1850, −1850 is not.
    expect(values(out['canopy_cover_class'])).toEqual([
      255, 1, 1, 2, 255,
      2, 3, 255, 255, 255,
      0, 255, 255, 3, 255,
    ]);
  });

  it('takes its thresholds from plugin_config', () => {
    const plugin = mangrovesPlugin({ mangroves_extent: EXTENT, pv_thresholds: [14, 40, 62], tcw_threshold: -1851 });
    const out = plugin.reduce(percentiles(GEOBOX, pv, qa, wet));
    // 39 now exceeds one threshold, 60 and 61 two; −1850 is above −1851, −1851 is not.
    expect(values(out['canopy_cover_class'])).toEqual([
      255, 1, 1, 1, 255,
      2, 2, 255, 255, 255,
      0, 255, 3, 3, 255,
    ]);
  });

  it('burns the extent by pixel centres, holes and all, from a shapefile', () => {
    // A 4 × 4 square with a 2 × 2 hole, in a shapefile with a null record before the polygon.
    const shp = shapefile([
      [[0, 0], [0, 4], [4, 4], [4, 0], [0, 0]],
      [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]],
    ]);
    const file = path.join(dir, 'extent.shp');
    writeFileSync(file, shp);
    const geobox: GeoBox = { crs: 'EPSG:3577', affine: [1, 0, 0, 0, -1, 5], width: 5, height: 5 };
    const out = mangrovesPlugin({ mangroves_extent: file }).reduce(percentiles(geobox, new Array(25).fill(99), new Array(25).fill(2), new Array(25).fill(0)));
    // Rows run from y 5 down: row 0 (centre y 4.5) and column 4 (centre x 4.5) are outside.
    expect(values(out['canopy_cover_class'])).toEqual([
      255, 255, 255, 255, 255,
      3, 3, 3, 3, 255,
      3, 255, 255, 3, 255,
      3, 255, 255, 3, 255,
      3, 3, 3, 3, 255,
    ]);
  });

  it('refuses a task of more than one observation, and leaves one of none nodata', () => {
    const plugin = mangrovesPlugin({ mangroves_extent: EXTENT });
    const two = percentiles(GEOBOX, pv, qa, wet);
    two.days = ['2020-01-01', '2021-01-01'];
    for (const band of Object.values(two.bands)) band.push(band[0]!);
    expect(() => plugin.reduce(two)).toThrow(UserError);
    const none = plugin.reduce({ geobox: GEOBOX, days: [], bands: { pv_pc_10: [], qa: [], wet_pc_10: [] }, nodata: {} });
    expect(values(none['canopy_cover_class'])).toEqual(new Array(15).fill(255));
  });

  it('needs an extent that exists', () => {
    expect(() => mangrovesPlugin({})).toThrow(ConfigError);
    expect(() => mangrovesPlugin({})).toThrow(/mangroves_extent' is required/);
    expect(() => mangrovesPlugin({ mangroves_extent: path.join(dir, 'missing.shp') })).toThrow(/not found/);
    expect(() => mangrovesPlugin({ mangroves_extent: EXTENT, pv_thresholds: [] })).toThrow(ConfigError);
  });

  it("has odc-stats' name, inputs, band and default product", async () => {
    const plugin = await loadPlugin('mangroves', { mangroves_extent: EXTENT });
    expect(plugin.inputs.map((i) => i.name)).toEqual(['pv_pc_10', 'qa', 'wet_pc_10']);
    expect(plugin.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([['canopy_cover_class', 'uint8', 255]]);
    expect(plugin.productDefaults).toEqual({ name: 'mangroves', version: '0.0.2', productFamily: 'mangroves' });
  });
});

/** A polygon shapefile (.shp) of a null record and one polygon of the given rings, laid out as ESRI's specification says. */
function shapefile(rings: Array<Array<[number, number]>>): Buffer {
  const points = rings.flat();
  const polygonContent = 44 + 4 * rings.length + 16 * points.length;
  const nullContent = 4;
  const length = 100 + 8 + nullContent + 8 + polygonContent;
  const b = Buffer.alloc(length);
  b.writeInt32BE(9994, 0);
  b.writeInt32BE(length / 2, 24);
  b.writeInt32LE(1000, 28);
  b.writeInt32LE(5, 32);
  let at = 100;
  b.writeInt32BE(1, at);
  b.writeInt32BE(nullContent / 2, at + 4);
  b.writeInt32LE(0, at + 8);
  at += 8 + nullContent;
  b.writeInt32BE(2, at);
  b.writeInt32BE(polygonContent / 2, at + 4);
  const c = at + 8;
  b.writeInt32LE(5, c);
  b.writeInt32LE(rings.length, c + 36);
  b.writeInt32LE(points.length, c + 40);
  let start = 0;
  rings.forEach((ring, i) => {
    b.writeInt32LE(start, c + 44 + 4 * i);
    start += ring.length;
  });
  const pointsAt = c + 44 + 4 * rings.length;
  points.forEach(([x, y], k) => {
    b.writeDoubleLE(x, pointsAt + 16 * k);
    b.writeDoubleLE(y, pointsAt + 16 * k + 8);
  });
  return b;
}
