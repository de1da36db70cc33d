import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import { ndviMedianPlugin } from './ndvi-median-plugin.js';
import type { ObservationChunk } from './plugin.js';
import { loadPlugin } from './registry.js';

const CONFIG = {
  input_bands: ['nbart_red', 'nbart_nir'],
  output_bands: 'ndvi_median',
  mask_band: 'oa_fmask',
  contiguity_band: 'oa_nbart_contiguity',
};

/** Three days of one 6-pixel row; fmask 1 valid, 0 nodata, 2 cloud, 3 shadow, 4 snow, 5 water. */
function chunk(): ObservationChunk {
  return {
    geobox: { crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0], width: 6, height: 1 },
    days: ['2020-01-01', '2020-02-01', '2020-03-01'],
    bands: {
      nbart_nir: [Int16Array.of(3000, 3000, 900, 700, 500, 0), Int16Array.of(2000, 800, 900, 2000, 600, 300), Int16Array.of(5000, 5000, -999, 1000, 1100, 100)],
      nbart_red: [Int16Array.of(1000, 1000, 100, 100, -999, 0), Int16Array.of(2000, 200, 100, 2000, 200, 100), Int16Array.of(0, 0, 100, 3000, 100, 300)],
      oa_fmask: [Uint8Array.of(1, 1, 3, 0, 1, 1), Uint8Array.of(1, 2, 1, 1, 5, 1), Uint8Array.of(1, 1, 1, 4, 1, 1)],
      oa_nbart_contiguity: [Uint8Array.of(1, 1, 1, 1, 1, 1), Uint8Array.of(1, 1, 0, 1, 1, 1), Uint8Array.of(1, 1, 1, 1, 1, 1)],
    },
    nodata: { nbart_nir: -999, nbart_red: -999, oa_fmask: 0, oa_nbart_contiguity: 255 },
  };
}

describe('ndvi-median', () => {
  it('takes the median NDVI of the clear, contiguous days with both bands', () => {
    const out = ndviMedianPlugin(CONFIG).reduce(chunk());
    const median = out['ndvi_median']!;
    expect(median).toBeInstanceOf(Float32Array);
    // 0: NDVI 0.5, 0, 1 → 0.5. 1: day 2 cloud → mean of 0.5 and 1. 2: shadow, not contiguous,
    // nir nodata → none. 3: fmask nodata; snow counts as clear → mean of 0 and −0.5.
    expect(Array.from(median.subarray(0, 4))).toEqual([0.5, 0.75, Number.NaN, -0.25]);
    // 4: red nodata on day 1; water counts as clear → mean of 0.5 and 1000 ÷ 1200.
    expect(median[4]).toBeCloseTo((0.5 + 1000 / 1200) / 2, 6);
    // 5: 0 ÷ 0 on day 1 is NaN, which the median skips → mean of 0.5 and −0.5.
    expect(median[5]).toBe(0);
  });

  it('is odc-stats’ StatsNDVI, its product ndvi_median 1.0', async () => {
    const plugin = await loadPlugin('odc.stats.plugins.ls_ndvi_median.StatsNDVI', CONFIG);
    expect(plugin.name).toBe('ndvi-median');
    expect(plugin.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([['ndvi_median', 'float32', Number.NaN]]);
    expect(plugin.inputs.map((i) => [i.name, i.resampling])).toEqual([
      ['nbart_red', 'bilinear'],
      ['nbart_nir', 'bilinear'],
      ['oa_fmask', 'nearest'],
      ['oa_nbart_contiguity', 'nearest'],
    ]);
    expect(plugin.productDefaults).toEqual({ name: 'ndvi_median', version: '1.0', productFamily: 'ndvi' });
  });

  it('needs the four keys StatsNDVI has no default for, and the two bands it reads', () => {
    for (const key of ['input_bands', 'output_bands', 'mask_band', 'contiguity_band'] as const) {
      expect(() => ndviMedianPlugin({ ...CONFIG, [key]: undefined })).toThrow(new RegExp(`'${key}' is required`));
    }
    expect(() => ndviMedianPlugin({ ...CONFIG, input_bands: ['nbart_red', 'nbart_green'] })).toThrow(/must include nbart_nir/);
    expect(() => ndviMedianPlugin({ ...CONFIG, output_bands: ['ndvi'] })).toThrow(ConfigError);
  });
});
