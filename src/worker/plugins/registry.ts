import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../shared/errors.js';
import { fmaskClasses, fmaskClassName, sclClasses, sclClassName } from '../masking/flags.js';
import { DEA_LS_BANDS, DEA_LS_FMASK_MASKING, S2_BANDS, S2_SCL_MASKING, bitmaskGeomedianPlugin, enumGeomedianPlugin } from './geomedian-plugin.js';
import type { PluginFactory, StatsPlugin } from './plugin.js';
import { pqBitmaskPlugin, pqPlugin } from './pq-plugin.js';
import { reducePlugin } from './reduce-plugin.js';
import { fcPercentilesPlugin } from './fc-percentiles-plugin.js';
import { tcwPercentilesPlugin } from './tcw-percentiles-plugin.js';
import { wofsFullHistoryPlugin, wofsSummaryPlugin } from './wofs-plugin.js';
import { mangrovesPlugin } from './mangroves-plugin.js';
import { vegCountPlugin } from './lc-veg-count-plugin.js';
import { demInStatsPlugin, vegClassL1Plugin } from './lc-veg-class-plugin.js';
import { lccsLevel3Plugin } from './lc-level3-plugin.js';
import { cultivatedClassPlugin, woodyCoverPlugin } from './lc-ml-tree-plugin.js';
import { urbanClassPlugin } from './lc-ml-urban-plugin.js';
import { lccsLevel34Plugin } from './lc-level34-plugin.js';
import { ndviMedianPlugin } from './ndvi-median-plugin.js';
import { lcA3Plugin } from './lc-a3-plugin.js';
import { cloudProbaPercentilesPlugin } from './cloud-proba-percentiles-plugin.js';
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
        className: fmaskClassName,
        nodataClasses: [],
        cloudClasses: ['cloud', 'shadow'],
        cloudFilters: [],
        outputDtype: 'uint16',
        outputNodata: 0,
        keepInputType: true,
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
        className: sclClassName,
        ...S2_SCL_MASKING,
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
        className: fmaskClassName,
        ...DEA_LS_FMASK_MASKING,
        contiguityBand: 'oa_nbart_contiguity',
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
  reduce: reducePlugin,
  'fc-percentiles': fcPercentilesPlugin,
  'tcw-percentiles': tcwPercentilesPlugin,
  'wofs-summary': wofsSummaryPlugin,
  'wofs-summary-fh': wofsFullHistoryPlugin,
  mangroves: mangrovesPlugin,
  veg_count: vegCountPlugin,
  veg_class_l1: vegClassL1Plugin,
  dem_in_stats: demInStatsPlugin,
  lccs_level3: lccsLevel3Plugin,
  cultivated_class: cultivatedClassPlugin,
  woody_cover: woodyCoverPlugin,
  urban_class: urbanClassPlugin,
  lccs_level34: lccsLevel34Plugin,
  'ndvi-median': ndviMedianPlugin,
  lc_a3: lcA3Plugin,
  's2_gm_tools.S2Cloudless_percentiles': cloudProbaPercentilesPlugin,
};

type ProductDefaults = NonNullable<StatsPlugin['productDefaults']>;

/**
 * The output product of each odc-stats plugin when a config names none: its class's NAME,
 * VERSION and PRODUCT_FAMILY (SHORT_NAME is NAME throughout; a class without a family has the
 * base class's `statistics`), by the plugin's registered name. A plugin's own productDefaults
 * override these.
 */
const BUILT_IN_PRODUCTS: Record<string, ProductDefaults> = {
  'gm-generic': { name: 'gm', version: '0.0.0', productFamily: 'geomedian' },
  'gm-s2': { name: 'gm_s2_annual', version: '0.0.0', productFamily: 'geomedian' },
  'gm-ls': { name: 'gm_ls_annual', version: '3.0.1', productFamily: 'geomedian' },
  'gm-ls-bitmask': { name: 'gm_ls_bitmask', version: '0.0.1', productFamily: 'statistics' },
  pq: { name: 'pc_s2_annual', version: '0.0.1', productFamily: 'pixel_quality_statistics' },
  'pq-ls-bitmask': { name: 'pc_ls_bitmask', version: '0.0.1', productFamily: 'pixel_quality_statistics' },
  'wofs-summary': { name: 'ga_ls_wo_summary', version: '1.6.1', productFamily: 'wo_summary' },
  'wofs-summary-fh': { name: 'ga_ls_wo_fq_myear_3', version: '1.6.0', productFamily: 'wo_summary' },
  'fc-percentiles': { name: 'ga_fc_percentiles', version: '0.0.3', productFamily: 'fc_percentiles' },
  'tcw-percentiles': { name: 'ga_tc_percentiles', version: '1.0.1', productFamily: 'tci' },
  mangroves: { name: 'mangroves', version: '0.0.2', productFamily: 'mangroves' },
  veg_count: { name: 'ga_ls_lccs_fc_wo_a0', version: '0.0.1', productFamily: 'lccs' },
  veg_class_l1: { name: 'ga_ls_lccs_veg_class_a1', version: '0.0.1', productFamily: 'lccs' },
  dem_in_stats: { name: 'ga_ls_lccs_(ni)dem', version: '0.0.1', productFamily: 'lccs' },
  lccs_level3: { name: 'ga_ls_lccs_level3', version: '0.0.1', productFamily: 'lccs' },
  lccs_level34: { name: 'ga_ls_lccs_Level34', version: '0.0.1', productFamily: 'lccs' },
  urban_class: { name: 'ga_ls_urban', version: '0.0.1', productFamily: 'lccs' },
  cultivated_class: { name: 'ga_ls_cultivated', version: '0.0.1', productFamily: 'lccs' },
  woody_cover: { name: 'ga_ls_woody_cover', version: '0.0.1', productFamily: 'lccs' },
  'ndvi-median': { name: 'ndvi_median', version: '1.0', productFamily: 'ndvi' },
  lc_a3: { name: 'ga_ls_lccs_veg_bare_class_a3', version: '0.0.1', productFamily: 'lccs' },
  's2_gm_tools.S2Cloudless_percentiles': { name: 'S2Cloudless_percentiles', version: '1.0.0', productFamily: 'percentiles' },
  // Ours, not odc-stats'.
  reduce: { name: 'reduce', version: '0.0.0' },
};

