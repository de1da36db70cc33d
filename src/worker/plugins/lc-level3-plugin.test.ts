import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import type { ObservationChunk } from './plugin.js';
import { lccsLevel3Plugin } from './lc-level3-plugin.js';
import { loadPlugin } from './registry.js';

const values = (a: ArrayLike<number> | undefined) => Array.from(a!);

function level3Chunk(l3: number[], cultivated: number[], urban: number[], days = ['2020-01-01']): ObservationChunk {
  return {
    geobox: { crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0], width: l3.length, height: 1 },
    days,
    bands: { classes_l3_l4: [Uint8Array.from(l3)], cultivated_class: [Uint8Array.from(cultivated)], urban_classes: [Uint8Array.from(urban)] },
    nodata: { classes_l3_l4: 255, cultivated_class: 255, urban_classes: 255 },
  };
}

describe('lccs_level3', () => {
  it('lays the cultivated classes over A1’s, then the urban classes over bare surface', () => {
    // 0: cultivated. 1: bare surface, urban 215. 2: cultivated over bare surface, no urban.
    // 3: water. 4: nodata throughout. 5: natural vegetation. 6: bare, urban nodata: nodata.
    // 7: cultivated 210 counts as bare surface, as odc-stats tests the result.
    const out = lccsLevel3Plugin({}).reduce(
      level3Chunk([110, 210, 210, 220, 255, 110, 210, 110], [111, 255, 112, 255, 255, 255, 255, 210], [215, 215, 216, 215, 215, 216, 255, 216]),
    );
    expect(out['level3_class']).toBeInstanceOf(Uint8Array);
    expect(values(out['level3_class'])).toEqual([111, 215, 112, 220, 255, 110, 255, 216]);
  });

  it('is odc-stats’ StatsLccsLevel3, its product ga_ls_lccs_level3', async () => {
    const plugin = await loadPlugin('odc.stats.plugins.lc_level3.StatsLccsLevel3', { input_bands: ['classes_l3_l4', 'urban_classes', 'cultivated_class'], resampling: 'nearest' });
    expect(plugin.name).toBe('lccs_level3');
    expect(plugin.inputs).toEqual([
      { name: 'classes_l3_l4', resampling: 'nearest' },
      { name: 'cultivated_class', resampling: 'nearest' },
      { name: 'urban_classes', resampling: 'nearest' },
    ]);
    expect(plugin.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([['level3_class', 'uint8', 255]]);
    expect(plugin.productDefaults).toEqual({ name: 'ga_ls_lccs_level3', version: '0.0.1', productFamily: 'lccs' });
  });

  it('refuses input_bands without a band it reads, and more than one day', () => {
    expect(() => lccsLevel3Plugin({ input_bands: ['classes_l3_l4', 'cultivated_class'] })).toThrow(/urban_classes/);
    expect(() => lccsLevel3Plugin({}).reduce(level3Chunk([110], [255], [255], ['2020-01-01', '2021-01-01']))).toThrow(UserError);
  });
});
