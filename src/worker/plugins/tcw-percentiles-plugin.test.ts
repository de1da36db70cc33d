import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk } from './plugin.js';
import { loadPlugin } from './registry.js';

/** A one-row strip of `width` pixels. */
const strip = (width: number) => ({ crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0] as const, width, height: 1 });

const REFLECTANCE = ['nbart_blue', 'nbart_green', 'nbart_red', 'nbart_nir', 'nbart_swir_1', 'nbart_swir_2'];

/** A chunk from per-day rows (one entry per pixel) of the fmask and contiguity bands and of each reflectance band. */
function chunkOf(fmask: number[][], contiguity: number[][], reflectance: Record<string, number[][]>): ObservationChunk {
  return {
    geobox: strip(fmask[0]!.length),
    days: fmask.map((_, t) => `2020-01-0${t + 1}`),
    bands: {
      oa_fmask: fmask.map((row) => Uint8Array.from(row)),
      oa_nbart_contiguity: contiguity.map((row) => Uint8Array.from(row)),
      ...Object.fromEntries(Object.entries(reflectance).map(([name, rows]) => [name, rows.map((row) => Int16Array.from(row))])),
    },
    nodata: { oa_fmask: 0, oa_nbart_contiguity: 255, ...Object.fromEntries(REFLECTANCE.map((b) => [b, -999])) },
  };
}

const values = (a: SampleArray | undefined) => Array.from(a!);

