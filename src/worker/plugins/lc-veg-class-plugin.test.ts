import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import { UserError } from '../../shared/errors.js';
import type { GeoBox } from '../../shared/geobox.js';
import { demInStatsPlugin, vegClassL1Plugin } from './lc-veg-class-plugin.js';
import type { ObservationChunk } from './plugin.js';
import { loadPlugin } from './registry.js';

const strip = (width: number): GeoBox => ({ crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0], width, height: 1 });
const values = (a: ArrayLike<number> | undefined) => Array.from(a!);
const N = Number.NaN;

/** DEA's land cover codes, as its A1 config gives them. */
const CLASSES = { water: 221, surface: 210, terrestrial_veg: 110, aquatic_veg_wood: 124, aquatic_veg_herb: 125, intertidal: 223 };

interface Pixel {
  blue?: number;
  green?: number;
  red?: number;
  freq?: number;
  vegf?: number;
  dem?: number;
  elevation?: number;
  ccc?: number;
}

/** One year of A1's inputs; by default si5 = 50 × 1000 ÷ 100 = 500, dry, vegetated 5 months, 100 m up. */
function a1Chunk(pixels: Pixel[]): ObservationChunk {
  const band = <T extends Int16Array | Uint8Array | Float32Array>(make: { from(v: number[]): T }, get: (p: Pixel) => number) => [make.from(pixels.map(get))];
  return {
    geobox: strip(pixels.length),
    days: ['2020-01-01'],
    bands: {
      nbart_blue: band(Int16Array, (p) => p.blue ?? 50),
      nbart_green: band(Int16Array, (p) => p.green ?? 100),
      nbart_red: band(Int16Array, (p) => p.red ?? 1000),
      frequency: band(Float32Array, (p) => p.freq ?? 0),
      veg_frequency: band(Uint8Array, (p) => p.vegf ?? 5),
      dem_h: band(Float32Array, (p) => p.dem ?? 100),
      elevation: band(Float32Array, (p) => p.elevation ?? N),
      canopy_cover_class: band(Uint8Array, (p) => p.ccc ?? 255),
    },
    nodata: { nbart_blue: -999, nbart_green: -999, nbart_red: -999, frequency: N, veg_frequency: 255, dem_h: N, elevation: -9999, canopy_cover_class: 255 },
  };
}

