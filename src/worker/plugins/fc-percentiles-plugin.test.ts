import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk } from './plugin.js';
import { loadPlugin } from './registry.js';

/** A one-row strip of `width` pixels. */
const strip = (width: number) => ({ crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0] as const, width, height: 1 });

/** A chunk from per-day rows of each band (one row per day, one entry per pixel). */
function chunkOf(bands: Record<string, number[][]>): ObservationChunk {
  const days = bands['water']!.length;
  const width = bands['water']![0]!.length;
  return {
    geobox: strip(width),
    days: Array.from({ length: days }, (_, t) => `2020-01-0${t + 1}`),
    bands: Object.fromEntries(Object.entries(bands).map(([name, rows]) => [name, rows.map((row) => Uint8Array.from(row))])),
    nodata: { water: 1, pv: 255, bs: 255, npv: 255, ue: 255 },
  };
}

const values = (a: SampleArray | undefined) => Array.from(a!);

describe('fc-percentiles', () => {
  // Water flags: 0 clear dry, 16 high slope (ignored), 128 wet, 144 wet on a high slope,
  // 64 cloud, 8 terrain shadow, 1 nodata. Five days, five pixels.
  const water = [
    [0, 128, 0, 0, 0],
    [16, 144, 64, 0, 0],
    [0, 0, 1, 0, 0],
    [0, 0, 8, 0, 128],
    [0, 64, 0, 64, 1],
  ];
  const pv = [
    [10, 1, 1, 255, 255],
    [50, 1, 1, 12, 10],
    [30, 1, 1, 7, 20],
    [20, 1, 1, 9, 50],
    [40, 1, 1, 99, 50],
  ];
  const bs = [
    [5, 2, 2, 20, 1],
    [5, 2, 2, 30, 2],
    [5, 2, 2, 40, 3],
    [5, 2, 2, 10, 9],
    [5, 2, 2, 99, 9],
  ];
  const npv = [
    [80, 3, 3, 1, 4],
    [40, 3, 3, 2, 5],
    [60, 3, 3, 3, 6],
    [70, 3, 3, 4, 9],
    [50, 3, 3, 99, 9],
  ];

  it('takes the 10/50/90th percentiles of clear dry days, with qa and count_valid as odc-stats', async () => {
    const plugin = await loadPlugin('fc-percentiles', { count_valid: true });
    const out = plugin.reduce(chunkOf({ water, pv, bs, npv }));
    // Pixel 0: five dry days (high slope counts as dry). pv sorted 10 20 30 40 50: ranks 0.4→0,
    //   2, 3.6→4; bs all 5; npv sorted 40 50 60 70 80 → 40 60 80. qa 2.
    // Pixel 1: dry on days 3 and 4 only (wet twice, cloud once): too few → 255; wet → qa 0.
    // Pixel 2: dry on days 1 and 5 only (cloud, nodata, terrain shadow between): 255; never wet → qa 1.
    // Pixel 3: dry on days 1–4 (day 5 cloud). pv 255 on day 1 leaves 12 7 9 → 7 9 12 (ranks 0.2→0,
    //   1, 1.8→2); bs 10 20 30 40 → ranks 0.3→0, 1.5→2, 2.7→3: 10 30 40; npv 1 2 3 4 → 1 3 4. qa 2.
    // Pixel 4: dry on days 1–3, wet on day 4, nodata on day 5. pv has 2 values (255 on day 1) →
    //   255; bs 1 2 3 and npv 4 5 6 have percentiles; a percentile missing and wet once → qa 0.
    expect(values(out['pv_pc_10'])).toEqual([10, 255, 255, 7, 255]);
    expect(values(out['pv_pc_50'])).toEqual([30, 255, 255, 9, 255]);
    expect(values(out['pv_pc_90'])).toEqual([50, 255, 255, 12, 255]);
    expect(values(out['bs_pc_10'])).toEqual([5, 255, 255, 10, 1]);
    expect(values(out['bs_pc_50'])).toEqual([5, 255, 255, 30, 2]);
    expect(values(out['bs_pc_90'])).toEqual([5, 255, 255, 40, 3]);
    expect(values(out['npv_pc_10'])).toEqual([40, 255, 255, 1, 4]);
    expect(values(out['npv_pc_50'])).toEqual([60, 255, 255, 3, 5]);
    expect(values(out['npv_pc_90'])).toEqual([80, 255, 255, 4, 6]);
    expect(values(out['qa'])).toEqual([2, 0, 1, 2, 0]);
    // count_valid counts clear dry days, FC nodata or not (pixel 3's day 1, pixel 4's day 1).
    expect(values(out['count_valid'])).toEqual([5, 2, 2, 4, 3]);
    expect(out['count_valid']).toBeInstanceOf(Int16Array);
  });

  it('names, types and defaults its outputs as odc-stats', async () => {
    const plugin = await loadPlugin('fc-percentiles', {});
    expect(plugin.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([
      ...['pv', 'bs', 'npv'].flatMap((b) => ['10', '50', '90'].map((p) => [`${b}_pc_${p}`, 'uint8', 255])),
      ['qa', 'uint8', null],
    ]);
    expect(plugin.productDefaults).toEqual({ name: 'ga_fc_percentiles', version: '0.0.3', productFamily: 'fc_percentiles' });
    expect(plugin.inputs.map((i) => i.name)).toEqual(['water', 'pv', 'bs', 'npv']);
    expect(plugin.quicklook).toEqual({ kind: 'rgb', bands: ['bs_pc_50', 'pv_pc_50', 'npv_pc_50'] });
    expect(Object.keys(plugin.reduce(chunkOf({ water, pv, bs, npv })))).not.toContain('count_valid');
    const withUe = await loadPlugin('fc-percentiles', { ue_threshold: 30, count_valid: true });
    expect(withUe.inputs.map((i) => i.name)).toEqual(['water', 'pv', 'bs', 'npv', 'ue']);
    expect(withUe.measurements.at(-1)).toMatchObject({ name: 'count_valid', dtype: 'int16', nodata: null });
  });

  it('drops days at or over ue_threshold and whose uint8 band sum reaches max_sum_limit, and clips', async () => {
    // Four dry days, two pixels.
    const dry = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
    const chunk = chunkOf({
      water: dry,
      // Pixel 0, day 1: 100+100+100 = 300, which wraps to 44 in uint8 (< 120): kept, as odc-stats
      // keeps it. Day 2: 50+50+30 = 130 ≥ 120: dropped. Day 3: ue 30, not < 30: dropped.
      // Day 4: 110+5+4 = 119: kept. Pixel 1: day 1 pv is nodata (added as 0): 0+60+59 = 119 < 120:
      // kept; day 4: ue 29 kept.
      pv: [
        [100, 255],
        [50, 30],
        [20, 20],
        [110, 10],
      ],
      bs: [
        [100, 60],
        [50, 30],
        [20, 20],
        [5, 10],
      ],
      npv: [
        [100, 59],
        [30, 30],
        [20, 20],
        [4, 10],
      ],
      ue: [
        [0, 0],
        [0, 0],
        [30, 0],
        [0, 29],
      ],
    });
    const plugin = await loadPlugin('fc-percentiles', { ue_threshold: 30, max_sum_limit: 120, clip_range: [0, 100], count_valid: true });
    const out = plugin.reduce(chunk);
    // Pixel 0 keeps days 1 and 4: two days → 255 everywhere, qa 1.
    // Pixel 1 keeps all four; pv has 30 20 10 (day 1 nodata) → 10 20 30; bs 60 30 20 10 →
    //   10 20 30 60 → ranks 0, 2, 3 → 10 30 60; npv 59 30 20 10 → 10 30 59.
    expect(values(out['count_valid'])).toEqual([2, 4]);
    expect(values(out['pv_pc_10'])).toEqual([255, 10]);
    expect(values(out['pv_pc_50'])).toEqual([255, 20]);
    expect(values(out['pv_pc_90'])).toEqual([255, 30]);
    expect(values(out['bs_pc_90'])).toEqual([255, 60]);
    expect(values(out['npv_pc_50'])).toEqual([255, 30]);
    expect(values(out['qa'])).toEqual([1, 2]);

    // clip_range alone: all four days count, pixel 0's pv 110 on day 4 clipped to 100:
    // 100 50 20 100 → 20 50 100 100 → ranks 0.3→0, 1.5→2, 2.7→3 → 20 100 100.
    const clipped = (await loadPlugin('fc-percentiles', { clip_range: [0, 100] })).reduce(chunk);
    expect([clipped['pv_pc_10']![0], clipped['pv_pc_50']![0], clipped['pv_pc_90']![0]]).toEqual([20, 100, 100]);
    const unclipped = (await loadPlugin('fc-percentiles', {})).reduce(chunk);
    expect(unclipped['pv_pc_90']![0]).toBe(110);
  });

  it('cleans and masks the cloud flag with cloud_filters, clearing wet days under it too', async () => {
    // Three days, five pixels; a cloud at pixel 2 on day 1, wet at pixel 1 the same day.
    const chunk = chunkOf({
      water: [
        [0, 128, 64, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ],
      pv: [[10, 10, 10, 10, 10], [20, 20, 20, 20, 20], [30, 30, 30, 30, 30]],
      bs: [[10, 10, 10, 10, 10], [20, 20, 20, 20, 20], [30, 30, 30, 30, 30]],
      npv: [[10, 10, 10, 10, 10], [20, 20, 20, 20, 20], [30, 30, 30, 30, 30]],
    });
    const plain = (await loadPlugin('fc-percentiles', { count_valid: true })).reduce(chunk);
    // Three dry days (10 20 30 → ranks 0.2→0, 1, 1.8→2) at pixels 0, 3, 4; two at 1 (wet) and 2 (cloud).
    expect(values(plain['pv_pc_10'])).toEqual([10, 255, 255, 10, 10]);
    expect(values(plain['pv_pc_90'])).toEqual([30, 255, 255, 30, 30]);
    expect(values(plain['qa'])).toEqual([2, 0, 1, 2, 2]);
    expect(values(plain['count_valid'])).toEqual([3, 2, 2, 3, 3]);

    const plugin = await loadPlugin('fc-percentiles', { count_valid: true, cloud_filters: { cloud: [['dilation', 1]], cloud_shadow: null } });
    expect(plugin.halo).toBe(1);
    const out = plugin.reduce(chunk);
    // The cloud dilated by 1 covers pixels 1–3 on day 1: pixel 3 loses a dry day, and pixel 1's
    // wet day is masked, so it was never (clear and) wet: qa 1.
    expect(values(out['pv_pc_10'])).toEqual([10, 255, 255, 255, 10]);
    expect(values(out['qa'])).toEqual([2, 1, 1, 1, 2]);
    expect(values(out['count_valid'])).toEqual([3, 2, 2, 2, 3]);
  });

  it('refuses a cloud_filters key that is not a water flag it masks', async () => {
    const error = await loadPlugin('fc-percentiles', { cloud_filters: { shadow: [['dilation', 6]] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/cloud_filters.*'shadow'.*cloud, cloud_shadow, terrain_shadow/);
    await expect(loadPlugin('fc-percentiles', { count_valid: 'yes' })).rejects.toThrow(/count_valid/);
    await expect(loadPlugin('fc-percentiles', { rgb_bands: ['bs_pc_50', 'pv_pc_50', 'npv_pc_55'] })).rejects.toThrow(/rgb_bands' names 'npv_pc_55'/);
  });
});
