/**
 * Starting configs for the built-in plugins, as a user of odc-stats would write them: the
 * plugin, its `plugin_config` spelled out with the plugin's defaults, and a product section.
 */
export interface PluginPreset {
  plugin: string;
  /** Tells apart presets of one plugin (`reduce`); a plugin's only preset goes by the plugin's name. */
  id?: string;
  title: string;
  yaml: string;
}

/** What the app's preset list selects a preset by. */
export function presetKey(preset: PluginPreset): string {
  return preset.id ?? preset.plugin;
}

const product = (name: string, shortName: string) =>
  [
    'product:',
    `  name: ${name}`,
    `  short_name: ${shortName}`,
    '  version: 1.0.0',
    "  region_code_format: 'x{x:03d}y{y:03d}'",
  ].join('\n');

/** pq's clear-pixel counts, with and without the opening, before its product. */
const CLEAR_PIXEL_COUNT = ['plugin: pq', 'plugin_config:', '  mask_band: SCL', '  filters:', '    clear_2_5: [[opening, 2], [dilation, 5]]', '    clear_0_5: [[dilation, 5]]'];

/** DEA's masking of cloud and cloud shadow in water observations, each grown by 6 pixels (its WO summary and FC percentile configs). */
const DEA_WO_CLOUD_FILTERS = ['  cloud_filters:', '    cloud: [[dilation, 6]]', '    cloud_shadow: [[dilation, 6]]'];

/** The `reduce` plugin's median NDVI of clear observations, before its product. */
const MEDIAN_NDVI = [
  'plugin: reduce',
  'plugin_config:',
  '  expressions:',
  "    ndvi: '(B08 - B04) / (B08 + B04)'",
  '  reducers: [median, count]',
  '  mask_band: SCL',
  '  cloud_filters: [[opening, 2], [dilation, 5]]',
];

export const PLUGIN_PRESETS: readonly PluginPreset[] = [
  {
    plugin: 'gm-s2',
    title: 'Sentinel-2 geomedian',
    yaml: [
      'plugin: gm-s2',
      'plugin_config:',
      '  bands: [B02, B03, B04, B05, B06, B07, B08, B8A, B11, B12]',
      '  mask_band: SCL',
      '  cloud_filters: [[opening, 2], [dilation, 5]]',
      product('gm_s2_annual', 'gm_s2_annual'),
      'max_processing_time: 3600',
      '',
    ].join('\n'),
  },
  {
    plugin: 'gm-ls',
    title: 'Landsat geomedian (DEA ARD)',
    yaml: [
      'plugin: gm-ls',
      'plugin_config:',
      '  bands: [nbart_red, nbart_green, nbart_blue, nbart_nir, nbart_swir_1, nbart_swir_2]',
      '  mask_band: oa_fmask',
      '  contiguity_band: oa_nbart_contiguity',
      product('gm_ls_annual', 'gm_ls_annual'),
      'max_processing_time: 3600',
      '',
    ].join('\n'),
  },
  {
    plugin: 'gm-ls-bitmask',
    title: 'Landsat C2 geomedian (QA_PIXEL)',
    // odc-stats' StatsGMLSBitmask reads only the bands a config names: it has no default to fall back on.
    yaml: [
      'plugin: gm-ls-bitmask',
      'plugin_config:',
      '  bands: [red, green, blue, nir08, swir16, swir22]',
      '  mask_band: QA_PIXEL',
      product('gm_ls_bitmask', 'gm_ls'),
      '',
    ].join('\n'),
  },
  {
    plugin: 'pq',
    title: 'Sentinel-2 clear-pixel count',
    yaml: [
      ...CLEAR_PIXEL_COUNT,
      product('s2_pq_annual', 'pq'),
      '',
    ].join('\n'),
  },
  {
    plugin: 'pq-ls-bitmask',
    title: 'Landsat C2 clear-pixel count',
    yaml: ['plugin: pq-ls-bitmask', 'plugin_config:', '  mask_band: QA_PIXEL', product('ls_pq_annual', 'pq'), ''].join('\n'),
  },
  {
    plugin: 'gm-generic',
    title: 'Generic geomedian (fmask)',
    yaml: ['plugin: gm-generic', 'plugin_config:', '  bands: [red, green, blue]', '  mask_band: fmask', product('gm_generic', 'gm'), ''].join('\n'),
  },
  {
    plugin: 'wofs-summary',
    title: 'Water observation frequency (DEA WO)',
    yaml: [
      'plugin: wofs-summary',
      'plugin_config:',
      ...DEA_WO_CLOUD_FILTERS,
      product('ga_ls_wo_fq_cyear_3', 'ga_ls_wo_fq_cyear_3'),
      '',
    ].join('\n'),
  },
  {
    plugin: 'fc-percentiles',
    title: 'Fractional cover percentiles (DEA FC fused with WO)',
    yaml: [
      'plugin: fc-percentiles',
      'plugin_config:',
      ...DEA_WO_CLOUD_FILTERS,
      product('ga_ls_fc_pc_cyear_3', 'ga_ls_fc_pc_cyear_3'),
      '',
    ].join('\n'),
  },
  {
    plugin: 'tcw-percentiles',
    title: 'Tasselled cap percentiles (DEA ARD)',
    yaml: [
      'plugin: tcw-percentiles',
      'plugin_config:',
      '  cloud_filters:',
      '    cloud: [[dilation, 6]]',
      '    shadow: [[dilation, 6]]',
      product('ga_ls_tc_pc_cyear_3', 'ga_ls_tc_pc_cyear_3'),
      '',
    ].join('\n'),
  },
  {
    plugin: 'reduce',
    id: 'reduce/median-ndvi',
    title: 'Median NDVI of clear observations (prototype)',
    yaml: [
      ...MEDIAN_NDVI,
      product('s2_ndvi_median', 'ndvi_median'),
      '',
    ].join('\n'),
  },
  {
    plugin: 'reduce',
    id: 'reduce/percentiles',
    title: '10th, 50th and 90th percentile of a band (prototype)',
    yaml: [
      'plugin: reduce',
      'plugin_config:',
      '  bands: [B08]',
      '  percentiles: [10, 50, 90]',
      '  mask_band: SCL',
      '  cloud_filters: [[opening, 2], [dilation, 5]]',
      '  output_dtype: uint16',
      '  output_nodata: 0',
      product('s2_b08_percentiles', 'b08_pc'),
      '',
    ].join('\n'),
  },
];