describe('veg_class_l1', () => {
  const pixels: Pixel[] = [
    { freq: 0.2 }, // water at the threshold
    { freq: 0.19 }, // just below: vegetation
    { blue: 100, red: 1001, dem: 6 }, // si5 1001 > 1000 and dem at 6: mudflat
    { blue: 100, red: 1001, dem: 6.5 }, // dem above 6
    { blue: 100, red: 1000, dem: 0 }, // si5 1000, not above
    { blue: 150, red: 1000 }, // si5 1500, not above the saltpan threshold
    { blue: 150, red: 1001 }, // si5 1501.5: salt pan
    { vegf: 1 }, // vegetated under 2 months: bare
    { vegf: 2 },
    { freq: 0.5, blue: 200, red: 1000 }, // water stays water, si5 2000 or not
    { blue: -999, freq: 0.3 }, // blue nodata: class nodata
    { vegf: 255 }, // veg_frequency nodata: not below the threshold, vegetation
    { freq: N }, // no WOfS: not water, seasonality nodata
    { blue: 100, red: 1001, dem: N }, // no DEM: not a mudflat
    { blue: 100, red: 100, green: 0 }, // si5 +∞: salt pan
    { blue: 0, red: 5, green: 0 }, // si5 0 ÷ 0: nodata
    { freq: 0.25 },
    { freq: Math.fround(0.26) },
    { freq: 1 },
  ];

  it('classes water, bare surface and vegetation at each threshold, and water seasonality', () => {
    const out = vegClassL1Plugin({ output_classes: CLASSES }).reduce(a1Chunk(pixels));
    expect(out['classes_l3_l4']).toBeInstanceOf(Uint8Array);
    expect(values(out['classes_l3_l4'])).toEqual([221, 110, 210, 110, 110, 110, 210, 210, 110, 221, 255, 110, 110, 110, 210, 255, 221, 221, 221]);
    expect(values(out['water_seasonality'])).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 255, 0, 0, 0, 1, 2, 2]);
  });

  it('takes its thresholds from plugin_config; a seasonality threshold of 0 is the default', () => {
    const out = vegClassL1Plugin({
      output_classes: CLASSES,
      water_threshold: 0.5,
      dem_threshold: 7,
      mudflat_threshold: 999,
      saltpan_threshold: 1502,
      veg_threshold: 3,
      water_seasonality_threshold: 0.5,
    }).reduce(a1Chunk(pixels));
    // 0: 0.2 is no longer water. 3: dem 6.5 ≤ 7. 4: 1000 > 999 at dem 0. 6: 1501.5 ≤ 1502.
    // 8: vegetated 2 months < 3. 16–17 no longer water; 17 now seasonality 1.
    expect(values(out['classes_l3_l4'])).toEqual([110, 110, 210, 210, 210, 110, 110, 210, 210, 221, 255, 110, 110, 110, 210, 255, 110, 110, 221]);
    expect(values(out['water_seasonality'])).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 255, 0, 0, 0, 1, 1, 2]);
    const zero = vegClassL1Plugin({ output_classes: CLASSES, water_seasonality_threshold: 0 }).reduce(a1Chunk(pixels));
    expect(values(zero['water_seasonality'])).toEqual(values(vegClassL1Plugin({ output_classes: CLASSES }).reduce(a1Chunk(pixels))['water_seasonality']));
  });

  it('marks intertidal areas and mangroves from optional_bands, in their order', () => {
    const coastal: Pixel[] = [
      { freq: 0.5, elevation: 1 }, // water with an elevation: intertidal
      { vegf: 0, elevation: 0 }, // bare with an elevation: intertidal
      { elevation: 0.5 }, // vegetation with an elevation: aquatic herbaceous
      {}, // no elevation
      { ccc: 1 }, // mangroves: aquatic woody
      { freq: 0.5, ccc: 2 }, // mangroves over water
      { freq: 0.5, ccc: 0 }, // canopy class 0: not mangroves
      { freq: 0.5, ccc: 1, elevation: 0 }, // both: the later band decides
      { elevation: -9999 }, // elevation's nodata: no elevation
    ];
    const mangrovesFirst = vegClassL1Plugin({ output_classes: CLASSES, optional_bands: ['canopy_cover_class', 'elevation'] });
    expect(mangrovesFirst.inputs.map((i) => i.name)).toContain('elevation');
    expect(values(mangrovesFirst.reduce(a1Chunk(coastal))['classes_l3_l4'])).toEqual([223, 223, 125, 110, 124, 124, 221, 223, 110]);
    const elevationFirst = vegClassL1Plugin({ output_classes: CLASSES, optional_bands: ['elevation', 'canopy_cover_class'] });
    expect(values(elevationFirst.reduce(a1Chunk(coastal))['classes_l3_l4'])).toEqual([223, 223, 125, 110, 124, 124, 221, 124, 110]);
    expect(values(vegClassL1Plugin({ output_classes: CLASSES }).reduce(a1Chunk(coastal))['classes_l3_l4'])).toEqual([221, 210, 110, 110, 110, 221, 221, 221, 110]);
    // Where the canopy class has no nodata (a float band, NaN), any class above 0 is mangrove.
    const noNodata = a1Chunk([{ ccc: 255 }, { ccc: 0 }]);
    noNodata.nodata['canopy_cover_class'] = null;
    expect(values(vegClassL1Plugin({ output_classes: CLASSES, optional_bands: ['canopy_cover_class'] }).reduce(noNodata)['classes_l3_l4'])).toEqual([124, 110]);
  });

  it('refuses configs odc-stats would fail on, and more than one day', () => {
    expect(() => vegClassL1Plugin({})).toThrow(/output_classes/);
    expect(() => vegClassL1Plugin({ output_classes: { water: 220, surface: 210 } })).toThrow(/terrestrial_veg/);
    expect(() => vegClassL1Plugin({ output_classes: { water: 221, surface: 210, terrestrial_veg: 110, aquatic_veg_herb: 125 }, optional_bands: ['elevation'] })).toThrow(/intertidal/);
    expect(() => vegClassL1Plugin({ output_classes: { water: 221, surface: 210, terrestrial_veg: 110 }, optional_bands: ['canopy_cover_class'] })).toThrow(/aquatic_veg_wood/);
    expect(() => vegClassL1Plugin({ output_classes: CLASSES, measurements: ['a', 'b', 'c'] })).toThrow(ConfigError);
    expect(() => vegClassL1Plugin({ output_classes: CLASSES, optional_bands: ['dem'] })).toThrow(ConfigError);
    expect(() => vegClassL1Plugin({ output_classes: CLASSES, input_bands: ['nbart_blue', 'nbart_green', 'nbart_red', 'frequency', 'veg_frequency'] })).toThrow(/dem_h/);
    const twoDays = { ...a1Chunk([{}]), days: ['2020-01-01', '2021-01-01'] };
    expect(() => vegClassL1Plugin({ output_classes: CLASSES }).reduce(twoDays)).toThrow(UserError);
  });

  it('is odc-stats’ StatsVegClassL1, its product ga_ls_lccs_veg_class_a1', async () => {
    const plugin = await loadPlugin('odc.stats.plugins.lc_veg_class_a1.StatsVegClassL1', { output_classes: CLASSES });
    expect(plugin.name).toBe('veg_class_l1');
    expect(plugin.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([
      ['classes_l3_l4', 'uint8', 255],
      ['water_seasonality', 'uint8', 255],
    ]);
    expect(plugin.productDefaults).toEqual({ name: 'ga_ls_lccs_veg_class_a1', version: '0.0.1', productFamily: 'lccs' });
  });

  it('names its outputs by measurements, as DEA’s config writes them', async () => {
    const plugin = await loadPlugin('veg_class_l1', {
      input_bands: ['nbart_red', 'nbart_green', 'nbart_blue', 'veg_frequency', 'wet_percentage', 'frequency', 'dem_h'],
      optional_bands: ['canopy_cover_class', 'elevation'],
      output_classes: { aquatic_veg_wood: 124, aquatic_veg_herb: 125, terrestrial_veg: 110, water: 221, intertidal: 223, surface: 210 },
      measurements: ['level_3_4'],
    });
    expect(plugin.measurements.map((m) => m.name)).toEqual(['level_3_4']);
    const out = plugin.reduce(a1Chunk([{ freq: 0.5 }, {}]));
    expect(Object.keys(out)).toEqual(['level_3_4']);
    expect(values(out['level_3_4'])).toEqual([221, 110]);
  });
});

