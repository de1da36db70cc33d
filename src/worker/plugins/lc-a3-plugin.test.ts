import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import { lcA3Plugin } from './lc-a3-plugin.js';
import type { ObservationChunk } from './plugin.js';
import { loadPlugin } from './registry.js';

const WIDTH = 15;
/** The values given, then 255 (nodata) to the chunk's width. */
const padded = (values: number[]) => Uint8Array.from({ length: WIDTH }, (_, i) => values[i] ?? 255);
const values = (a: ArrayLike<number> | undefined) => Array.from(a!);

function a3Chunk(bands: { pv?: number[]; bs?: number[]; water?: number[]; level3?: number[] }): ObservationChunk {
  return {
    geobox: { crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0], width: WIDTH, height: 1 },
    days: ['2020-01-01'],
    bands: {
      pv_pc_50: [padded(bands.pv ?? [])],
      bs_pc_50: [padded(bands.bs ?? [])],
      water_frequency: [padded(bands.water ?? [])],
      level3_class: [padded(bands.level3 ?? [])],
    },
    nodata: { pv_pc_50: 255, bs_pc_50: 255, water_frequency: 255, level3_class: 255 },
  };
}

describe('lc_a3', () => {
  it('codes vegetation cover by the median pv at each threshold', () => {
    const out = lcA3Plugin({}).reduce(a3Chunk({ pv: [0, 1, 3, 4, 14, 15, 39, 40, 64, 65, 99, 100, 101, 254, 255] }));
    expect(values(out['canopyco_veg_con'])).toEqual([0, 16, 16, 15, 15, 13, 13, 12, 12, 10, 10, 10, 10, 10, 255]);
  });

  it('codes bare gradation by the median bs, and water persistence by water_frequency', () => {
    const out = lcA3Plugin({}).reduce(a3Chunk({ bs: [0, 19, 20, 59, 60, 100, 101, 255], water: [0, 1, 3, 4, 6, 7, 9, 10, 12, 255] }));
    expect(values(out['baregrad_phy_con']).slice(0, 8)).toEqual([10, 10, 12, 12, 15, 15, 15, 255]);
    expect(values(out['waterper_wat_cin']).slice(0, 10)).toEqual([0, 9, 9, 8, 8, 7, 7, 1, 1, 255]);
  });

  it('recodes level 3 classes as level 4 codes, leaving the others', () => {
    const out = lcA3Plugin({}).reduce(a3Chunk({ level3: [111, 112, 124, 215, 216, 220, 223, 110, 210, 255] }));
    expect(values(out['level3']).slice(0, 10)).toEqual([1, 19, 55, 93, 94, 98, 3, 110, 210, 255]);
  });

  it('takes its thresholds from plugin_config; the last water step stays at 1, the mappings are ignored', () => {
    const out = lcA3Plugin({
      veg_threshold: [2, 4, 15, 40, 65, 100],
      bare_threshold: [30, 50],
      watper_threshold: [2, 4, 7, 10],
      veg_mapping: { 160: 1 },
    }).reduce(a3Chunk({ pv: [1, 2], bs: [29, 30, 50], water: [1, 2] }));
    expect(values(out['canopyco_veg_con']).slice(0, 2)).toEqual([0, 16]);
    expect(values(out['baregrad_phy_con']).slice(0, 3)).toEqual([10, 12, 15]);
    // 1 is below the first threshold but not below 1: it stays 1, the code of ≥ 10 months.
    expect(values(out['waterper_wat_cin']).slice(0, 2)).toEqual([1, 9]);
  });

  it('is odc-stats’ StatsVegDryClassA3, its product ga_ls_lccs_veg_bare_class_a3', async () => {
    const plugin = await loadPlugin('odc.stats.plugins.lc_veg_bare_water_a3.StatsVegDryClassA3', {});
    expect(plugin.name).toBe('lc_a3');
    expect(plugin.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([
      ['canopyco_veg_con', 'uint8', 255],
      ['baregrad_phy_con', 'uint8', 255],
      ['waterper_wat_cin', 'uint8', 255],
      ['level3', 'uint8', 255],
    ]);
    expect(plugin.productDefaults).toEqual({ name: 'ga_ls_lccs_veg_bare_class_a3', version: '0.0.1', productFamily: 'lccs' });
  });

  it('refuses input_bands without a band the rules read, short threshold lists and more than one day', () => {
    expect(() => lcA3Plugin({ input_bands: ['pv_pc_50', 'bs_pc_50', 'level3_class'] })).toThrow(/must include water_frequency/);
    expect(() => lcA3Plugin({ bare_threshold: [20] })).toThrow(/bare_threshold/);
    const twoDays = { ...a3Chunk({}), days: ['2020-01-01', '2021-01-01'] };
    expect(() => lcA3Plugin({}).reduce(twoDays)).toThrow(UserError);
  });
});