describe('tcw-percentiles', () => {
  it('computes the tasselled-cap indices with the published coefficients and their percentiles over clear days', async () => {
    // Pixel 0's spectrum x = (blue 500, green 800, red 1000, nir 2500, swir1 2000, swir2 1200),
    // seen as x, 2x and 3x on days 1–3, and on days 4–7 not clear: cloud, contiguity 0, a band
    // at −999, fmask nodata. Pixel 1 has x on days 1 and 2 only (shadow on day 3).
    //   wet    = 0.0315·500 + 0.2021·800 + 0.3102·1000 + 0.1594·2500 − 0.6806·2000 − 0.6109·1200
    //          = 15.75 + 161.68 + 310.2 + 398.5 − 1361.2 − 733.08 = −1208.15
    //   bright = 102.15 + 332.64 + 552.4 + 1435.25 + 624.8 + 276.36 = 3323.6
    //   green  = −80.15 − 225.52 − 493.4 + 1985 − 0.4 − 173.52 = 1012.01
    // truncated toward zero for x, 2x, 3x: wet −1208, −2416, −3624; bright 3323, 6647, 9970;
    // green 1012, 2024, 3036. Three values, sorted: ranks 0.2→0, 1, 1.8→2.
    const x = [500, 800, 1000, 2500, 2000, 1200];
    const day = (k: number, kk: number) => REFLECTANCE.map((_, b) => [k * x[b]!, kk * x[b]!]);
    const days = [day(1, 1), day(2, 1), day(3, 1), day(4, 1), day(5, 1), day(6, 1), day(7, 1)];
    days[5]![2]![0] = -999;
    const reflectance = Object.fromEntries(REFLECTANCE.map((band, b) => [band, days.map((d) => d[b]!)]));
    const fmask = [
      [1, 1],
      [4, 5],
      [1, 3],
      [2, 0],
      [1, 0],
      [1, 0],
      [0, 0],
    ];
    const contiguity = [
      [1, 1],
      [1, 1],
      [255, 1],
      [1, 1],
      [0, 1],
      [1, 1],
      [1, 1],
    ];
    const plugin = await loadPlugin('tcw-percentiles', {});
    const out = plugin.reduce(chunkOf(fmask, contiguity, reflectance));
    expect(values(out['wet_pc_10'])).toEqual([-3624, -9999]);
    expect(values(out['wet_pc_50'])).toEqual([-2416, -9999]);
    expect(values(out['wet_pc_90'])).toEqual([-1208, -9999]);
    expect(values(out['bright_pc_10'])).toEqual([3323, -9999]);
    expect(values(out['bright_pc_50'])).toEqual([6647, -9999]);
    expect(values(out['bright_pc_90'])).toEqual([9970, -9999]);
    expect(values(out['green_pc_10'])).toEqual([1012, -9999]);
    expect(values(out['green_pc_50'])).toEqual([2024, -9999]);
    expect(values(out['green_pc_90'])).toEqual([3036, -9999]);
    expect(out['wet_pc_50']).toBeInstanceOf(Int16Array);
  });

  it('names, types and defaults its outputs and inputs as odc-stats', async () => {
    const plugin = await loadPlugin('tcw-percentiles', {});
    expect(plugin.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual(
      ['wet', 'bright', 'green'].flatMap((b) => ['10', '50', '90'].map((p) => [`${b}_pc_${p}`, 'int16', -9999])),
    );
    expect(plugin.productDefaults).toEqual({ name: 'ga_tc_percentiles', version: '1.0.1', productFamily: 'tci' });
    expect(plugin.inputs).toEqual([
      ...REFLECTANCE.map((name) => ({ name, resampling: 'bilinear' })),
      { name: 'oa_fmask', resampling: 'nearest' },
      { name: 'oa_nbart_contiguity', resampling: 'nearest' },
    ]);
    expect(plugin.halo).toBe(0);
    expect(plugin.quicklook).toEqual({ kind: 'rgb', bands: ['bright_pc_50', 'green_pc_50', 'wet_pc_50'] });
    const wetOnly = await loadPlugin('tcw-percentiles', { output_bands: ['wet'] });
    expect(wetOnly.measurements.map((m) => m.name)).toEqual(['wet_pc_10', 'wet_pc_50', 'wet_pc_90']);
    expect(wetOnly.quicklook).toEqual({ kind: 'ramp', band: 'wet_pc_50', ramp: 'viridis' });
    const chosen = await loadPlugin('tcw-percentiles', { output_bands: ['wet'], rgb_bands: ['wet_pc_90', 'wet_pc_50', 'wet_pc_10'] });
    expect(chosen.quicklook).toEqual({ kind: 'rgb', bands: ['wet_pc_90', 'wet_pc_50', 'wet_pc_10'] });
  });

  describe('with coefficients of one band, the index being the DN', () => {
    // Four days, four pixels; blue 10, 20, 30, 40 on days 1–4 everywhere. Day 1: cloud at pixel 1, shadow at 3.
    const fmask = [[1, 2, 1, 3], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]];
    const contiguity = fmask.map(() => [1, 1, 1, 1]);
    const blue = [10, 20, 30, 40].map((v) => [v, v, v, v]);
    const chunk = chunkOf(fmask, contiguity, { nbart_blue: blue });
    const config = { coefficients: { x: { blue: 1 } }, output_bands: ['x'], input_bands: ['blue', 'fmask', 'nbart_contiguity'] };
    const pc = (out: Record<string, SampleArray>) => ['x_pc_10', 'x_pc_50', 'x_pc_90'].map((n) => values(out[n]));

    it('masks cloud and shadow as they are without cloud_filters', async () => {
      // Pixels 0, 2: 10 20 30 40 → ranks 0.3→0, 1.5→2, 2.7→3 → 10 30 40; pixels 1, 3: 20 30 40 → 20 30 40.
      expect(pc((await loadPlugin('tcw-percentiles', config)).reduce(chunk))).toEqual([
        [10, 20, 10, 20],
        [30, 30, 30, 30],
        [40, 40, 40, 40],
      ]);
    });

    it('masks only the classes cloud_filters names, each cleaned with its steps', async () => {
      const plugin = await loadPlugin('tcw-percentiles', { ...config, cloud_filters: { cloud: [['dilation', 1]] } });
      expect(plugin.halo).toBe(1);
      // Day 1's cloud at 1, dilated, covers 0–2; the shadow at 3 is kept.
      expect(pc(plugin.reduce(chunk))).toEqual([
        [20, 20, 20, 10],
        [30, 30, 30, 30],
        [40, 40, 40, 40],
      ]);
      // A class without steps gets mask_cleanup's default, an opening of 2 then a dilation of 5,
      // which opens the lone cloud pixel away.
      const defaults = await loadPlugin('tcw-percentiles', { ...config, cloud_filters: { cloud: null } });
      expect(pc(defaults.reduce(chunk))[0]).toEqual([10, 10, 10, 10]);
    });
  });

  it('refuses output bands without coefficients and input bands without the masks', async () => {
    const noCoefficients = await loadPlugin('tcw-percentiles', { output_bands: ['wet', 'moist'] }).catch((e: unknown) => e);
    expect(noCoefficients).toBeInstanceOf(ConfigError);
    expect((noCoefficients as ConfigError).message).toMatch(/output_bands' names 'moist'/);
    await expect(loadPlugin('tcw-percentiles', { input_bands: ['blue', 'green', 'red', 'nir', 'swir1', 'swir2', 'fmask'] })).rejects.toThrow(/oa_nbart_contiguity/);
    await expect(loadPlugin('tcw-percentiles', { input_bands: ['blue', 'fmask', 'nbart_contiguity'] })).rejects.toThrow(/uses band nbart_green/);
  });
});
