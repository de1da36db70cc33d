/**
 * The plugin_config keys of odc-stats' plugins as the field's configs write them: the per-class
 * cloud_filters of DEA's Landsat geomedians, codes as numbers, and the older or alternative
 * names and keys of each plugin — honoured, refused in one line, or read without effect.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config-issue.js';
import { loadPlugin } from './registry.js';

/** A one-row strip of `width` pixels. */
const strip = (width: number) => ({ crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0] as const, width, height: 1 });

async function refusal(plugin: string, config: Record<string, unknown>): Promise<ConfigError> {
  const error = await loadPlugin(plugin, config).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('gm-ls cloud_filters in the mapping form of DEA Landsat configs', () => {
  // fmask of one 9-pixel row on two days: 1 valid, 2 cloud, 3 shadow; contiguous everywhere.
  // Day 1: a lone cloud pixel at 1 and a 3-pixel cloud at 4–6. Day 2: a lone shadow at 8.
  const fmask = [Uint8Array.of(1, 2, 1, 1, 2, 2, 2, 1, 1), Uint8Array.of(1, 1, 1, 1, 1, 1, 1, 1, 3)];
  const chunk = {
    geobox: strip(9),
    days: ['d1', 'd2'],
    bands: {
      nbart_red: [new Int16Array(9).fill(500), new Int16Array(9).fill(700)],
      oa_fmask: fmask,
      oa_nbart_contiguity: [new Uint8Array(9).fill(1), new Uint8Array(9).fill(1)],
    },
    nodata: { nbart_red: -999, oa_fmask: 0, oa_nbart_contiguity: 255 },
  };

  it('cleans each class with its own steps and ORs them', async () => {
    const gm = await loadPlugin('gm-ls', {
      bands: ['nbart_red'],
      cloud_filters: { cloud: [['opening', 1], ['dilation', 1]], shadow: [['dilation', 1]] },
    });
    // On a one-row image the plus of r = 1 reaches outside above and below, which counts as set
    // for an erosion, so a pixel survives the erosion when both row neighbours are set.
    // Day 1 cloud {1, 4, 5, 6}: the erosion keeps 5, its dilation gives {4, 5, 6}, the second
    // dilation {3, …, 7}; the lone pixel 1 is gone. Day 2 shadow {8}, only dilated: {7, 8}.
    const count = gm.reduce(chunk)['count']!;
    expect(Array.from(count)).toEqual([2, 2, 2, 1, 1, 1, 1, 0, 1]);
    expect(gm.halo).toBe(3);
  });

  it('cleans the union of cloud and shadow with the list form, and without filters masks them as they are', async () => {
    const listed = await loadPlugin('gm-ls', { bands: ['nbart_red'], cloud_filters: [['opening', 1], ['dilation', 1]] });
    // Day 1 as above; the lone shadow of day 2 is opened away with the cloud.
    expect(Array.from(listed.reduce(chunk)['count']!)).toEqual([2, 2, 2, 1, 1, 1, 1, 1, 2]);
    const plain = await loadPlugin('gm-ls', { bands: ['nbart_red'] });
    expect(Array.from(plain.reduce(chunk)['count']!)).toEqual([2, 1, 2, 2, 1, 1, 1, 2, 1]);
  });

  it('takes filters, the older name of cloud_filters, and refuses both', async () => {
    const older = await loadPlugin('gm-ls', { bands: ['nbart_red'], filters: [['opening', 1], ['dilation', 1]] });
    expect(Array.from(older.reduce(chunk)['count']!)).toEqual([2, 2, 2, 1, 1, 1, 1, 1, 2]);
    const both = await refusal('gm-ls', { filters: [], cloud_filters: [] });
    expect(both.message).toBe("plugin_config of gm-ls: key 'filters' cannot be given with 'cloud_filters': they are two names of one setting");
  });

  it("reads odc-stats' first form of filters, a pair of radii: an opening, then a dilation, 0 skipping a step", async () => {
    const pair = async (filters: number[]) => Array.from((await loadPlugin('gm-ls', { bands: ['nbart_red'], filters })).reduce(chunk)['count']!);
    expect(await pair([1, 1])).toEqual([2, 2, 2, 1, 1, 1, 1, 1, 2]);
    expect(await pair([0, 0])).toEqual([2, 1, 2, 2, 1, 1, 1, 2, 1]);
    // Only the dilation: day 1's cloud {1, 4, 5, 6} grows to {0, …, 7}, day 2's shadow {8} to {7, 8}.
    expect(await pair([0, 1])).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 1]);
    await expect(loadPlugin('gm-ls', { filters: [1.5, 0] })).rejects.toThrow('plugin_config.filters[0]: the radius of opening must be a whole number of pixels, 0 or more, got 1.5');
  });

  it('refuses cloud_classes beside the mapping form, whose keys are the cloud classes', async () => {
    const error = await refusal('gm-ls', { cloud_classes: ['cloud'], cloud_filters: { shadow: [] } });
    expect(error.issues[0]!.path).toEqual(['cloud_classes']);
  });
});

