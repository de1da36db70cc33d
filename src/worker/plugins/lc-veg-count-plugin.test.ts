import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import type { GeoBox } from '../../shared/geobox.js';
import { vegCountPlugin } from './lc-veg-count-plugin.js';
import type { ObservationChunk } from './plugin.js';
import { loadPlugin } from './registry.js';

const strip = (width: number): GeoBox => ({ crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0], width, height: 1 });

interface Day {
  day: string;
  water: number[];
  pv: number[];
  bs: number[];
  npv?: number[];
  ue?: number[];
}

/** A chunk of days of FC fused with WO; npv 0 and ue 0 where a day leaves them out. */
function chunk(days: Day[]): ObservationChunk {
  const width = days[0]!.water.length;
  const band = (get: (d: Day) => number[]) => days.map((d) => Uint8Array.from(get(d)));
  return {
    geobox: strip(width),
    days: days.map((d) => d.day),
    bands: {
      water: band((d) => d.water),
      pv: band((d) => d.pv),
      bs: band((d) => d.bs),
      npv: band((d) => d.npv ?? new Array<number>(width).fill(0)),
      ue: band((d) => d.ue ?? new Array<number>(width).fill(0)),
    },
    nodata: { water: 1, pv: 255, bs: 255, npv: 255, ue: 255 },
  };
}

const values = (a: ArrayLike<number> | undefined) => Array.from(a!);

/** The same observation in January and February: a run of 2 months, where the veg_threshold clip leaves it be. */
const twoMonths = (d: Omit<Day, 'day'>): Day[] => [
  { day: '2020-01-10', ...d },
  { day: '2020-02-10', ...d },
];

