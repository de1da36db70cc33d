import { describe, expect, it } from 'vitest';
import { uniformSource } from '../../shared/test-support/uniform-source.js';
import { loadPlugin } from './registry.js';

describe('geomedian plugins', () => {
  it('reduce each pixel as they would it alone, in a chunk larger than the batches they reduce at once', async () => {
    // 220 × 200 px: more pixels than one batch of the reflectance stack (32 768).
    const [width, height, days] = [220, 200, 5];
    const pixels = width * height;
    const random = uniformSource(7);
    const bands = ['B02', 'B03', 'B04'];
    const dn = () => Uint16Array.from({ length: pixels }, () => 200 + Math.floor(random() * 3000));
    const scl = () => Uint8Array.from({ length: pixels }, () => (random() < 0.2 ? 9 : 4));
    const data: Record<string, Array<Uint16Array | Uint8Array>> = { SCL: [] };
    for (const b of bands) data[b] = [];
    for (let d = 0; d < days; d++) {
      for (const b of bands) data[b]!.push(dn());
      data.SCL!.push(scl());
    }
    const plugin = await loadPlugin('gm-s2', { bands, cloud_filters: [] });
    const chunk = (w: number, h: number, bandsOf: typeof data) => ({
      geobox: { crs: 'EPSG:32737', affine: [10, 0, 0, 0, -10, 0] as [number, number, number, number, number, number], width: w, height: h },
      days: Array.from({ length: days }, (_, d) => `2021-01-0${d + 1}`),
      bands: bandsOf,
      nodata: { B02: 0, B03: 0, B04: 0, SCL: 0 },
    });
    const whole = plugin.reduce(chunk(width, height, data));
    for (const p of [0, 1, 32_767, 32_768, 32_769, pixels - 1]) {
      const alone: typeof data = {};
      for (const [name, perDay] of Object.entries(data)) alone[name] = perDay.map((a) => a.slice(p, p + 1));
      const single = plugin.reduce(chunk(1, 1, alone));
      for (const m of plugin.measurements) expect(whole[m.name]![p], `${m.name} at pixel ${p}`).toBe(single[m.name]![0]);
    }
  });

  it('resample their bands cubic when asked, as odc-stats’ plugins take any of GDAL’s', async () => {
    const gm = await loadPlugin('gm-ls-bitmask', { bands: ['red', 'nir08'], resampling: 'cubic' });
    expect(gm.inputs).toEqual([
      { name: 'red', resampling: 'cubic', halo: false },
      { name: 'nir08', resampling: 'cubic', halo: false },
      { name: 'QA_PIXEL', resampling: 'nearest' },
    ]);
  });
});
