import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import type { ObservationChunk } from './plugin.js';
import { loadPlugin } from './registry.js';
import { wofsFullHistoryPlugin, wofsSummaryPlugin } from './wofs-plugin.js';

/** A one-row strip of `width` pixels. */
const strip = (width: number) => ({ crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0] as const, width, height: 1 });

function waterChunk(days: number[][]): ObservationChunk {
  return {
    geobox: strip(days[0]!.length),
    days: days.map((_, t) => `2021-01-0${t + 1}`),
    bands: { water: days.map((values) => Uint8Array.from(values)) },
    nodata: { water: 1 },
  };
}

const values = (a: ArrayLike<number> | undefined) => Array.from(a!);

describe('wofs-summary', () => {
  it('counts clear and wet observations by the WO bits', () => {
    // Bits: 1 nodata, 2 non-contiguous, 4 low solar angle, 8 terrain shadow, 16 high slope,
    // 32 cloud shadow, 64 cloud, 128 water. Only 0 (dry) and 128 (wet) are clear.
    const chunk = waterChunk([
      [0, 64 | 128, 1, 32, 1 | 64, 16],
      [128, 128, 1, 2, 1 | 128, 0],
      [0, 8, 1, 4, 0, 0],
    ]);
    const out = wofsSummaryPlugin({}).reduce(chunk);
    // p0 dry, wet, dry: 3 clear, 1 wet. p1 wet under cloud, wet, terrain shadow: 1 clear, 1 wet.
    // p2 nodata throughout: nodata. p3 cloud shadow, non-contiguous, low sun: seen, never clear.
    // p4 nodata bit with cloud (not counted as bad), nodata bit with water (not wet), dry: 1 clear.
    // p5 high slope, dry, dry: 2 clear.
    expect(values(out['count_clear'])).toEqual([3, 1, -999, 0, 1, 2]);
    expect(values(out['count_wet'])).toEqual([1, 1, -999, 0, 0, 0]);
    expect(out['frequency']).toBeInstanceOf(Float32Array);
    expect(values(out['frequency'])).toEqual([Math.fround(1 / 3), 1, NaN, NaN, 0, 0]);
    expect(out['count_clear']).toBeInstanceOf(Int16Array);
  });

  it('gives nodata counts where no day reaches the pixel, and where there is no day', () => {
    const out = wofsSummaryPlugin({}).reduce({ geobox: strip(2), days: [], bands: { water: [] }, nodata: { water: 1 } });
    expect(values(out['count_clear'])).toEqual([-999, -999]);
    expect(values(out['count_wet'])).toEqual([-999, -999]);
    expect(values(out['frequency'])).toEqual([NaN, NaN]);
  });

  it('cleans the flags named in cloud_filters and adds them to the not-clear pixels', () => {
    const plugin = wofsSummaryPlugin({ cloud_filters: { cloud: [['dilation', 1]], cloud_shadow: null } });
    expect(plugin.halo).toBe(1);
    // Day 1: cloud at 3, dilated to 2–4 along the row; nodata at 6. Day 2: wet everywhere.
    const out = plugin.reduce(waterChunk([
      [0, 0, 0, 64, 0, 0, 1],
      [128, 128, 128, 128, 128, 128, 128],
    ]));
    expect(values(out['count_clear'])).toEqual([2, 2, 1, 1, 1, 2, 1]);
    expect(values(out['count_wet'])).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(values(out['frequency'])).toEqual([0.5, 0.5, 1, 1, 1, 0.5, 1]);
  });

  it('counts a nodata pixel reached by a cleaned cloud as seen and not clear, as odc-stats does', () => {
    const day = [[64, 1, 0]];
    const plain = wofsSummaryPlugin({}).reduce(waterChunk(day));
    expect(values(plain['count_clear'])).toEqual([0, -999, 1]);
    const dilated = wofsSummaryPlugin({ cloud_filters: { cloud: [['dilation', 1]] } }).reduce(waterChunk(day));
    // The dilated cloud covers pixels 0 and 1; pixel 2 is two away.
    expect(values(dilated['count_clear'])).toEqual([0, 0, 1]);
    expect(values(dilated['count_wet'])).toEqual([0, 0, 0]);
  });

  it('takes the halo of the widest cleaning', () => {
    const plugin = wofsSummaryPlugin({ cloud_filters: { cloud: [['dilation', 6]], terrain_shadow: [['opening', 2], ['dilation', 1]] } });
    expect(plugin.halo).toBe(6);
  });

  it('refuses a flag it cannot clean, another resampling, and the reprojection keys', () => {
    const refusal = (config: Record<string, unknown>) => {
      try {
        wofsSummaryPlugin(config);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).issues[0];
      }
      throw new Error('not refused');
    };
    expect(refusal({ cloud_filters: { clouds: [['dilation', 6]] } })).toMatchObject({ path: ['cloud_filters', 'clouds'], message: "did you mean 'cloud'?" });
    expect(refusal({ resampling: 'bilinear' })).toMatchObject({ path: ['resampling'] });
    expect(refusal({ transform_code: 'EPSG:0' })).toMatchObject({ path: ['transform_code'] });
    expect(() => wofsSummaryPlugin({ cloud_filters: { cloud: [['dilate', 6]] } })).toThrow(/plugin_config\.cloud_filters\.cloud\[0\]: unknown operation/);
  });
});

