/**
 * Plugins by the names odc-stats configs give them — registered names and Python class paths —
 * and the output product each gives a config that names none: odc-stats' NAME (SHORT_NAME is
 * the same), VERSION and PRODUCT_FAMILY of the plugin's class.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import { parseRunConfig, resolveOutputProduct } from '../../shared/run-config.js';
import { loadPlugin } from './registry.js';

describe('plugins named by their odc-stats class path', () => {
  it.each([
    ['odc.stats.plugins.gm.StatsGM', 'gm-generic', { bands: ['red'] }],
    ['odc.stats.plugins.gm.StatsGMS2', 'gm-s2', {}],
    ['odc.stats.plugins.gm.StatsGMLS', 'gm-ls', {}],
    ['odc.stats.plugins.gm_ls_bitmask.StatsGMLSBitmask', 'gm-ls-bitmask', { bands: ['red'] }],
    ['odc.stats.plugins.pq.StatsPQ', 'pq', {}],
    ['odc.stats.plugins.pq_bitmask.StatsPQLSBitmask', 'pq-ls-bitmask', {}],
  ])('%s is %s', async (classPath, name, config) => {
    const byClass = await loadPlugin(classPath, config);
    const byName = await loadPlugin(name, config);
    expect(byClass.name).toBe(name);
    expect(byClass.measurements).toEqual(byName.measurements);
    expect(byClass.productDefaults).toEqual(byName.productDefaults);
  });

  it('takes the class’s keywords and refuses others, as the class would', async () => {
    await expect(loadPlugin('odc.stats.plugins.pq.StatsPQ', { filterz: {} })).rejects.toThrow("unknown key 'filterz' in plugin_config of pq");
  });

  it('refuses a Python class of somebody else’s, saying why', async () => {
    const error = await loadPlugin('mycustomlib.SomePluginOfMine', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/^unknown plugin 'mycustomlib\.SomePluginOfMine' \(a Python class: this program runs its own plugins and JavaScript plugin modules; built in: gm-generic, /);
  });
});

describe('default output products, as odc-stats names them', () => {
  it.each([
    ['gm-generic', { bands: ['red'] }, { name: 'gm', version: '0.0.0', productFamily: 'geomedian' }],
    ['gm-s2', {}, { name: 'gm_s2_annual', version: '0.0.0', productFamily: 'geomedian' }],
    ['gm-ls', {}, { name: 'gm_ls_annual', version: '3.0.1', productFamily: 'geomedian' }],
    // StatsGMLSBitmask sets no PRODUCT_FAMILY: the base class's.
    ['gm-ls-bitmask', { bands: ['red'] }, { name: 'gm_ls_bitmask', version: '0.0.1', productFamily: 'statistics' }],
    ['pq', {}, { name: 'pc_s2_annual', version: '0.0.1', productFamily: 'pixel_quality_statistics' }],
    ['pq-ls-bitmask', {}, { name: 'pc_ls_bitmask', version: '0.0.1', productFamily: 'pixel_quality_statistics' }],
  ])('%s', async (name, config, defaults) => {
    expect((await loadPlugin(name, config)).productDefaults).toEqual(defaults);
  });

  it('become the product of a config without one, its family in every STAC item', async () => {
    const pq = await loadPlugin('pq', {});
    const product = resolveOutputProduct(parseRunConfig('plugin: pq\n', 'test'), pq.productDefaults);
    expect(product).toMatchObject({ name: 'pc_s2_annual', shortName: 'pc_s2_annual', version: '0.0.1', productFamily: 'pixel_quality_statistics' });
    expect(product.properties['odc:product_family']).toBe('pixel_quality_statistics');
    const named = resolveOutputProduct(parseRunConfig('plugin: pq\nproduct: {name: my_pq, version: 1.0.0, product_family: pq}\n', 'test'), pq.productDefaults);
    expect(named).toMatchObject({ name: 'my_pq', version: '1.0.0', productFamily: 'pq' });
  });
});
