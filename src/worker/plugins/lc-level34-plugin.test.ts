import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import { UserError } from '../../shared/errors.js';
import type { GeoBox } from '../../shared/geobox.js';
import type { SampleArray } from '../raster.js';
import { CLASS_CONDITION, CLASS_TABLE, DATA_VAR_CONDITION, URBAN_FILTER, writeAreaShapefile } from './test-support/level34-fixtures.js';
import { lccsLevel34Plugin } from './lc-level34-plugin.js';
import type { ObservationChunk } from './plugin.js';
import { loadPlugin } from './registry.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lc-level34-'));
const TABLE = path.join(dir, 'classes.csv');
writeFileSync(TABLE, CLASS_TABLE);

/** 4 × 5 pixels of 10 m from (0, 50) in the grid's CRS. */
const GEOBOX: GeoBox = { crs: 'EPSG:3577', affine: [10, 0, 0, 0, -10, 50], width: 4, height: 5 };
const column = (x0: number, x1: number): Array<[number, number]> => [[x0, 0], [x0, 50], [x1, 50], [x1, 0], [x0, 0]];
/**
 * Column 0–1: a metropolitan area (kept); column 2: a rural area of 80 km² (left out);
 * column 3: a rural area of 50 km² (kept).
 */
const URBAN = writeAreaShapefile(path.join(dir, 'areas'), [
  { ring: column(0, 20), name: 'Greater Sydney', area: 12368.2 },
  { ring: column(20, 30), name: 'Rest of NSW', area: 80 },
  { ring: column(30, 40), name: 'Rest of NSW', area: 50 },
]);

const CONFIG = {
  input_bands: ['pv_pc_50', 'bs_pc_50', 'frequency', 'water_frequency', 'level_3_4', 'artificial_surface', 'cultivated', 'woody'],
  measurements: ['level3', 'level4'],
  class_def_path: TABLE,
  class_condition: CLASS_CONDITION,
  urban_mask: URBAN,
  filter_expression: URBAN_FILTER,
  data_var_condition: DATA_VAR_CONDITION,
};

interface Pixel {
  l1: number;
  as?: number;
  cu?: number;
  wo?: number;
  fr?: number;
  wf?: number;
  pv?: number;
  bs?: number;
}

/** Each pixel's inputs, row by row, with the values a band has where the pixel's class does not read it. */
const PIXELS: Pixel[] = [
  { l1: 110, cu: 111, wo: 113, pv: 70 },
  { l1: 110, cu: 111, wo: 113, pv: 64 },
  { l1: 110, cu: 111, wo: 114, pv: 10 },
  { l1: 110, cu: 112, wo: 113, pv: 15 },

  { l1: 110, cu: 112, wo: 113, pv: 39 },
  { l1: 110, wo: 114, pv: 65 },
  { l1: 124, wo: 113, fr: 0.5 },
  { l1: 124, wo: 113, fr: 0.25 },

  { l1: 210, as: 215, bs: 70 },
  { l1: 210, as: 216, bs: 60 },
  { l1: 210, as: 215, bs: 70 },
  { l1: 210, as: 216, bs: 10 },

  { l1: 220, wf: 0 },
  { l1: 220, wf: 4 },
  { l1: 223 },
  { l1: 210, as: 215, bs: 30 },

  { l1: 220, wf: 12 },
  { l1: 220, wf: 3 },
  { l1: 255, as: 215, cu: 111, wo: 113, pv: 70 },
  { l1: 110, cu: 111, pv: 70 },
];

function chunkOf(pixels: readonly Pixel[], geobox = GEOBOX): ObservationChunk {
  const u8 = (f: (p: Pixel) => number | undefined, fill: number): SampleArray[] => [Uint8Array.from(pixels, (p) => f(p) ?? fill)];
  return {
    geobox,
    days: ['2021-01-01'],
    bands: {
      level_3_4: u8((p) => p.l1, 255),
      artificial_surface: u8((p) => p.as, 216),
      cultivated: u8((p) => p.cu, 255),
      woody: u8((p) => p.wo, 255),
      frequency: [Float32Array.from(pixels, (p) => p.fr ?? Number.NaN)],
      water_frequency: u8((p) => p.wf, 0),
      pv_pc_50: u8((p) => p.pv, 255),
      bs_pc_50: u8((p) => p.bs, 255),
    },
    nodata: { level_3_4: 255, artificial_surface: 255, cultivated: 255, woody: 255, frequency: Number.NaN, water_frequency: 255, pv_pc_50: 255, bs_pc_50: 255 },
  };
}

