import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from './config-issue.js';
import { UserError } from './errors.js';
import { RUN_CONFIG_KEYS, planConfigSchema } from './plan-config.js';
import {
  RUN_KEYS,
  cogOptionsForBand,
  rgbaPreviewOptions,
  mergeRunConfig,
  parseCogConfig,
  parseMemory,
  parseRunConfig,
  readRunConfig,
  resolveOutputLocation,
  resolveOutputProduct,
  type RunConfig,
} from './run-config.js';

const GEOMEDIAN_CONFIG = `
plugin: gm-s2
plugin_config:
  resampling: bilinear
  cloud_filters:
    cloud: [[opening, 2], [dilation, 5]]
product:
  name: gm_s2_annual
  short_name: gm_s2_annual
  version: 0.3.1
  product_family: geomedian
  region_code_format: "x{x:03d}y{y:03d}"
  maturity: final
  properties:
    odc:license: CC-BY-4.0
output_location: s3://stats-bucket/{product}/{version}/
threads: 8
memory_limit: 60Gi
max_processing_time: 3600
job_queue_max_lease: 900
renew_safety_margin: 60
future_poll_interval: 2
s3_acl: bucket-owner-full-control
aws_unsigned: true
cog_opts:
  zlevel: 6
  overview_levels: [2, 4, 8]
  overrides:
    rgba:
      compress: webp
      webp_level: 80
  count:
    predictor: 2
# save-tasks keys, ignored by run
grid: africa-10
frequency: annual
input_products: s2_l2a
complevel: 9
`;

function parse(yaml: string): RunConfig {
  return parseRunConfig(yaml, 'run.yaml');
}

