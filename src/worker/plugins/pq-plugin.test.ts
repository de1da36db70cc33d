/**
 * pq-ls-bitmask's aerosol counts, as odc-stats' `pq_bitmask.py` has them: `clear_aerosol`
 * counts the observations with data, without cloud and without high aerosol, and each
 * `aerosol_filters` set counts those without high aerosol whose cloud mask, cleaned by the set's
 * steps, is clear.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import { loadPlugin } from './registry.js';

const row = (width: number) => ({ crs: 'EPSG:32612', affine: [30, 0, 0, 0, -30, 0] as const, width, height: 1 });
const counts = (out: Record<string, ArrayLike<number>>) => Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v)]));

describe('pq-ls-bitmask with an aerosol band', () => {
  it('counts clear_aerosol and the aerosol filter sets from SR_QA_AEROSOL’s level (bits 6–7, 3 high)', async () => {
    const pq = await loadPlugin('pq-ls-bitmask', {
      aerosol_band: 'SR_QA_AEROSOL',
      filters: { clear_1: [['dilation', 1]] },
      aerosol_filters: { clear_1_aerosol: [['dilation', 1]] },
    });
    expect(pq.inputs.map((i) => [i.name, i.resampling])).toEqual([
      ['QA_PIXEL', 'nearest'],
      ['SR_QA_AEROSOL', 'nearest'],
    ]);
    expect(pq.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual(['total', 'clear', 'clear_1', 'clear_aerosol', 'clear_1_aerosol'].map((n) => [n, 'uint16', 0]));
    // QA_PIXEL: 1 fill (no data), 8 cloud, 4 cirrus. Aerosol: 192 high, 193 high with the fill
    // bit, 128 medium. Six pixels in a row, three days:
    //   day 1: QA 0 8 0 0 0 1     aerosol 0 0 192 128 0 0
    //   day 2: QA 0 0 0 0 4 0     aerosol 192 0 0 0 0 193
    //   day 3: QA 1 0 0 0 0 0     aerosol 0 …
    // The dilated cloud is pixels 0–2 on day 1 and 3–5 on day 2.
    const out = pq.reduce({
      geobox: row(6),
      days: ['d1', 'd2', 'd3'],
      bands: {
        QA_PIXEL: [Uint16Array.of(0, 8, 0, 0, 0, 1), Uint16Array.of(0, 0, 0, 0, 4, 0), Uint16Array.of(1, 0, 0, 0, 0, 0)],
        SR_QA_AEROSOL: [Uint8Array.of(0, 0, 192, 128, 0, 0), Uint8Array.of(192, 0, 0, 0, 0, 193), new Uint8Array(6)],
      },
      nodata: { QA_PIXEL: 1, SR_QA_AEROSOL: 1 },
    });
    expect(counts(out)).toEqual({
      total: [2, 3, 3, 3, 3, 2],
      clear: [2, 2, 3, 3, 2, 2],
      clear_1: [1, 2, 2, 2, 2, 1],
      clear_aerosol: [1, 2, 2, 3, 2, 1],
      clear_1_aerosol: [0, 2, 2, 2, 2, 1],
    });
    expect(pq.halo).toBe(1);
  });

  it('takes an SR_ATMOS_OPACITY above 0.3 (DN above 300, not −9999) as hazy, and has no use for aerosol_filters with it', async () => {
    const pq = await loadPlugin('pq-ls-bitmask', { aerosol_band: 'SR_ATMOS_OPACITY', aerosol_filters: { clear_1_aerosol: [['dilation', 1]] } });
    expect(pq.measurements.map((m) => m.name)).toEqual(['total', 'clear', 'clear_aerosol']);
    const out = pq.reduce({
      geobox: row(6),
      days: ['d1'],
      bands: { QA_PIXEL: [new Uint16Array(6)], SR_ATMOS_OPACITY: [Int16Array.of(300, 301, -9999, 1000, 0, 299)] },
      nodata: { QA_PIXEL: 1, SR_ATMOS_OPACITY: -9999 },
    });
    expect(counts(out)).toEqual({ total: [1, 1, 1, 1, 1, 1], clear: [1, 1, 1, 1, 1, 1], clear_aerosol: [1, 0, 1, 0, 1, 1] });
  });

  it('refuses another aerosol band, and a filters set named as an aerosol count', async () => {
    const other = await loadPlugin('pq-ls-bitmask', { aerosol_band: 'SR_AEROSOL' }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(ConfigError);
    expect((other as Error).message).toBe(
      "plugin_config of pq-ls-bitmask: key 'aerosol_band' must be SR_QA_AEROSOL or SR_ATMOS_OPACITY, the bands odc-stats reads aerosol from, not 'SR_AEROSOL'",
    );
    await expect(loadPlugin('pq-ls-bitmask', { aerosol_band: 'SR_QA_AEROSOL', filters: { clear_aerosol: [] } })).rejects.toThrow(
      "key 'filters' names 'clear_aerosol', which is an aerosol count of aerosol_band SR_QA_AEROSOL",
    );
  });

  it('without an aerosol band writes no aerosol counts, and only checks aerosol_filters', async () => {
    const pq = await loadPlugin('pq-ls-bitmask', { aerosol_filters: { clear_1_aerosol: [['dilation', 1]] } });
    expect(pq.measurements.map((m) => m.name)).toEqual(['total', 'clear']);
    expect(pq.inputs.map((i) => i.name)).toEqual(['QA_PIXEL']);
    await expect(loadPlugin('pq-ls-bitmask', { aerosol_filters: { clear_x: [['dilate', 1]] } })).rejects.toThrow(/aerosol_filters\.clear_x/);
  });
});