const values = (a: ArrayLike<number> | undefined) => Array.from(a!);

describe('lccs_level34', () => {
  it('classes level 3 and level 4 by the table, the artificial surface outside the urban mask made natural', () => {
    const out = lccsLevel34Plugin(CONFIG).reduce(chunkOf(PIXELS));
    // Row 0: cultivated woody with cover 70 ([65, 100]) and 64 ([40, 65)), cultivated herbaceous,
    //   natural woody at cover 15, which (15, 40) leaves out: no level 4 class, 0.
    // Row 1: natural woody sparse, natural herbaceous closed (>=65; cultivated 255 is natural),
    //   aquatic woody wet more than a quarter of the time, and exactly a quarter ([0, 0.25]).
    // Row 2: artificial surface in the metropolitan area; bare surface of bs 60 ([20, 60]);
    //   artificial surface in the large rural area, out of the mask: natural, bare (>60);
    //   bare surface of bs 10 (<20).
    // Row 3: water 0 months: only the broad row, written last but shorter, so applied first;
    //   water 4 months, whose own row overrides it; intertidal; artificial surface in the
    //   small rural area, which the filter keeps.
    // Row 4: water 12 months (>=7) and 3 ([1, 4)); no level 1 class: nodata; cultivated
    //   without a lifeform: no level 4 class.
    expect(values(out['level3'])).toEqual([
      111, 111, 111, 112,
      112, 112, 124, 124,
      215, 216, 216, 216,
      220, 220, 220, 215,
      220, 220, 255, 111,
    ]);
    expect(values(out['level4'])).toEqual([
      2, 3, 10, 0,
      20, 31, 57, 58,
      93, 95, 94, 96,
      98, 100, 103, 93,
      101, 99, 255, 0,
    ]);
  });

  it('burns GeoJSON polygons, in longitude and latitude, in the grid CRS', () => {
    // Albers' central meridian, 132°, is its x = 0: the polygon west of it covers the two western
    // columns of pixels either side of x = 0, around 25° S.
    const urban = path.join(dir, 'west.geojson');
    const ring = [[131, -30], [132, -30], [132, -20], [131, -20], [131, -30]];
    writeFileSync(urban, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { GCC_NAME21: 'Greater Darwin', AREASQKM21: 3163.8 }, geometry: { type: 'Polygon', coordinates: [ring] } }] }));
    const geobox: GeoBox = { crs: 'EPSG:3577', affine: [1000, 0, -2000, 0, -1000, -2_790_000], width: 4, height: 1 };
    const artificial = Array.from({ length: 4 }, () => ({ l1: 210, as: 215, bs: 70 }));
    const out = lccsLevel34Plugin({ ...CONFIG, urban_mask: urban }).reduce(chunkOf(artificial, geobox));
    expect(values(out['level3'])).toEqual([215, 215, 216, 216]);
    expect(values(out['level4'])).toEqual([93, 93, 94, 94]);
  });

  it('reads the table columns under other band names, and band names of its own', () => {
    const renamed = { ...CONFIG, input_bands: ['level_3_4', 'artificial_surface', 'cultivated', 'woody_cover', 'frequency', 'water_frequency', 'pv_pc_50', 'bs_pc_50'], data_var_condition: { level1: 'level_3_4', woody: 'woody_cover' }, measurements: ['l3', 'l4'] };
    const plugin = lccsLevel34Plugin(renamed);
    const chunk = chunkOf(PIXELS.slice(0, 4));
    chunk.bands['woody_cover'] = chunk.bands['woody']!;
    delete chunk.bands['woody'];
    const out = plugin.reduce({ ...chunk, geobox: { ...GEOBOX, height: 1 } });
    expect([values(out['l3']), values(out['l4'])]).toEqual([[111, 111, 111, 112], [2, 3, 10, 0]]);
    expect(plugin.inputs.map((i) => i.name)).toEqual(renamed.input_bands);
  });

  it('refuses a task of more than one observation, and leaves one of none nodata', () => {
    const plugin = lccsLevel34Plugin(CONFIG);
    const two = chunkOf(PIXELS);
    two.days = ['2020-01-01', '2021-01-01'];
    expect(() => plugin.reduce(two)).toThrow(UserError);
    const none = plugin.reduce({ geobox: GEOBOX, days: [], bands: {}, nodata: {} });
    expect([values(none['level3']), values(none['level4'])]).toEqual([new Array(20).fill(255), new Array(20).fill(255)]);
  });

  it('names what is wrong with the config in one line', () => {
    const refused = (change: Record<string, unknown>) => {
      try {
        lccsLevel34Plugin({ ...CONFIG, ...change });
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    const key = (k: string) => `plugin_config of lccs_level34: key '${k}'`;
    expect(refused({ class_def_path: undefined })).toBe(`${key('class_def_path')} is required (the level 3 and 4 class definition table, a CSV)`);
    expect(refused({ class_def_path: 'gs://bucket/classes.csv' })).toBe(
      `${key('class_def_path')} names gs://bucket/classes.csv, which is not read here: copy the CSV and name it by its local path, an s3:// or https:// URL, or /vsizip/ of one`,
    );
    expect(refused({ class_def_path: path.join(dir, 'nope.csv') })).toBe(`${key('class_def_path')} names ${path.join(dir, 'nope.csv')}, which is not found`);
    expect(refused({ class_condition: { level3: ['level1'] } })).toBe(`${key('class_condition')} has no 'level4': the columns that class it`);
    expect(refused({ urban_mask: '/vsigs/bucket/SA1.shp' })).toMatch(/^plugin_config of lccs_level34: key 'urban_mask' names \/vsigs\/bucket\/SA1\.shp, which is not read here/);
    // Copied by a run before the plugin is made (main/run/plugin-files.ts): taken unread when a config alone is checked.
    expect(() => lccsLevel34Plugin({ ...CONFIG, class_def_path: 's3://bucket/classes.csv', urban_mask: '/vsizip/vsis3/bucket/SA1.zip' })).not.toThrow();
    expect(refused({ filter_expression: "GCC_NAME21 LIKE '%Rest of%' AND AND AREASQKM21 < 63" })).toBe(
      `${key('filter_expression')} expected a field name, a string or a number at position 33, found 'AND': GCC_NAME21 LIKE '%Rest of%' AND AND AREASQKM21 < 63`,
    );
    expect(refused({ mask_threshold: 0.3 })).toMatch(/^plugin_config of lccs_level34: key 'mask_threshold' is not supported yet/);
    expect(refused({ input_bands: CONFIG.input_bands.filter((b) => b !== 'woody') })).toBe(`${key('input_bands')} must include woody: class_condition's column woody reads it`);
    expect(refused({ measurements: ['level3'] })).toMatch(/measurements/);
  });

  it('names the file, line and column of a table cell it cannot read', () => {
    const table = path.join(dir, 'bad.csv');
    writeFileSync(table, CLASS_TABLE.replace('"[40, 65)"', 'about 40'));
    expect(() => lccsLevel34Plugin({ ...CONFIG, class_def_path: table })).toThrow(
      `class_def_path ${table} line 3, column pv_pc_50: 'about 40' is no test: write an integer (equal to), a comparison such as >=20 or !=2, a range such as [1, 4) or (0.5, 2], or leave it empty (nan or 255 too) for none`,
    );
    writeFileSync(table, CLASS_TABLE.replace(',111,2,', ',111,two,'));
    expect(() => lccsLevel34Plugin({ ...CONFIG, class_def_path: table })).toThrow(`class_def_path ${table} line 2, column level4: 'two' is no class code`);
    writeFileSync(table, CLASS_TABLE.replace('woody,', 'woody_class,'));
    expect(() => lccsLevel34Plugin({ ...CONFIG, class_def_path: table })).toThrow(`class_def_path ${table} has no column 'woody', which class_condition names`);
  });

  it('names a filter field the polygons do not have when it first reads them', () => {
    const plugin = lccsLevel34Plugin({ ...CONFIG, filter_expression: "STATE_NAME = 'Victoria'" });
    expect(() => plugin.reduce(chunkOf(PIXELS))).toThrow(`urban_mask ${URBAN}: filter_expression: no field STATE_NAME at position 1: the features have GCC_NAME21, AREASQKM21`);
  });

  it("has odc-stats' names, bands and default product", async () => {
    const plugin = await loadPlugin('odc.stats.plugins.lc_level34.StatsLccsLevel4', CONFIG);
    expect(plugin.name).toBe('lccs_level34');
    expect(plugin.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([['level3', 'uint8', 255], ['level4', 'uint8', 255]]);
    expect(plugin.productDefaults).toEqual({ name: 'ga_ls_lccs_Level34', version: '0.0.1', productFamily: 'lccs' });
    expect(() => lccsLevel34Plugin({ ...CONFIG, urban_masks: URBAN })).toThrow(ConfigError);
  });
});
