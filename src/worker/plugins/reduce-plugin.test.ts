import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk } from './plugin.js';
import { reducePlugin } from './reduce-plugin.js';
import { loadPlugin } from './registry.js';

const N = Number.NaN;

/** Four pixels in a row over five days; per band, rows are days. */
function chunk(bands: Record<string, { rows: number[][]; nodata: number | null; type?: 'uint16' | 'uint8' | 'float32' }>): ObservationChunk {
  const make = { uint16: Uint16Array, uint8: Uint8Array, float32: Float32Array };
  const days = Object.values(bands)[0]!.rows.length;
  return {
    geobox: { crs: 'EPSG:32737', affine: [120, 0, 0, 0, -120, 0], width: bands[Object.keys(bands)[0]!]!.rows[0]!.length, height: 1 },
    days: Array.from({ length: days }, (_, t) => `2021-01-${String(t + 1).padStart(2, '0')}`),
    bands: Object.fromEntries(Object.entries(bands).map(([name, b]) => [name, b.rows.map((row): SampleArray => make[b.type ?? 'uint16'].from(row))])),
    nodata: Object.fromEntries(Object.entries(bands).map(([name, b]) => [name, b.nodata])),
  };
}

/*
 * B08 of four pixels (columns) on five days (rows), and their SCL (4 vegetation, 3/8/9/10 cloud
 * and shadow, 0 no data); B08 0 is nodata.
 *   pixel 0: 10 20 30 40 50, all clear        → valid 10 20 30 40 50
 *   pixel 1: 10 0 40 20 30, day 2 nodata, day 3 cloud → valid 10 20 30
 *   pixel 2: 5 7 1 3 100, day 5 SCL no data  → valid 1 3 5 7 (sorted)
 *   pixel 3: every day cloud, shadow, cirrus or no data → none
 */
const B08 = [
  [10, 10, 5, 60],
  [20, 0, 7, 60],
  [30, 40, 1, 60],
  [40, 20, 3, 60],
  [50, 30, 100, 60],
];
const SCL = [
  [4, 4, 4, 3],
  [4, 4, 4, 8],
  [4, 9, 4, 9],
  [4, 4, 4, 10],
  [4, 4, 0, 0],
];
const sample = () => chunk({ B08: { rows: B08, nodata: 0 }, SCL: { rows: SCL, nodata: 0, type: 'uint8' } });
const masked = { mask_band: 'SCL', cloud_filters: [] };

function reduce(config: Record<string, unknown>, c = sample()): Record<string, number[]> {
  const out = reducePlugin(config).reduce(c);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v]]));
}