describe('class codes as numbers', () => {
  it("masks a code of the data's own scheme, such as 255, as nodata", async () => {
    const gm = await loadPlugin('gm-ls', { bands: ['nbart_red'], nodata_classes: [255, 'nodata'], cloud_filters: { 2: [] } });
    const count = gm.reduce({
      geobox: strip(4),
      days: ['d1'],
      bands: { nbart_red: [Int16Array.of(5, 5, 5, 5)], oa_fmask: [Uint8Array.of(255, 0, 2, 3)], oa_nbart_contiguity: [Uint8Array.of(1, 1, 1, 1)] },
      nodata: { nbart_red: -999, oa_fmask: 0, oa_nbart_contiguity: 255 },
    })['count']!;
    // 255 and 0 are nodata, 2 is the only cloud class (the mapping names it), 3 is kept.
    expect(Array.from(count)).toEqual([0, 0, 0, 1]);
  });

  it('counts pq with a numeric nodata class', async () => {
    const pq = await loadPlugin('pq', { nodata_classes: [255], filters: {} });
    const out = pq.reduce({ geobox: strip(3), days: ['d1'], bands: { SCL: [Uint8Array.of(255, 0, 4)] }, nodata: { SCL: 0 } });
    expect(Array.from(out['total']!)).toEqual([0, 1, 1]);
  });
});