describe('parseRunConfig', () => {
  it('reads a geomedian run config', () => {
    const cfg = parse(GEOMEDIAN_CONFIG);
    expect(cfg.plugin).toBe('gm-s2');
    expect(cfg.plugin_config).toEqual({ resampling: 'bilinear', cloud_filters: { cloud: [['opening', 2], ['dilation', 5]] } });
    expect(cfg.product).toEqual({
      name: 'gm_s2_annual',
      short_name: 'gm_s2_annual',
      version: '0.3.1',
      product_family: 'geomedian',
      region_code_format: 'x{x:03d}y{y:03d}',
      maturity: 'final',
      properties: { 'odc:license': 'CC-BY-4.0' },
    });
    expect(cfg.output_location).toBe('s3://stats-bucket/{product}/{version}/');
    expect(cfg.threads).toBe(8);
    expect(cfg.memory_limit).toBe(60 * 1024 ** 3);
    expect(cfg.max_processing_time).toBe(3600);
    expect(cfg.job_queue_max_lease).toBe(900);
    expect(cfg.renew_safety_margin).toBe(60);
    expect(cfg.future_poll_interval).toBe(2);
    expect(cfg.s3_acl).toBe('bucket-owner-full-control');
    expect(cfg.aws_unsigned).toBe(true);
    expect(cfg.cog_opts).toEqual({
      common: { zlevel: 6, overview_levels: [2, 4, 8] },
      overrides: { rgba: { compress: 'webp', webp_level: 80 }, count: { predictor: 2 } },
    });
    expect(Object.keys(cfg)).not.toContain('grid');
    expect(Object.keys(cfg)).not.toContain('complevel');
  });

  it('fills in odc-stats defaults for what a config leaves out', () => {
    expect(parse('')).toEqual({
      plugin_config: {},
      product: {},
      overwrite: false,
      max_processing_time: 0,
      job_queue_max_lease: 300,
      renew_safety_margin: 30,
      future_poll_interval: 5,
      max_receive: 3,
    });
  });

  it('treats a key without a value as left out', () => {
    const cfg = parse('threads:\nplugin_config:\njob_queue_max_lease:\n');
    expect(cfg.threads).toBeUndefined();
    expect(cfg.plugin_config).toEqual({});
    expect(cfg.job_queue_max_lease).toBe(300);
  });

  it('ignores an unknown top-level key, as odc-stats does, with a warning naming the nearest key', () => {
    const { config, warnings } = readRunConfig('pluginn: gm-s2\nthreads: 2\ncolour: blue\n', 'run.yaml');
    expect(config.threads).toBe(2);
    expect(config.plugin).toBeUndefined();
    expect(warnings).toEqual([
      { path: ['pluginn'], message: "did you mean 'plugin'?", severity: 'warning', unknownKey: true },
      { path: ['colour'], message: expect.stringMatching(/^run keys: plugin, plugin_config, product, /), severity: 'warning', unknownKey: true },
    ]);
    expect(formatConfigIssue(warnings[0]!, 'config run.yaml')).toBe("unknown key 'pluginn' in config run.yaml is ignored (did you mean 'plugin'?)");
  });

  it('refuses an unknown top-level key when strict, naming the first', () => {
    expect(() => readRunConfig('threads: 2\npluginn: gm-s2\ncolour: blue\n', 'run.yaml', true)).toThrow(
      "unknown key 'pluginn' in config run.yaml (did you mean 'plugin'?)",
    );
    expect(readRunConfig('threads: 2\n', 'run.yaml', true).warnings).toEqual([]);
  });

  it("ignores odc-stats save-tasks keys that this program's save-tasks does not read", () => {
    expect(readRunConfig('ignore_time: true\noptional_products: [a]\n', 'run.yaml').warnings).toEqual([]);
  });

  it('names a misspelt product key and the nearest product key: odc-stats refuses it', () => {
    expect(() => parse('product:\n  name: a\n  shortname: b\n')).toThrow("unknown key 'product.shortname' in config run.yaml (did you mean 'short_name'?)");
    expect(() => parse('product:\n  colour: b\n')).toThrow(/^unknown key 'product\.colour' in config run\.yaml \(product keys: name, short_name, version, /);
  });

  it('reads cog_opts.overrides left empty as no settings of bands', () => {
    expect(parse('cog_opts:\n  zlevel: 4\n  overrides:\n').cog_opts).toEqual({ common: { zlevel: 4 }, overrides: {} });
    expect(parse('cog_opts:\n  overrides: null\n  count: { predictor: 2 }\n').cog_opts).toEqual({ common: {}, overrides: { count: { predictor: 2 } } });
  });

  it('reads dataset_filters as odc-stats does, JSON objects joined by |, or one mapping; refuses others in one line', () => {
    expect(parse('dataset_filters: \'{"dataset_maturity": "final"}|{"datetime": "2013-01--P5M"}\'\n').dataset_filters).toBe('{"dataset_maturity": "final"}|{"datetime": "2013-01--P5M"}');
    expect(parse('dataset_filters: {dataset_maturity: final}\n').dataset_filters).toEqual({ dataset_maturity: 'final' });
    expect(() => parse('dataset_filters: \'{"datetime": "2013"}|x\'\n')).toThrow(/^config run\.yaml: key 'dataset_filters' filter 1 \("\{\\"datetime\\": \\"2013\\"\}"\): invalid temporal range/);
    expect(readRunConfig('dataset_filters: {}\n', 'run.yaml').warnings).toEqual([]);
  });

  it('reads apply_eodatasets3 without a word, as it is honoured', () => {
    expect(readRunConfig('apply_eodatasets3: true\n', 'run.yaml')).toMatchObject({ config: { apply_eodatasets3: true }, warnings: [] });
    expect(readRunConfig('apply_eodatasets3: false\n', 'run.yaml').warnings).toEqual([]);
  });

  it('reads settings of the rgba band, under overrides or beside them, without a word: they ask for the RGBA preview', () => {
    const nested = readRunConfig('cog_opts:\n  overrides:\n    rgba: { compress: jpeg }\n', 'run.yaml');
    expect(nested.config.cog_opts?.overrides.rgba).toEqual({ compress: 'jpeg' });
    expect(nested.warnings).toEqual([]);
    const beside = readRunConfig('cog_opts:\n  overrides:\n  rgba: { compress: jpeg }\n', 'run.yaml');
    expect(beside.config.cog_opts?.overrides.rgba).toEqual({ compress: 'jpeg' });
    expect(beside.warnings).toEqual([]);
  });

  it('names the key of a value of the wrong type', () => {
    expect(() => parse('threads: four')).toThrow("config run.yaml: key 'threads' must be a number");
    expect(() => parse('threads: 2.5')).toThrow("config run.yaml: key 'threads' must be a whole number");
    expect(() => parse('overwrite: sometimes')).toThrow("config run.yaml: key 'overwrite' must be true or false");
    expect(() => parse('plugin_config: [a, b]')).toThrow("config run.yaml: key 'plugin_config' must be a mapping");
    // YAML reads an unquoted 1.0 as a number: odc-stats needs the version as text.
    expect(() => parse('product:\n  version: 1.0\n')).toThrow("config run.yaml: key 'product.version' must be a string");
  });

  it('checks ranges and choices', () => {
    expect(() => parse('max_processing_time: -1')).toThrow("key 'max_processing_time' must be at least 0");
    expect(() => parse('job_queue_max_lease: 0')).toThrow("key 'job_queue_max_lease' must be more than 0");
    expect(() => parse('s3_acl: public')).toThrow("key 's3_acl' must be one of private, public-read, ");
    expect(() => parse('output_location: ""')).toThrow("key 'output_location' must not be empty");
    expect(() => parse('cog_opts:\n  blocksize: 500\n')).toThrow("key 'cog_opts.blocksize' must be a multiple of 16");
    expect(() => parse('cog_opts:\n  overrides:\n    rgba:\n      zlevel: high\n')).toThrow(
      "key 'cog_opts.overrides.rgba.zlevel' must be a number",
    );
  });

  it('reads memory sizes and refuses what is not one', () => {
    expect(parse('memory_limit: 4GB').memory_limit).toBe(4e9);
    expect(parse('memory_limit: 2000000000').memory_limit).toBe(2e9);
    expect(parse('memory_limit: auto').memory_limit).toBeUndefined();
    expect(parse('memory_limit: ""').memory_limit).toBeUndefined();
    expect(() => parse('memory_limit: lots')).toThrow("config run.yaml: key 'memory_limit' has unit 'lots', which is not a unit of bytes");
    expect(() => parse('memory_limit: 0.5')).toThrow("key 'memory_limit' must be a size, not a fraction");
  });

  it('checks the region code format', () => {
    expect(() => parse('product:\n  region_code_format: "{z}"\n')).toThrow(
      "config run.yaml: key 'product.region_code_format' is invalid: region code format '{z}' uses unknown field '{z}'",
    );
  });

  it('gives every problem as an issue at its path', () => {
    const error = (() => {
      try {
        parse('threads: x\nproduct:\n  nmae: a\n  version: 2\ncog_opts:\n  overrides:\n    red: {zlevel: 13}\ncolour: blue\n');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { path: ['colour'], message: expect.stringMatching(/^run keys: plugin, /), severity: 'warning', unknownKey: true },
      { path: ['product', 'nmae'], message: "did you mean 'name'?", severity: 'error', unknownKey: true },
      { path: ['product', 'version'], message: 'must be a string', severity: 'error' },
      { path: ['cog_opts', 'overrides', 'red', 'zlevel'], message: 'must be at most 12', severity: 'error' },
      { path: ['threads'], message: 'must be a number', severity: 'error' },
    ]);
    // The first error, not the warning before it.
    expect((error as ConfigError).message).toBe("unknown key 'product.nmae' in config run.yaml (did you mean 'name'?)");
  });

  it('refuses what is not a mapping of keys', () => {
    expect(() => parse('- plugin')).toThrow('config run.yaml must be a mapping of keys to values');
    expect(() => parse('plugin: [unclosed')).toThrow(/^config run\.yaml is not valid YAML: /);
  });

  it('reads every key RUN_CONFIG_KEYS promises to save-tasks', () => {
    for (const key of RUN_CONFIG_KEYS) expect(RUN_KEYS, key).toContain(key);
  });

  it('reads no key save-tasks would refuse', () => {
    const knownToSaveTasks = new Set<string>([...RUN_CONFIG_KEYS, ...Object.keys(planConfigSchema.shape)]);
    expect(RUN_KEYS.filter((key) => !knownToSaveTasks.has(key))).toEqual([]);
  });
});

describe('mergeRunConfig', () => {
  const base = parse(`
plugin: pq
plugin_config: { resampling: nearest, filters: [[2, 5]] }
product: { name: pc_s2_annual, version: 1.0.0 }
output_location: file:///data/out
threads: 4
cog_opts: { zlevel: 9, overrides: { rgba: { compress: webp } } }
`);

  it('lets given settings win and leaves the rest', () => {
    const merged = mergeRunConfig(base, { threads: 16, overwrite: true, output_location: undefined });
    expect(merged.threads).toBe(16);
    expect(merged.overwrite).toBe(true);
    expect(merged.output_location).toBe('file:///data/out');
    expect(merged.plugin).toBe('pq');
  });

  it('merges plugin_config and product key by key', () => {
    const merged = mergeRunConfig(base, {
      plugin_config: { resampling: 'average', verbose: true },
      product: { version: '1.1.0' },
    });
    expect(merged.plugin_config).toEqual({ resampling: 'average', filters: [[2, 5]], verbose: true });
    expect(merged.product).toEqual({ name: 'pc_s2_annual', version: '1.1.0' });
  });

  it('replaces cog_opts as a whole, as --cog-config does', () => {
    const merged = mergeRunConfig(base, { cog_opts: { common: { zlevel: 1 }, overrides: {} } });
    expect(merged.cog_opts).toEqual({ common: { zlevel: 1 }, overrides: {} });
  });

  it('leaves the base config as it was', () => {
    const before = structuredClone(base);
    mergeRunConfig(base, { threads: 1, plugin_config: { x: 1 }, product: { name: 'other' } });
    expect(base).toEqual(before);
  });
});

describe('parseCogConfig', () => {
  it('reads --cog-config text in the form of cog_opts', () => {
    expect(parseCogConfig('{ zlevel: 4, rgba: { compress: webp } }', '--cog-config')).toEqual({
      common: { zlevel: 4 },
      overrides: { rgba: { compress: 'webp' } },
    });
    expect(parseCogConfig('', '--cog-config')).toEqual({ common: {}, overrides: {} });
  });

  it('names the key of a wrong setting', () => {
    expect(() => parseCogConfig('zlevel: 0', '--cog-config')).toThrow("config --cog-config: key 'cog_opts.zlevel' must be at least 1");
    expect(() => parseCogConfig('rgba: { blocksize: 100 }', '--cog-config')).toThrow(
      "config --cog-config: key 'cog_opts.rgba.blocksize' must be a multiple of 16",
    );
    expect(() => parseCogConfig('tiling: [a, b]', '--cog-config')).toThrow(
      "config --cog-config: key 'cog_opts.tiling' must be a GDAL creation option or a band's mapping of COG settings",
    );
  });
});

describe('cogOptionsForBand', () => {
  it('layers odc-stats defaults, the common settings and the band’s own', () => {
    const { cog_opts } = parse('cog_opts:\n  zlevel: 6\n  overrides:\n    rgba: { compress: webp, webp_level: 80 }\n');
    expect(cogOptionsForBand(cog_opts, 'red')).toEqual({
      compress: 'deflate',
      zlevel: 6,
      blocksize: 800,
      ovr_blocksize: 256,
      overview_resampling: 'average',
    });
    expect(cogOptionsForBand(cog_opts, 'rgba')).toEqual({
      compress: 'webp',
      zlevel: 6,
      blocksize: 800,
      ovr_blocksize: 256,
      overview_resampling: 'average',
      webp_level: 80,
    });
    expect(cogOptionsForBand(undefined, 'red').zlevel).toBe(9);
  });

  it('leaves out the default zlevel where the settings give GDAL’s COG name `level`', () => {
    const { cog_opts } = parse('cog_opts:\n  level: 4\n  overrides:\n    red: { zlevel: 6 }\n');
    expect(cogOptionsForBand(cog_opts, 'blue')).toEqual({ compress: 'deflate', level: 4, blocksize: 800, ovr_blocksize: 256, overview_resampling: 'average' });
    // The band's zlevel meets the common level: both are the user's, for cog-settings to weigh.
    expect(cogOptionsForBand(cog_opts, 'red')).toMatchObject({ level: 4, zlevel: 6 });
  });
});

describe('rgbaPreviewOptions', () => {
  it('is the rgba band\'s settings over the common ones, and undefined without settings for it (no preview, as odc-stats)', () => {
    const { cog_opts } = parse('cog_opts:\n  zlevel: 6\n  overrides:\n    rgba: { compress: JPEG, jpeg_quality: 90 }\n');
    expect(rgbaPreviewOptions(cog_opts)).toEqual({ compress: 'JPEG', zlevel: 6, blocksize: 800, ovr_blocksize: 256, overview_resampling: 'average', jpeg_quality: 90 });
    expect(rgbaPreviewOptions(parse('cog_opts:\n  zlevel: 6\n').cog_opts)).toBeUndefined();
    expect(rgbaPreviewOptions(undefined)).toBeUndefined();
  });
});

describe('resolveOutputProduct', () => {
  it('completes the product section as odc-stats product_for_plugin does', () => {
    const cfg = parse('product:\n  name: gm_s2_annual\n  version: 0.3.1\n  properties: { odc:producer: example.org, extra: 1 }\n');
    expect(resolveOutputProduct(cfg)).toEqual({
      name: 'gm_s2_annual',
      shortName: 'gm_s2_annual',
      version: '0.3.1',
      productFamily: 'statistics',
      regionCodeFormat: 'x{x:02d}y{y:02d}',
      href: 'https://collections.dea.ga.gov.au/product/gm_s2_annual',
      properties: {
        'odc:file_format': 'GeoTIFF',
        'odc:product_family': 'statistics',
        'odc:producer': 'example.org',
        extra: 1,
      },
    });
  });

  it('takes what the config leaves out from the plugin', () => {
    const plugin = { name: 'gm_s2', shortName: 'gm', version: '2.0.0', productFamily: 'geomedian' };
    const fromPlugin = resolveOutputProduct(parse(''), plugin);
    expect(fromPlugin).toMatchObject({ name: 'gm_s2', shortName: 'gm', version: '2.0.0', productFamily: 'geomedian' });
    const renamed = resolveOutputProduct(parse('product: { name: mine, collections_site: explorer.example.org, maturity: final }'), {
      ...plugin,
      shortName: '',
    });
    expect(renamed).toMatchObject({
      name: 'mine',
      shortName: 'mine',
      maturity: 'final',
      href: 'https://explorer.example.org/product/mine',
    });
  });

  it('carries the eodatasets3 product keys with odc-stats\u2019 defaults when apply_eodatasets3 is true, and none otherwise', () => {
    const section = 'product: { name: ga_x_3, version: 3.0.0, maturity: final, classifier: ard, collection_number: 2, inherit_skip_properties: [eo:cloud_cover] }\n';
    expect(resolveOutputProduct(parse(section)).eo3).toBeUndefined();
    expect(resolveOutputProduct(parse(`${section}apply_eodatasets3: true\n`)).eo3).toEqual({
      classifier: 'ard',
      collectionNumber: 2,
      explorerPath: 'https://explorer.dea.ga.gov.au/',
      inheritSkipProperties: ['eo:cloud_cover'],
      productConfig: { name: 'ga_x_3', version: '3.0.0', maturity: 'final', classifier: 'ard', collection_number: 2, inherit_skip_properties: ['eo:cloud_cover'] },
    });
    expect(resolveOutputProduct(parse('product: { name: a, version: 1.0.0 }\napply_eodatasets3: true\n')).eo3).toMatchObject({ classifier: 'level3', collectionNumber: 3 });
    expect(() => resolveOutputProduct(parse('product: { name: a, version: 1.0.0, naming_conventions_values: dea_s2 }\napply_eodatasets3: true\n'))).toThrow(
      "product.naming_conventions_values 'dea_s2' is not supported with apply_eodatasets3: the EO3 metadata follows DEA's 'dea_c3' only",
    );
  });

  it('refuses a product without a name or a version', () => {
    expect(() => resolveOutputProduct(parse('product: { version: 1.0.0 }'))).toThrow(UserError);
    expect(() => resolveOutputProduct(parse('product: { version: 1.0.0 }'))).toThrow('the output product has no name');
    expect(() => resolveOutputProduct(parse('product: { name: a }'))).toThrow('the output product has no version');
  });
});

describe('resolveOutputLocation', () => {
  const product = { name: 'gm_s2_annual', shortName: 'gm_s2', version: '1.0.0' };
  const at = (output_location: string) => resolveOutputLocation({ output_location }, product);

  it('fills in the product and its version with dashes', () => {
    expect(at('s3://stats-bucket/{product}/{version}/')).toBe('s3://stats-bucket/gm_s2_annual/1-0-0');
    expect(at('s3://b/{name}/{version_dashed}/{short_name}')).toBe('s3://b/gm_s2_annual/1-0-0/gm_s2');
    expect(at('s3://b/{product}/{version_raw}')).toBe('s3://b/gm_s2_annual/1.0.0');
    expect(at('/data/{{literal}}/{product}')).toBe('/data/{literal}/gm_s2_annual');
  });

  it('keeps a location without fields as it is, less trailing slashes', () => {
    expect(at('file:///data/out//')).toBe('file:///data/out');
    expect(at('/data/out')).toBe('/data/out');
    expect(at('/data/out{')).toBe('/data/out{');
  });

  it('refuses unknown fields and a missing location', () => {
    expect(() => at('s3://b/{prodcut}')).toThrow(UserError);
    expect(() => at('s3://b/{prodcut}')).toThrow("output_location 's3://b/{prodcut}' uses unknown field '{prodcut}'");
    expect(() => resolveOutputLocation({}, product)).toThrow('no output location');
  });
});

describe('parseMemory', () => {
  it('reads sizes as dask does', () => {
    expect(parseMemory('10Gi')).toBe(10 * 2 ** 30);
    expect(parseMemory('10GiB')).toBe(10 * 2 ** 30);
    expect(parseMemory('10gib')).toBe(10 * 2 ** 30);
    expect(parseMemory('512Ki')).toBe(524_288);
    expect(parseMemory('4GB')).toBe(4_000_000_000);
    expect(parseMemory('4g')).toBe(4_000_000_000);
    expect(parseMemory('500M')).toBe(500_000_000);
    expect(parseMemory('500MB')).toBe(500_000_000);
    expect(parseMemory('1.5 GB')).toBe(1_500_000_000);
    expect(parseMemory('2T')).toBe(2e12);
    expect(parseMemory('MB')).toBe(1_000_000);
    expect(parseMemory('1e6')).toBe(1_000_000);
    expect(parseMemory('100')).toBe(100);
    expect(parseMemory('100B')).toBe(100);
    expect(parseMemory(123_456)).toBe(123_456);
    expect(parseMemory('0')).toBe(0);
  });

  it('refuses what is not a size, naming it', () => {
    expect(() => parseMemory('10 foos')).toThrow(UserError);
    expect(() => parseMemory('10 foos')).toThrow("invalid memory size '10 foos': has unit 'foos'");
    expect(() => parseMemory('-1G')).toThrow("invalid memory size '-1G'");
    expect(() => parseMemory('1.2.3G')).toThrow(UserError);
    expect(() => parseMemory('0.5')).toThrow('not a fraction');
    expect(() => parseMemory(1)).toThrow('not a fraction');
  });
});
