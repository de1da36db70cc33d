import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../shared/errors.js';
import { fmaskClasses, sclClasses } from '../masking/flags.js';
import { DEA_LS_BANDS, S2_BANDS, bitmaskGeomedianPlugin, enumGeomedianPlugin } from './geomedian-plugin.js';
import type { PluginFactory, StatsPlugin } from './plugin.js';
import { pqBitmaskPlugin, pqPlugin } from './pq-plugin.js';
import { firstLine } from '../../shared/first-line.js';

const S2_AUX = { smad: 'SMAD', emad: 'EMAD', bcmad: 'BCMAD', count: 'COUNT' };

/** The plugins of odc-stats, by the names its configs use. */
const BUILT_IN_PLUGINS: Record<string, PluginFactory> = {
  'gm-generic': (config) =>
    enumGeomedianPlugin(
      {
        name: 'gm-generic',
        maskBand: 'fmask',
        classNames: fmaskClasses,
        nodataClasses: [],
        cloudClasses: ['cloud', 'shadow'],
        cloudFilters: [],
        outputDtype: 'uint16',
        outputNodata: 0,
        auxNames: { smad: 'smad', emad: 'emad', bcmad: 'bcmad', count: 'count' },
      },
      config,
    ),
  'gm-s2': (config) =>
    enumGeomedianPlugin(
      {
        name: 'gm-s2',
        bands: S2_BANDS,
        maskBand: 'SCL',
        classNames: sclClasses,
        nodataClasses: ['no data'],
        cloudClasses: ['cloud shadows', 'cloud medium probability', 'cloud high probability', 'thin cirrus'],
        cloudFilters: [
          ['opening', 2],
          ['dilation', 5],
        ],
        outputDtype: 'uint16',
        outputNodata: 0,
        auxNames: S2_AUX,
        rgbBands: ['B04', 'B03', 'B02'],
      },
      config,
    ),
  'gm-ls': (config) =>
    enumGeomedianPlugin(
      {
        name: 'gm-ls',
        bands: DEA_LS_BANDS,
        maskBand: 'oa_fmask',
        classNames: fmaskClasses,
        nodataClasses: ['nodata'],
        cloudClasses: ['cloud', 'shadow'],
        contiguityBand: 'oa_nbart_contiguity',
        cloudFilters: [],
        outputDtype: 'int16',
        outputNodata: -999,
        auxNames: { smad: 'sdev', emad: 'edev', bcmad: 'bcdev', count: 'count' },
        rgbBands: ['nbart_red', 'nbart_green', 'nbart_blue'],
      },
      config,
    ),
  'gm-ls-bitmask': bitmaskGeomedianPlugin,
  pq: pqPlugin,
  'pq-ls-bitmask': pqBitmaskPlugin,
};

/** Output product names of the built-in plugins, for runs whose config names none (version 0.0.0, as odc-stats). */
const BUILT_IN_PRODUCTS: Record<string, string> = {
  'gm-generic': 'gm_generic',
  'gm-s2': 'gm_s2_annual',
  'gm-ls': 'gm_ls_annual',
  'gm-ls-bitmask': 'gm_ls_bitmask',
  pq: 'pq_summary',
  'pq-ls-bitmask': 'pq_ls_bitmask',
};

/**
 * The factory of the plugin named by a config: a built-in name, or the path (or file:// URL) of
 * an ES module whose default export is a PluginFactory — how external plugins are loaded.
 */
export async function pluginFactory(name: string): Promise<PluginFactory> {
  const builtIn = BUILT_IN_PLUGINS[name];
  if (builtIn) return (config) => ({ ...builtIn(config), productDefaults: { name: BUILT_IN_PRODUCTS[name]!, version: '0.0.0' } });
  if (!/[/\\]|\.m?[jt]s$/.test(name)) {
    throw new UserError(`unknown plugin '${name}' (built in: ${Object.keys(BUILT_IN_PLUGINS).join(', ')}; or the path of a plugin module)`);
  }
  const url = name.startsWith('file://') ? name : pathToFileURL(path.resolve(name)).href;
  let module: { default?: unknown };
  try {
    module = (await import(url)) as { default?: unknown };
  } catch (e) {
    throw new UserError(`cannot load plugin module ${name}: ${firstLine(e)}`);
  }
  if (typeof module.default !== 'function') {
    throw new UserError(`plugin module ${name} must export a default function (config) => plugin`);
  }
  return module.default as PluginFactory;
}

/** The plugin named by a config, made with its `plugin_config`. */
export async function loadPlugin(name: string, config: Record<string, unknown>): Promise<StatsPlugin> {
  return (await pluginFactory(name))(config);
}