describe('dem_in_stats', () => {
  const dem = (nodata: number | null): ObservationChunk => ({
    geobox: strip(5),
    days: ['2000-02-11'],
    bands: { dem_h: [Float32Array.of(-9999, -10000, 0, 12.5, N)] },
    nodata: { dem_h: nodata },
  });

  it('passes the DEM through as float32, NaN at and below its nodata', () => {
    const out = demInStatsPlugin({ input_bands: ['dem_h'] }).reduce(dem(-9999));
    expect(out['dem_h']).toBeInstanceOf(Float32Array);
    expect(values(out['dem_h'])).toEqual([N, N, 0, 12.5, N]);
    expect(values(demInStatsPlugin({ input_bands: ['dem_h'] }).reduce(dem(null))['dem_h'])).toEqual([-9999, -10000, 0, 12.5, N]);
  });

  it('renames the bands to measurements', async () => {
    const plugin = await loadPlugin('odc.stats.plugins.lc_veg_class_a1.StatsDem', { input_bands: ['dem_h'], measurements: ['dem'] });
    expect(plugin.name).toBe('dem_in_stats');
    expect(plugin.measurements).toMatchObject([{ name: 'dem', dtype: 'float32' }]);
    expect(values(plugin.reduce(dem(-9999))['dem'])).toEqual([N, N, 0, 12.5, N]);
    expect(plugin.productDefaults).toEqual({ name: 'ga_ls_lccs_(ni)dem', version: '0.0.1', productFamily: 'lccs' });
  });

  it('needs input_bands, one measurement a band', () => {
    expect(() => demInStatsPlugin({})).toThrow(/input_bands/);
    expect(() => demInStatsPlugin({ input_bands: ['dem_h'], measurements: ['a', 'b'] })).toThrow(/one output a band/);
  });
});