/**
 * odc-stats' plugin classes by the Python path a config may name them with (odc-stats finds
 * such a name with `pydoc.locate`), as the registered name of the same plugin.
 */
const ODC_STATS_CLASSES: Record<string, string> = {
  'odc.stats.plugins.gm.StatsGM': 'gm-generic',
  'odc.stats.plugins.gm.StatsGMS2': 'gm-s2',
  'odc.stats.plugins.gm.StatsGMLS': 'gm-ls',
  'odc.stats.plugins.gm_ls_bitmask.StatsGMLSBitmask': 'gm-ls-bitmask',
  'odc.stats.plugins.pq.StatsPQ': 'pq',
  'odc.stats.plugins.pq_bitmask.StatsPQLSBitmask': 'pq-ls-bitmask',
  'odc.stats.plugins.wofs.StatsWofs': 'wofs-summary',
  'odc.stats.plugins.wofs.StatsWofsFullHistory': 'wofs-summary-fh',
  'odc.stats.plugins.fc_percentiles.StatsFCP': 'fc-percentiles',
  'odc.stats.plugins.tcw_percentiles.StatsTCWPC': 'tcw-percentiles',
  'odc.stats.plugins.mangroves.Mangroves': 'mangroves',
  'odc.stats.plugins.lc_fc_wo_a0.StatsVegCount': 'veg_count',
  'odc.stats.plugins.lc_veg_class_a1.StatsVegClassL1': 'veg_class_l1',
  'odc.stats.plugins.lc_veg_class_a1.StatsDem': 'dem_in_stats',
  'odc.stats.plugins.lc_level3.StatsLccsLevel3': 'lccs_level3',
  'odc.stats.plugins.lc_level34.StatsLccsLevel4': 'lccs_level34',
  'odc.stats.plugins.lc_tf_urban.StatsUrbanClass': 'urban_class',
  'odc.stats.plugins.lc_treelite_cultivated.StatsCultivatedClass': 'cultivated_class',
  'odc.stats.plugins.lc_treelite_woody.StatsWoodyCover': 'woody_cover',
  'odc.stats.plugins.ls_ndvi_median.StatsNDVI': 'ndvi-median',
  'odc.stats.plugins.lc_veg_bare_water_a3.StatsVegDryClassA3': 'lc_a3',
  'odc.stats.plugins.cloud_proba_percentiles.S2Cloudless_percentiles': 's2_gm_tools.S2Cloudless_percentiles',
};

/** A plugin with its product defaults: the table's, overridden by its own. */
function withProductDefaults(plugin: StatsPlugin, name: string): StatsPlugin {
  const table = BUILT_IN_PRODUCTS[name];
  const own = plugin.productDefaults;
  const productDefaults = table && own ? { ...table, ...own } : (own ?? table);
  return productDefaults ? { ...plugin, productDefaults } : plugin;
}

/** Why a name that is no built-in plugin nor a module path is refused. */
function unknownPlugin(name: string): UserError {
  const builtIn = `built in: ${Object.keys(BUILT_IN_PLUGINS).join(', ')}; or the path of a plugin module`;
  const odcName = ODC_STATS_CLASSES[name];
  if (odcName) return new UserError(`unknown plugin '${name}' (odc-stats' ${odcName}, which is not built in yet; ${builtIn})`);
  if (/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(name)) {
    return new UserError(`unknown plugin '${name}' (a Python class: this program runs its own plugins and JavaScript plugin modules; ${builtIn})`);
  }
  return new UserError(`unknown plugin '${name}' (${builtIn})`);
}

/**
 * The factory of the plugin named by a config: a built-in name (odc-stats' registered name or
 * Python class path), or the path (or file:// URL) of an ES module whose default export is a
 * PluginFactory — how external plugins are loaded.
 */
export async function pluginFactory(name: string): Promise<PluginFactory> {
  const builtInName = ODC_STATS_CLASSES[name] ?? name;
  const builtIn = BUILT_IN_PLUGINS[builtInName];
  if (builtIn) return (config) => withProductDefaults(builtIn(config), builtInName);
  if (!/[/\\]|\.m?[jt]s$/.test(name)) throw unknownPlugin(name);
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