/**
 * Presets that run on the embedded sample ("Use sample"): its six reflectance bands (no B05,
 * B06, B07 or B8A) and SCL, at its own 120 m pixels rather than the grid's 10 m.
 */
export const SAMPLE_PRESETS: readonly PluginPreset[] = [
  {
    plugin: 'gm-s2',
    id: 'sample/gm-s2',
    title: 'Sentinel-2 geomedian of the sample (120 m)',
    yaml: [
      'plugin: gm-s2',
      'plugin_config:',
      '  bands: [B02, B03, B04, B08, B11, B12]',
      '  mask_band: SCL',
      '  cloud_filters: [[opening, 2], [dilation, 5]]',
      product('gm_s2_sample', 'gm_s2_sample'),
      'resolution: 120',
      '',
    ].join('\n'),
  },
  {
    plugin: 'pq',
    id: 'sample/pq',
    title: 'Clear-pixel count of the sample (120 m)',
    yaml: [
      ...CLEAR_PIXEL_COUNT,
      product('s2_pq_sample', 'pq'),
      'resolution: 120',
      '',
    ].join('\n'),
  },
  {
    plugin: 'reduce',
    id: 'sample/reduce/median-ndvi',
    title: 'Median NDVI of the sample (120 m, prototype)',
    yaml: [
      ...MEDIAN_NDVI,
      product('s2_ndvi_median_sample', 'ndvi_median'),
      'resolution: 120',
      '',
    ].join('\n'),
  },
];

/** The presets to offer: those of the sample when the catalogue is the sample, else those of real collections. */
export function presetsFor(catalogueIsSample: boolean): readonly PluginPreset[] {
  return catalogueIsSample ? SAMPLE_PRESETS : PLUGIN_PRESETS;
}

/** The preset of a key (presetKey): a plugin's name, or the id of one of several presets of a plugin. */
export function presetFor(key: string): PluginPreset | undefined {
  return [...PLUGIN_PRESETS, ...SAMPLE_PRESETS].find((p) => presetKey(p) === key);
}

/** The preset among `presets` whose YAML this text is, spaces at line ends aside; undefined for a config edited away from them. */
export function presetMatching(yamlText: string, presets: readonly PluginPreset[]): PluginPreset | undefined {
  const text = withoutTrailingSpace(yamlText);
  return presets.find((p) => withoutTrailingSpace(p.yaml) === text);
}

function withoutTrailingSpace(text: string): string {
  return text.replace(/[ \t]+$/gm, '').trimEnd();
}