describe('wofs-summary-fh', () => {
  function summaries(clear: number[][], wet: number[][]): ObservationChunk {
    return {
      geobox: strip(clear[0]!.length),
      days: clear.map((_, t) => `${2019 + t}-01-01`),
      bands: { count_clear: clear.map((v) => Int16Array.from(v)), count_wet: wet.map((v) => Int16Array.from(v)) },
      nodata: { count_clear: -999, count_wet: -999 },
    };
  }

  it('adds up the counts of the summaries, leaving out their nodata', () => {
    const out = wofsFullHistoryPlugin({}).reduce(
      summaries(
        [
          [10, -999, 0, -999, 3],
          [20, -999, 0, 4, -999],
          [-999, -999, 0, -999, 2],
        ],
        [
          [5, -999, 0, -999, -999],
          [0, -999, 0, 4, -999],
          [-999, -999, 0, -999, 1],
        ],
      ),
    );
    // p0: 30 clear, 5 wet. p1: never observed. p2: observed, never clear. p3: 4 of 4.
    // p4: 5 clear, 1 wet (its first year's wet count is nodata).
    expect(values(out['count_clear'])).toEqual([30, -999, 0, 4, 5]);
    expect(values(out['count_wet'])).toEqual([5, -999, 0, 4, 1]);
    expect(values(out['frequency'])).toEqual([Math.fround(5 / 30), NaN, NaN, 1, Math.fround(1 / 5)]);
  });

  it('differs from wofs-summary in what it reads and how it loads it', () => {
    const fh = wofsFullHistoryPlugin({});
    expect(fh.inputs).toEqual([
      { name: 'count_wet', resampling: 'bilinear' },
      { name: 'count_clear', resampling: 'bilinear' },
    ]);
    expect(fh.halo ?? 0).toBe(0);
    // odc-stats' StatsWofsFullHistory drops every keyword: the common keys are read without effect.
    expect(() => wofsFullHistoryPlugin({ resampling: 'nearest', transform_code: 'EPSG:9688' })).not.toThrow();
    expect(() => wofsFullHistoryPlugin({ cloud_filters: {} })).toThrow(ConfigError);
  });
});

describe('the WO plugins in the registry', () => {
  it("have odc-stats' names, bands and default products", async () => {
    const summary = await loadPlugin('wofs-summary', {});
    expect(summary.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([
      ['count_wet', 'int16', -999],
      ['count_clear', 'int16', -999],
      ['frequency', 'float32', NaN],
    ]);
    expect(summary.inputs.map((i) => i.name)).toEqual(['water']);
    expect(summary.productDefaults).toEqual({ name: 'ga_ls_wo_summary', version: '1.6.1', productFamily: 'wo_summary' });
    const fh = await loadPlugin('wofs-summary-fh', {});
    expect(fh.measurements.map((m) => m.name)).toEqual(['count_wet', 'count_clear', 'frequency']);
    expect(fh.productDefaults).toEqual({ name: 'ga_ls_wo_fq_myear_3', version: '1.6.0', productFamily: 'wo_summary' });
  });
});