describe('the keys of odc-stats plugins', () => {
  it('reads the older pq filters, [opening, dilation] radius pairs, under their clear_ names', async () => {
    const pq = await loadPlugin('pq', { filters: [[2, 5], [0, 1]], resampling: 'nearest' });
    expect(pq.measurements.map((m) => m.name)).toEqual(['total', 'clear', 'clear_2_5', 'clear_0_1']);
    // clear_0_1 dilates the cloud at pixel 1 onto 0 and 2; clear_2_5 opens it away (a lone pixel).
    const out = pq.reduce({ geobox: strip(4), days: ['d1'], bands: { SCL: [Uint8Array.of(4, 9, 4, 4)] }, nodata: { SCL: 0 } });
    expect(Array.from(out['clear_0_1']!)).toEqual([0, 0, 0, 1]);
    expect(Array.from(out['clear']!)).toEqual([1, 0, 1, 1]);
    // clear_2_5 reaches 2 × 2 + 5 pixels.
    expect(pq.halo).toBe(9);
  });

  it('refuses a pq resampling other than nearest', async () => {
    const error = await refusal('pq', { resampling: 'bilinear' });
    expect(error.message).toMatch(/^plugin_config of pq: key 'resampling' must be nearest/);
    expect((await refusal('pq-ls-bitmask', { resampling: 'average' })).issues[0]!.path).toEqual(['resampling']);
  });

  it('reads pq_band and flags, the names pq-ls-bitmask has in odc-stats', async () => {
    const pq = await loadPlugin('pq-ls-bitmask', { pq_band: 'qa', flags: { cloud_shadow: 'high_confidence' }, aerosol_filters: { clear_1_aerosol: [['dilation', 1]] } });
    expect(pq.inputs).toEqual([{ name: 'qa', resampling: 'nearest' }]);
    // Bit 4 (cloud shadow) is now the cloud; bit 3 (cloud) is not. Bit 0 is nodata.
    const out = pq.reduce({ geobox: strip(3), days: ['d1'], bands: { qa: [Uint16Array.of(1 << 4, 1 << 3, 1)] }, nodata: { qa: 1 } });
    expect(Array.from(out['total']!)).toEqual([1, 1, 0]);
    expect(Array.from(out['clear']!)).toEqual([0, 1, 0]);
    expect(pq.measurements.map((m) => m.name)).toEqual(['total', 'clear']);
    expect((await refusal('pq-ls-bitmask', { pq_band: 'a', mask_band: 'b' })).issues[0]!.path).toEqual(['pq_band']);
  });

  it('reads an aerosol band beside pq_band (its counts: pq-plugin.test.ts)', async () => {
    const pq = await loadPlugin('pq-ls-bitmask', { pq_band: 'qa', aerosol_band: 'SR_QA_AEROSOL' });
    expect(pq.inputs.map((i) => i.name)).toEqual(['qa', 'SR_QA_AEROSOL']);
    expect(pq.measurements.map((m) => m.name)).toEqual(['total', 'clear', 'clear_aerosol']);
  });

  it('reads flags, filters and output_scale of gm-ls-bitmask', async () => {
    const gm = await loadPlugin('gm-ls-bitmask', {
      bands: ['red'],
      flags: { cloud: 'high_confidence' },
      filters: [['dilation', 1]],
      output_scale: 1000,
      output_dtype: 'int16',
    });
    expect(gm.halo).toBe(1);
    expect(gm.measurements.find((m) => m.name === 'red')).toMatchObject({ dtype: 'int16', nodata: 0 });
    expect(gm.measurements.find((m) => m.name === 'emad')).toMatchObject({ dtype: 'int16' });
    // DN 20000 → reflectance 20000 × 0.0000275 − 0.2 = 0.35 → × 1000 = 350. Pixel 2 is cloud
    // (bit 3), dilated onto pixel 1: only pixel 0 has an observation.
    const out = gm.reduce({
      geobox: strip(3),
      days: ['d1'],
      bands: { red: [Uint16Array.of(20000, 20000, 20000)], QA_PIXEL: [Uint16Array.of(0, 0, 1 << 3)] },
      nodata: { red: 0, QA_PIXEL: 1 },
    });
    expect(Array.from(out['red']!)).toEqual([350, 0, 0]);
    expect(Array.from(out['count']!)).toEqual([1, 0, 0]);
    expect((await refusal('gm-ls-bitmask', { bands: ['red'], output_dtype: 'float32' })).issues[0]!.path).toEqual(['output_dtype']);
  });

  it('keeps the reflectance threshold of gm-ls-bitmask in step with scale and offset', async () => {
    // offset −0.1 / scale 0.0001: a DN must be above 1000.
    const gm = await loadPlugin('gm-ls-bitmask', { bands: ['red'], scale: 0.0001, offset: -0.1 });
    const out = gm.reduce({ geobox: strip(2), days: ['d1'], bands: { red: [Uint16Array.of(1000, 1001)], QA_PIXEL: [Uint16Array.of(0, 0)] }, nodata: { red: 0, QA_PIXEL: 1 } });
    expect(Array.from(out['count']!)).toEqual([0, 1]);
  });

  it('reads dask chunking and solar-day grouping without effect, and takes the rgba clamp and NaN MAD nodata', async () => {
    const config = { bands: ['nbart_red'], chunks: { x: -1, y: -1 }, work_chunks: [400, 400], group_by: 'solar_day', rgb_clamp: [1, 3000], basis_band: 'nbart_red', nodata_defs: { sdev: Number.NaN } };
    const gm = await loadPlugin('gm-ls', config);
    expect(gm.measurements.map((m) => m.name)).toEqual(['nbart_red', 'sdev', 'edev', 'bcdev', 'count']);
  });

  it.each([
    ['gm-ls', { transform_code: 'EPSG:7844' }, 'transform_code', /names EPSG:7844, which is not a coordinate operation known here: use one of EPSG:1150 \(GDA94 to WGS 84 \(1\)\), EPSG:9688/],
    ['gm-ls', { transform_code: 'EPSG:9688', area_of_interest: [-10, 40, 10, 60] }, 'area_of_interest', /is outside the area of use of EPSG:9688 \(GDA94 to WGS 84 \(2\)\), so no coordinate operation is found/],
    ['gm-ls', { area_of_interest: [-180, -90, 180] }, 'area_of_interest', /./],
    ['gm-s2', { optional_bands: ['B01'] }, 'optional_bands', /is not supported yet/],
    ['pq', { group_by: 'time' }, 'group_by', /must be solar_day/],
    ['gm-ls', { bands: ['nbart_red', 'nbart_nir'], basis_band: 'nbart_nir' }, 'basis_band', /must be the first band \(nbart_red\)/],
    ['gm-ls', { nodata_defs: { sdev: -999 } }, 'nodata_defs', /only NaN/],
    ['gm-ls', { rgb_clamp: [3000, 1] }, 'rgb_clamp', /\[3000, 1\] must rise: its first value is drawn as 0 and its second as 255/],
  ])('%s refuses %j in one line, naming the key', async (plugin, config, key, why) => {
    const error = await refusal(plugin, config);
    expect(error.issues).toEqual([expect.objectContaining({ path: [key], severity: 'error' })]);
    expect(error.message).toMatch(why);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('takes DEA’s datum transformation and area of interest', async () => {
    await expect(loadPlugin('gm-ls', { transform_code: 'EPSG:9688', area_of_interest: [-180, -90, 180, 90] })).resolves.toBeDefined();
    await expect(loadPlugin('gm-ls', { area_of_interest: [112, -44, 154, -10] })).resolves.toBeDefined();
  });

  it('accepts the base keys left empty, as odc-stats reads a key without a value', async () => {
    await expect(loadPlugin('gm-ls', { transform_code: null, area_of_interest: null, group_by: null, cloud_filters: null })).resolves.toBeDefined();
  });
});