describe('reduce', () => {
  it('computes each reducer over the valid, clear observations of a band', () => {
    const out = reduce({ ...masked, bands: ['B08'], reducers: ['count', 'mean', 'median', 'min', 'max', 'stddev'] });
    expect(out.B08_count).toEqual([5, 3, 4, 0]);
    expect(out.B08_mean).toEqual([30, 20, 4, N]);
    // Pixel 2 has an even count: the median is the mean of the middle two, (3 + 5) / 2.
    expect(out.B08_median).toEqual([30, 20, 4, N]);
    expect(out.B08_min).toEqual([10, 10, 1, N]);
    expect(out.B08_max).toEqual([50, 30, 7, N]);
    // Population standard deviations: √(1000/5), √(200/3), √(20/4).
    const sd = out.B08_stddev!;
    expect(sd[0]).toBeCloseTo(Math.sqrt(200), 5);
    expect(sd[1]).toBeCloseTo(Math.sqrt(200 / 3), 5);
    expect(sd[2]).toBeCloseTo(Math.sqrt(5), 5);
    expect(sd[3]).toBeNaN();
  });

  it("picks percentiles by odc-algo's rule: the element at round(q(n − 1)), halves to even", () => {
    const out = reduce({ ...masked, bands: ['B08'], percentiles: [10, 50, 90] });
    // n = 5: ranks 0, 2, 4; n = 3: ranks 0, 1, 2; n = 4 (1 3 5 7): ranks 0, round(1.5) = 2, round(2.7) = 3.
    expect(out).toEqual({ B08_pc_10: [10, 10, 1, N], B08_pc_50: [30, 20, 5, N], B08_pc_90: [50, 30, 7, N] });
  });

  it('reduces an expression: NDVI per day, then its median and count', () => {
    // Pixel 0: NDVI (30−10)/40 = 0.5, (30−20)/50 = 0.2, (50−10)/60 = 2/3, (90−10)/100 = 0.8, (70−30)/100 = 0.4 → median 0.5.
    // Pixel 1: the same, red missing on day 2: 0.5, 2/3, 0.8, 0.4 → (0.5 + 2/3)/2 = 7/12.
    // Pixel 2: cloud on days 1–3 (SCL 9, 8, 3): 0.8, 0.4 → 0.6.
    const c = chunk({
      B04: { rows: [[10, 10, 10], [20, 0, 20], [10, 10, 10], [10, 10, 10], [30, 30, 30]], nodata: 0 },
      B08: { rows: [[30, 30, 30], [30, 30, 30], [50, 50, 50], [90, 90, 90], [70, 70, 70]], nodata: 0 },
      SCL: { rows: [[4, 4, 9], [4, 4, 8], [4, 4, 3], [4, 4, 4], [4, 4, 4]], nodata: 0, type: 'uint8' },
    });
    const out = reduce({ ...masked, expressions: { ndvi: '(B08 - B04) / (B08 + B04)' }, reducers: ['median', 'count'] }, c);
    expect(out.ndvi_count).toEqual([5, 4, 2]);
    expect(out.ndvi_median![0]).toBeCloseTo(0.5, 6);
    expect(out.ndvi_median![1]).toBeCloseTo(7 / 12, 6);
    expect(out.ndvi_median![2]).toBeCloseTo(0.6, 6);
  });

  it('masks with the gm-s2 SCL defaults when none are given, cloud filters included', () => {
    // 9 pixels in a row, one day: a lone cloud pixel at 4 is opened away (radius 2), then nothing to dilate.
    // A 5-pixel cloud at 0–4 survives the opening and dilates by 5 over all nine pixels.
    const lone = chunk({ B08: { rows: [[1, 1, 1, 1, 1, 1, 1, 1, 1]], nodata: 0 }, SCL: { rows: [[4, 4, 4, 4, 9, 4, 4, 4, 4]], nodata: 0, type: 'uint8' } });
    expect(reduce({ mask_band: 'SCL', bands: ['B08'], reducers: ['count'] }, lone).B08_count).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const wide = chunk({ B08: { rows: [[1, 1, 1, 1, 1, 1, 1, 1, 1]], nodata: 0 }, SCL: { rows: [[9, 9, 9, 9, 9, 4, 4, 4, 4]], nodata: 0, type: 'uint8' } });
    expect(reduce({ mask_band: 'SCL', bands: ['B08'], reducers: ['count'] }, wide).B08_count).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(reducePlugin({ mask_band: 'SCL', bands: ['B08'], reducers: ['count'] }).halo).toBe(9);
  });

  it('without mask_band masks nodata only', () => {
    expect(reduce({ bands: ['B08'], reducers: ['count'] }).B08_count).toEqual([5, 4, 5, 5]);
  });

  it('takes the classes of nodata_classes and cloud_classes', () => {
    // Only SCL 9 is cloud; 0 (no data) is still missing; 3, 8 and 10 count.
    const out = reduce({ mask_band: 'SCL', cloud_classes: ['cloud high probability'], cloud_filters: [], bands: ['B08'], reducers: ['count'] });
    expect(out.B08_count).toEqual([5, 3, 4, 3]);
    const all = reduce({ mask_band: 'SCL', nodata_classes: [], cloud_classes: [], bands: ['B08'], reducers: ['count'] });
    // B08 nodata (0) is still missing.
    expect(all.B08_count).toEqual([5, 4, 5, 5]);
  });

  it('applies scale and offset to the DN before reducing', () => {
    // Pixel 0: DN 10…50 × 0.5 + 1 → 6 11 16 21 26, mean 16.
    expect(reduce({ ...masked, bands: ['B08'], reducers: ['mean'], scale: 0.5, offset: 1 }).B08_mean).toEqual([16, 11, 3, N]);
    // A mapping scales the bands it names only: not SCL, so `SCL == 4` still compares classes.
    const out = reduce({ ...masked, expressions: { veg: 'where(SCL == 4, B08, nan)' }, reducers: ['max'], scale: { B08: 2 } });
    expect(out.veg_max).toEqual([100, 60, 14, N]);
  });

  it('writes nodata where fewer than min_valid observations are valid; count stays', () => {
    const out = reduce({ ...masked, bands: ['B08'], reducers: ['mean', 'count'], percentiles: [50], min_valid: 4 });
    expect(out).toEqual({ B08_mean: [30, N, 4, N], B08_count: [5, 3, 4, 0], B08_pc_50: [30, N, 5, N] });
  });

  it('writes the output type: values × output_scale, rounded halves away from zero and clamped; nodata for missing', () => {
    const c = chunk({ x: { rows: [[1.25, -1.25, N, 70_000, 0.2]], nodata: null, type: 'float32' } });
    const plugin = reducePlugin({ bands: ['x'], reducers: ['mean'], output_dtype: 'int16', output_nodata: -999, output_scale: 2 });
    expect(plugin.measurements).toEqual([{ name: 'x_mean', dtype: 'int16', nodata: -999, overviewResampling: 'average' }]);
    const out = plugin.reduce(c).x_mean!;
    expect(out).toBeInstanceOf(Int16Array);
    expect([...out]).toEqual([3, -3, -999, 32767, 0]);
    // Integer types get a nodata of their own when none is given.
    expect(reducePlugin({ bands: ['x'], reducers: ['max'], output_dtype: 'uint8' }).measurements[0]).toMatchObject({ dtype: 'uint8', nodata: 255 });
  });

  it('names outputs {band}_{reducer} and {band}_pc_{p}, renamed by output_names; derives its inputs', () => {
    const plugin = reducePlugin({
      expressions: { ndvi: '(B08 - B04) / (B08 + B04)', unused: 'B11 * 2' },
      bands: ['ndvi', 'B02'],
      reducers: ['median', 'count'],
      percentiles: [10, 2.5],
      mask_band: 'SCL',
      output_names: { ndvi_median: 'ndvi' },
    });
    expect(plugin.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([
      ['ndvi', 'float32', N],
      ['ndvi_count', 'uint16', 0],
      ['ndvi_pc_10', 'float32', N],
      ['ndvi_pc_2_5', 'float32', N],
      ['B02_median', 'float32', N],
      ['B02_count', 'uint16', 0],
      ['B02_pc_10', 'float32', N],
      ['B02_pc_2_5', 'float32', N],
    ]);
    expect(plugin.inputs).toEqual([
      { name: 'B08', resampling: 'bilinear' },
      { name: 'B04', resampling: 'bilinear' },
      { name: 'B02', resampling: 'bilinear' },
      { name: 'SCL', resampling: 'nearest' },
    ]);
    expect(plugin.quicklook).toEqual({ kind: 'ramp', band: 'ndvi', ramp: 'viridis' });
  });

  it('is the built-in plugin reduce, product reduce', async () => {
    const plugin = await loadPlugin('reduce', { expressions: { ndvi: '(B08 - B04) / (B08 + B04)' }, reducers: ['median'] });
    expect(plugin.name).toBe('reduce');
    expect(plugin.productDefaults).toEqual({ name: 'reduce', version: '0.0.0' });
  });

  it.each([
    [{ expressions: { ndvi: '(B08 - B04) / (B08 + B04))' }, reducers: ['median'] }, "plugin_config of reduce: key 'expressions.ndvi' is not a valid expression: unexpected ')' at column 26"],
    [
      { inputs: ['B04', 'B08'], expressions: { ndvi: '(B8 - B04) / (B08 + B04)' }, reducers: ['median'] },
      "plugin_config of reduce: key 'expressions.ndvi' is not a valid expression: unknown band 'B8' at column 2 (did you mean 'B08'?)",
    ],
    [
      { expressions: { ndvi: 'where(B04 > 0, B08)' }, reducers: ['median'] },
      "plugin_config of reduce: key 'expressions.ndvi' is not a valid expression: where takes 3 arguments, not 2, at column 1 (where(condition, then, else))",
    ],
    [{ expressions: { a: 'B04', b: 'a * 2' }, reducers: ['mean'] }, "plugin_config of reduce: key 'expressions.b' reads a, another expression: an expression reads input bands only"],
    [{ expressions: { 'nd-vi': 'B04' }, reducers: ['mean'] }, /key 'expressions.nd-vi' .*must be a name of letters, digits and _/],
    [{ bands: ['B04'], reducers: ['mode'] }, /key 'reducers\[0\]' must be one of/],
    [{ bands: ['B04'] }, "plugin_config of reduce: key 'reducers' is required (reducers or percentiles: which statistics to compute (mean, median, min, max, stddev, count; percentiles such as [10, 50, 90]))"],
    [{ reducers: ['mean'] }, /key 'bands' is required/],
    [{ inputs: ['B04'], bands: ['B08'], reducers: ['mean'] }, "plugin_config of reduce: key 'bands[0]' B08 is neither an expression nor one of the inputs (B04)"],
    [{ bands: ['B04'], percentiles: [10, 110] }, /key 'percentiles\[1\]' must be/],
    [{ bands: ['B04'], reducers: ['mean'], output_dtype: 'uint8', output_nodata: -1 }, "plugin_config of reduce: key 'output_nodata' must be a whole number from 0 to 255 for output_dtype uint8, not -1"],
    [{ bands: ['B04'], reducers: ['mean'], output_names: { B04_median: 'x' } }, "plugin_config of reduce: key 'output_names.B04_median' is not an output band (did you mean 'B04_mean'?)"],
    [{ bands: ['B04'], reducers: ['mean', 'max'], output_names: { B04_mean: 'B04_max' } }, "plugin_config of reduce: key 'output_names' gives two outputs one name, B04_max"],
    [{ bands: ['B04'], reducers: ['mean'], cloud_classes: [9] }, "plugin_config of reduce: key 'cloud_classes' needs mask_band (the band whose classes it names)"],
    [{ bands: ['B04'], reducers: ['mean'], scale: { B4: 2 } }, "plugin_config of reduce: key 'scale.B4' is not an input band (did you mean 'B04'?)"],
    [{ bands: ['B04'], reducers: ['mean'], mask_band: 'QA', cloud_classes: ['cloud'] }, /class "cloud" of mask band QA: only SCL and fmask classes have names/],
  ])('refuses %j in one line', (config, message) => {
    let error: unknown;
    try {
      reducePlugin(config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    const text = (error as Error).message;
    expect(text).not.toContain('\n');
    if (typeof message === 'string') expect(text).toBe(message);
    else expect(text).toMatch(message);
  });

  it('puts an expression error on the expression key, for the editor', () => {
    let error: unknown;
    try {
      reducePlugin({ expressions: { ndvi: 'B08 +' }, reducers: ['median'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { path: ['expressions', 'ndvi'], message: 'is not a valid expression: unexpected end of expression at column 6', severity: 'error' },
    ]);
  });
});
