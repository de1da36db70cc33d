import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import { UserError } from '../../shared/errors.js';
import { loadPlugin } from './registry.js';

const geobox = { crs: 'EPSG:32737', affine: [10, 0, 0, 0, -10, 0] as const, width: 2, height: 1 };

describe('plugins', () => {
  it('names an unknown plugin and lists the built-in ones', async () => {
    await expect(loadPlugin('gm-s3', {})).rejects.toThrow(UserError);
    await expect(loadPlugin('gm-s3', {})).rejects.toThrow(/unknown plugin 'gm-s3' \(built in: gm-generic, gm-s2, gm-ls, gm-ls-bitmask, pq, pq-ls-bitmask/);
  });

  it('names a misspelt plugin_config key', async () => {
    await expect(loadPlugin('gm-s2', { cloud_filter: [] })).rejects.toThrow(/unknown key 'cloud_filter' in plugin_config of gm-s2/);
    await expect(loadPlugin('pq', { filters: { clear_x: [['openin', 2]] } })).rejects.toThrow(/plugin_config\.filters\.clear_x/);
  });

  it('gives every plugin_config problem with its path below plugin_config', async () => {
    const error = await loadPlugin('pq', { filters: { cloudy: [] }, mask_band: 3, filterz: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).where).toBe('plugin_config of pq');
    expect((error as ConfigError).issues).toEqual([
      { path: ['filterz'], message: "did you mean 'filters'?", severity: 'error', unknownKey: true },
      { path: ['mask_band'], message: 'must be a string', severity: 'error' },
      { path: ['filters', 'cloudy'], message: 'must start with clear_', severity: 'error' },
    ]);
    await expect(loadPlugin('gm-s2', { bands: ['B02', 3] })).rejects.toThrow("plugin_config of gm-s2: key 'bands[1]' must be a string");
  });

  it("makes the quicklook of the chosen bands only: the preset's where they are there, rgb_bands refused outside them", async () => {
    expect((await loadPlugin('gm-s2', {})).quicklook).toEqual({ kind: 'rgb', bands: ['B04', 'B03', 'B02'] });
    expect((await loadPlugin('gm-s2', { bands: ['B04', 'B08'] })).quicklook).toBeUndefined();
    expect((await loadPlugin('gm-s2', { bands: ['B04', 'B08', 'B11'], rgb_bands: ['B11', 'B08', 'B04'] })).quicklook).toEqual({ kind: 'rgb', bands: ['B11', 'B08', 'B04'] });
    await expect(loadPlugin('gm-s2', { bands: ['B04', 'B08'], rgb_bands: ['B04', 'B03', 'B02'] })).rejects.toThrow(
      "plugin_config of gm-s2: key 'rgb_bands' names B03, which is not one of the bands (B04, B08)",
    );
  });

  it('has odc-stats output bands, dtypes and nodata', async () => {
    const gm = await loadPlugin('gm-s2', {});
    expect(gm.measurements.map((m) => [m.name, m.dtype, m.nodata])).toEqual([
      ...['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'].map((b) => [b, 'uint16', 0]),
      ['SMAD', 'float32', NaN],
      ['EMAD', 'float32', NaN],
      ['BCMAD', 'float32', NaN],
      ['COUNT', 'uint16', 0],
    ]);
    const ls = await loadPlugin('gm-ls', {});
    expect(ls.measurements.map((m) => m.name)).toEqual([
      'nbart_red', 'nbart_green', 'nbart_blue', 'nbart_nir', 'nbart_swir_1', 'nbart_swir_2', 'sdev', 'edev', 'bcdev', 'count',
    ]);
    expect(ls.measurements[0]).toMatchObject({ dtype: 'int16', nodata: -999 });
    const pq = await loadPlugin('pq', {});
    expect(pq.measurements.map((m) => m.name)).toEqual(['total', 'clear', 'clear_2_5', 'clear_0_5']);
  });

  it('counts pq observations by hand on two pixels', async () => {
    const pq = await loadPlugin('pq', { filters: {} });
    // Pixel 0: vegetation, cloud (9), no data (0) → total 2, clear 1. Pixel 1: water, shadow, cirrus → 3, 1.
    const scl = [Uint8Array.of(4, 6), Uint8Array.of(9, 3), Uint8Array.of(0, 10)];
    const out = pq.reduce({ geobox, days: ['a', 'b', 'c'], bands: { SCL: scl }, nodata: { SCL: 0 } });
    expect(Array.from(out['total']!)).toEqual([2, 3]);
    expect(Array.from(out['clear']!)).toEqual([1, 1]);
  });

  it('loads the external plugin of docs/plugins.md from its module path and runs it', async () => {
    const doc = readFileSync(new URL('../../../docs/plugins.md', import.meta.url), 'utf8');
    const source = /```js\n([\s\S]*?)```/.exec(doc)![1]!;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plugin-'));
    const file = path.join(dir, 'ndvi-max.mjs');
    writeFileSync(file, source);
    const plugin = await loadPlugin(file, { red: 'B04', nir: 'B08' });
    expect(plugin.productDefaults).toEqual({ name: 'ndvi_max', version: '1.0.0' });
    // Pixel 0: NDVI (3000−1000)/4000 = 0.5 on day 1, 0.8 on day 2 but cloudy → 5000.
    // Pixel 1: no clear day → nodata.
    const out = plugin.reduce({
      geobox,
      days: ['d1', 'd2'],
      bands: { B04: [Uint16Array.of(1000, 500), Uint16Array.of(200, 500)], B08: [Uint16Array.of(3000, 900), Uint16Array.of(1800, 900)], SCL: [Uint8Array.of(4, 9), Uint8Array.of(9, 3)] },
      nodata: { B04: 0, B08: 0, SCL: 0 },
    });
    expect(Array.from(out['ndvi_max']!)).toEqual([5000, -32768]);
    await expect(loadPlugin(path.join(dir, 'missing.mjs'), {})).rejects.toThrow(/cannot load plugin module .*missing\.mjs/);
  });
});