describe('veg_count', () => {
  it('classes each month as vegetated, water, wet or unknown, by the rules of each input', () => {
    // 0: dry, pv > bs. 1: dry, npv > bs. 2: dry, pv = npv = bs. 3: wet. 4: wet at a low sun
    // (bit 2 ignored). 5: high slope, terrain shadow and low sun: cover usable, not clear (water
    // unknown), valid and dry (not wet). 6: cloud. 7: ue 30, at the threshold: cover unusable,
    // still clear and dry. 8: ue 29. 9: pv nodata. 10: water nodata. 11: bs nodata (pv > NaN is
    // false: not vegetated).
    const out = vegCountPlugin({}).reduce(
      chunk(
        twoMonths({
          water: [0, 0, 0, 128, 132, 28, 64, 0, 0, 0, 1, 0],
          pv: [50, 10, 20, 50, 50, 50, 50, 50, 50, 255, 50, 30],
          bs: [20, 20, 20, 10, 10, 10, 10, 10, 10, 10, 10, 255],
          npv: [10, 30, 20, 0, 0, 0, 0, 0, 0, 10, 0, 10],
          ue: [5, 5, 5, 5, 5, 5, 5, 30, 29, 5, 5, 5],
        }),
      ),
    );
    expect(out['veg_frequency']).toBeInstanceOf(Uint8Array);
    expect(values(out['veg_frequency'])).toEqual([2, 2, 0, 255, 255, 2, 255, 255, 2, 255, 255, 0]);
    expect(values(out['water_frequency'])).toEqual([0, 0, 0, 12, 12, 255, 255, 0, 0, 0, 255, 0]);
    expect(values(out['wet_percentage'])).toEqual([0, 0, 0, 100, 100, 0, 255, 0, 0, 0, 255, 0]);
  });

  it('counts runs of months by monthly medians, skipping months without data, and scales water and wet months', () => {
    // Days out of order; January of two years is one month, as odc-stats groups by month.
    // Pixel 0, by month: Jan veg, Feb veg, Mar cloud (skipped), Apr veg, May bare, Jun veg → 3;
    //   never wet: water 0 of 5 months, wet 0 %.
    // Pixel 1: Jan pv 10, 40, 50 and a cloudy 90 → median 40 > bs 30: veg; Feb pv 20, 41 →
    //   30.5 > 30: veg; Mar pv 20, 40 → 30, not above: bare; Apr veg; May, Jun cloud → 2.
    // Pixel 2: Jan wet, dry (and cloud) → 0.5: not water (not above 0.5) but wet (above 0), the
    //   dry day bare; Feb wet, wet, dry (bare) → 1; Mar wet; Apr dry, veg; May wet; Jun cloud.
    //   Cover: bare, bare, -, veg, - → veg run 1, bare run 2. Water: 0, 1, 1, 0, 1 → run 2 of 5
    //   months, ⌈2 ÷ 5 × 12⌉ = 5. Wet: 4 of 5 months, 80 %.
    const W = 128;
    const C = 64;
    const days: Day[] = [
      { day: '2020-03-02', water: [C, 0, W], pv: [0, 20, 0], bs: [0, 30, 0] },
      { day: '2020-01-05', water: [0, 0, W], pv: [50, 10, 0], bs: [10, 30, 0] },
      { day: '2021-01-06', water: [0, 0, 0], pv: [50, 40, 0], bs: [10, 30, 0] },
      { day: '2020-01-20', water: [C, 0, C], pv: [0, 50, 0], bs: [0, 30, 0] },
      { day: '2020-01-21', water: [C, C, C], pv: [0, 90, 0], bs: [0, 30, 0] },
      { day: '2020-02-01', water: [0, 0, W], pv: [50, 20, 0], bs: [10, 30, 0] },
      { day: '2020-02-11', water: [0, 0, W], pv: [50, 41, 0], bs: [10, 30, 0] },
      { day: '2020-02-21', water: [0, C, 0], pv: [50, 0, 0], bs: [10, 30, 0] },
      { day: '2020-03-12', water: [C, 0, C], pv: [0, 40, 0], bs: [0, 30, 0] },
      { day: '2020-04-01', water: [0, 0, 0], pv: [50, 50, 50], bs: [10, 30, 10] },
      { day: '2020-05-01', water: [0, C, W], pv: [5, 0, 0], bs: [10, 0, 0] },
      { day: '2020-06-01', water: [0, C, C], pv: [50, 0, 0], bs: [10, 0, 0] },
    ];
    const out = vegCountPlugin({}).reduce(chunk(days));
    expect(values(out['veg_frequency'])).toEqual([3, 2, 1]);
    expect(values(out['water_frequency'])).toEqual([0, 0, 5]);
    expect(values(out['wet_percentage'])).toEqual([0, 0, 80]);
  });

  it('counts a pixel neither vegetated nor bare for veg_threshold months as vegetated for that many', () => {
    // Jan, Feb, Mar. 0: veg, bare, veg (runs 1 and 1). 1: veg, wet, veg (the wet month has no
    // cover: a run of 2). 2: bare, bare, veg (veg 1, bare 2). 3: wet throughout.
    const V = { pv: 50, bs: 10 };
    const B = { pv: 10, bs: 50 };
    const month = (day: string, px: Array<{ pv: number; bs: number; wet?: boolean }>): Day => ({
      day,
      water: px.map((p) => (p.wet ? 128 : 0)),
      pv: px.map((p) => p.pv),
      bs: px.map((p) => p.bs),
    });
    const wet = { pv: 0, bs: 0, wet: true };
    const days = [month('2020-01-01', [V, V, B, wet]), month('2020-02-01', [B, wet, B, wet]), month('2020-03-01', [V, V, V, wet])];
    const out = vegCountPlugin({}).reduce(chunk(days));
    expect(values(out['veg_frequency'])).toEqual([2, 2, 1, 255]);
    // Pixel 1: wet 1 of 3 months: ⌈12 ÷ 3⌉ = 4 and ⌈33.3⌉ = 34 %.
    expect(values(out['water_frequency'])).toEqual([0, 4, 0, 12]);
    expect(values(out['wet_percentage'])).toEqual([0, 34, 0, 100]);
    expect(values(vegCountPlugin({ veg_threshold: 3 }).reduce(chunk(days))['veg_frequency'])).toEqual([3, 3, 3, 255]);
  });

  it('dilates cloud and cloud shadow with cloud_filters, out of cover, clear and wet', () => {
    const day = { water: [0, 64, 0, 0, 128, 128, 32], pv: [50, 50, 50, 50, 0, 0, 50], bs: [10, 10, 10, 10, 0, 0, 10] };
    const plain = vegCountPlugin({}).reduce(chunk(twoMonths(day)));
    expect(values(plain['veg_frequency'])).toEqual([2, 255, 2, 2, 255, 255, 255]);
    expect(values(plain['water_frequency'])).toEqual([0, 255, 0, 0, 12, 12, 255]);
    const plugin = vegCountPlugin({ cloud_filters: { cloud: [['dilation', 1]], cloud_shadow: [['dilation', 1]] } });
    expect(plugin.halo).toBe(1);
    const out = plugin.reduce(chunk(twoMonths(day)));
    // The cloud at 1 takes 0–2, the shadow at 6 takes 5–6; 3 dry and 4 wet remain.
    expect(values(out['veg_frequency'])).toEqual([255, 255, 255, 2, 255, 255, 255]);
    expect(values(out['water_frequency'])).toEqual([255, 255, 255, 0, 12, 255, 255]);
    expect(values(out['wet_percentage'])).toEqual([255, 255, 255, 0, 100, 255, 255]);
  });

  it('takes ue_threshold from plugin_config', () => {
    const day = { water: [0, 0], pv: [50, 50], bs: [10, 10], ue: [30, 40] };
    expect(values(vegCountPlugin({}).reduce(chunk(twoMonths(day)))['veg_frequency'])).toEqual([255, 255]);
    expect(values(vegCountPlugin({ ue_threshold: 40 }).reduce(chunk(twoMonths(day)))['veg_frequency'])).toEqual([2, 255]);
  });

  it('names its outputs by measurements, the first ones of its three', () => {
    const plugin = vegCountPlugin({ measurements: ['veg', 'water'] });
    expect(plugin.measurements.map((m) => m.name)).toEqual(['veg', 'water']);
    const out = plugin.reduce(chunk(twoMonths({ water: [0], pv: [50], bs: [10] })));
    expect(Object.keys(out)).toEqual(['veg', 'water']);
    expect(values(out['veg'])).toEqual([2]);
    expect(() => vegCountPlugin({ measurements: ['a', 'b', 'c', 'd'] })).toThrow(ConfigError);
  });

  it('gives nodata where a task has no observations', () => {
    const empty: ObservationChunk = { geobox: strip(2), days: [], bands: { water: [], pv: [], bs: [], npv: [], ue: [] }, nodata: {} };
    const out = vegCountPlugin({}).reduce(empty);
    expect(values(out['veg_frequency'])).toEqual([255, 255]);
    expect(values(out['wet_percentage'])).toEqual([255, 255]);
  });

  it('refuses keys odc-stats would ignore or not take', () => {
    expect(() => vegCountPlugin({ cloud_filters: { terrain_shadow: [['dilation', 1]] } })).toThrow(/cloud, cloud_shadow/);
    expect(() => vegCountPlugin({ ue_treshold: 30 })).toThrow(ConfigError);
  });

  it('is odc-stats’ StatsVegCount, its product ga_ls_lccs_fc_wo_a0', async () => {
    const plugin = await loadPlugin('odc.stats.plugins.lc_fc_wo_a0.StatsVegCount', {});
    expect(plugin.name).toBe('veg_count');
    expect(plugin.inputs.map((i) => i.name)).toEqual(['water', 'pv', 'bs', 'npv', 'ue']);
    expect(plugin.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([
      ['veg_frequency', 'uint8', 255],
      ['water_frequency', 'uint8', 255],
      ['wet_percentage', 'uint8', 255],
    ]);
    expect(plugin.productDefaults).toEqual({ name: 'ga_ls_lccs_fc_wo_a0', version: '0.0.1', productFamily: 'lccs' });
  });
});
