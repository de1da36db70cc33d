import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import { cloudProbaPercentilesPlugin } from './cloud-proba-percentiles-plugin.js';
import type { ObservationChunk } from './plugin.js';
import { loadPlugin } from './registry.js';

const PC = ['oa_s2cloudless_prob_pc_5', 'oa_s2cloudless_prob_pc_10', 'oa_s2cloudless_prob_pc_25'];
const f = Math.fround;
const NaN32 = Number.NaN;

/**
 * Five days of a 3-pixel row: probabilities (float32, nodata NaN) and the s2cloudless mask
 * (0 nodata, 1 valid, 2 cloud).
 */
function chunk(): ObservationChunk {
  const prob = [
    [0.9, NaN32, 0.8],
    [0.1, 0.2, NaN32],
    [0.5, NaN32, NaN32],
    [0.3, 0.4, NaN32],
    [0.7, 0.6, 0.2],
  ];
  const mask = [
    [1, 0, 1],
    [0, 1, 0],
    [2, 0, 0],
    [1, 1, 0],
    [1, 1, 1],
  ];
  return {
    geobox: { crs: 'EPSG:3577', affine: [10, 0, 0, 0, -10, 0], width: 3, height: 1 },
    days: ['d1', 'd2', 'd3', 'd4', 'd5'],
    bands: { oa_s2cloudless_prob: prob.map((d) => Float32Array.from(d)), oa_s2cloudless_mask: mask.map((d) => Uint8Array.from(d)) },
    nodata: { oa_s2cloudless_prob: Number.NaN, oa_s2cloudless_mask: 0 },
  };
}

function percentiles(out: Record<string, ArrayLike<number>>, pixel: number): number[] {
  return PC.map((name) => out[name]![pixel]!);
}

describe('S2Cloudless_percentiles', () => {
  it('by default loads the probability alone, cubic, and masks nothing', () => {
    const plugin = cloudProbaPercentilesPlugin({});
    expect(plugin.inputs).toEqual([{ name: 'oa_s2cloudless_prob', resampling: 'cubic' }]);
    const out = plugin.reduce(chunk());
    // Pixel 0, all five days (the mask's nodata and cloud days too): 0.1 0.3 0.5 0.7 0.9, ranks
    // round(0.05 × 4) = 0, round(0.1 × 4) = 0, round(0.25 × 4) = 1.
    expect(percentiles(out, 0)).toEqual([f(0.1), f(0.1), f(0.3)]);
    // Pixel 1: 0.2 0.4 0.6; round(0.25 × 2) = round(0.5) = 0, halves to even.
    expect(percentiles(out, 1)).toEqual([f(0.2), f(0.2), f(0.2)]);
    // Pixel 2: two valid days, fewer than odc-algo's three.
    expect(percentiles(out, 2)).toEqual([NaN32, NaN32, NaN32]);
    expect(out[PC[0]!]).toBeInstanceOf(Float32Array);
  });

  it('masks the nodata class when the mask band is one of the bands', () => {
    const plugin = cloudProbaPercentilesPlugin({ bands: ['oa_s2cloudless_prob', 'oa_s2cloudless_mask'] });
    expect(plugin.inputs).toEqual([
      { name: 'oa_s2cloudless_prob', resampling: 'cubic' },
      { name: 'oa_s2cloudless_mask', resampling: 'nearest' },
    ]);
    expect(plugin.measurements.map((m) => m.name)).toEqual(PC);
    const out = plugin.reduce(chunk());
    // Pixel 0 without day 2 (mask nodata), the cloud day kept: 0.3 0.5 0.7 0.9, ranks 0, 0, round(0.75) = 1.
    expect(percentiles(out, 0)).toEqual([f(0.3), f(0.3), f(0.5)]);
    // Pixel 1 loses no valid day (its nodata days have no probability either).
    expect(percentiles(out, 1)).toEqual([f(0.2), f(0.2), f(0.2)]);
    // With cloud erased too, pixel 0 keeps 0.3 0.7 0.9: every rank 0.
    const strict = cloudProbaPercentilesPlugin({ bands: ['oa_s2cloudless_prob', 'oa_s2cloudless_mask'], nodata_classes: ['nodata', 2] });
    expect(percentiles(strict.reduce(chunk()), 0)).toEqual([f(0.3), f(0.3), f(0.3)]);
  });

  it('picks ranks round(q × (n − 1)), halves to even, over eleven days', () => {
    const days = Array.from({ length: 11 }, (_, t) => `d${t}`);
    const out = cloudProbaPercentilesPlugin({}).reduce({
      geobox: { crs: 'EPSG:3577', affine: [10, 0, 0, 0, -10, 0], width: 1, height: 1 },
      days,
      // 11, 10, …, 1: sorted, the value of rank r is r + 1.
      bands: { oa_s2cloudless_prob: days.map((_, t) => Float32Array.of(11 - t)) },
      nodata: { oa_s2cloudless_prob: Number.NaN },
    });
    // Ranks round(0.5) = 0, round(1) = 1, round(2.5) = 2.
    expect(percentiles(out, 0)).toEqual([1, 2, 3]);
  });

  it('is odc-stats’ registered name and class path, its product S2Cloudless_percentiles 1.0.0', async () => {
    for (const name of ['s2_gm_tools.S2Cloudless_percentiles', 'odc.stats.plugins.cloud_proba_percentiles.S2Cloudless_percentiles']) {
      const plugin = await loadPlugin(name, {});
      expect(plugin.name).toBe('s2_gm_tools.S2Cloudless_percentiles');
      expect(plugin.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual(PC.map((n) => [n, 'float32', Number.NaN]));
      expect(plugin.productDefaults).toEqual({ name: 'S2Cloudless_percentiles', version: '1.0.0', productFamily: 'percentiles' });
    }
  });

  it('refuses output bands other than those it computes, unknown mask classes and a mask band alone', () => {
    expect(() => cloudProbaPercentilesPlugin({ output_bands: ['oa_s2cloudless_prob_pc_50'] })).toThrow(
      "key 'output_bands' must be the percentile bands computed from bands, oa_s2cloudless_prob_pc_5, oa_s2cloudless_prob_pc_10, oa_s2cloudless_prob_pc_25: 'oa_s2cloudless_prob_pc_50' is not among both",
    );
    expect(() => cloudProbaPercentilesPlugin({ bands: ['oa_s2cloudless_prob', 'oa_s2cloudless_mask'], nodata_classes: ['shadow'] })).toThrow(
      /key 'nodata_classes' has 'shadow', which is no class of the s2cloudless mask: 0 'nodata', 1 'valid', 2 'cloud'/,
    );
    expect(() => cloudProbaPercentilesPlugin({ bands: ['oa_s2cloudless_mask'] })).toThrow(/names only the mask band/);
    expect(() => cloudProbaPercentilesPlugin({ resampling: 'lanczos' })).toThrow(ConfigError);
    // Another band's percentiles, named after it.
    const other = cloudProbaPercentilesPlugin({ bands: ['prob'], output_bands: ['prob_pc_25', 'prob_pc_5', 'prob_pc_10'] });
    expect(other.measurements.map((m) => m.name)).toEqual(['prob_pc_25', 'prob_pc_5', 'prob_pc_10']);
  });
});
