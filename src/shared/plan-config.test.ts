import { describe, expect, it } from 'vitest';
import { readPlanConfig, splitProducts } from './plan-config.js';

const parsePlanConfig = (text: string, source: string) => readPlanConfig(text, source).config;

describe('plan config', () => {
  it('reads save-tasks keys and ignores run keys', () => {
    const cfg = parsePlanConfig(
      [
        'grid: africa-10',
        'frequency: annual',
        'input_products: s2_l2a',
        'temporal_range: 2021--P1Y',
        'plugin: gm-s2',
        'plugin_config: {resampling: bilinear}',
        'output_location: s3://bucket/out',
        'complevel: 6',
      ].join('\n'),
      'cfg.yaml',
    );
    expect(cfg).toEqual({ grid: 'africa-10', frequency: 'annual', input_products: 's2_l2a', temporal_range: '2021--P1Y' });
  });

  it('warns of a key it does not know, naming the nearest, and refuses it when strict', () => {
    const { config, warnings } = readPlanConfig('gird: au-30\ngrid: au-30\n', 'cfg.yaml');
    expect(config).toEqual({ grid: 'au-30' });
    expect(warnings).toEqual([{ path: ['gird'], message: "did you mean 'grid'?", severity: 'warning', unknownKey: true }]);
    expect(() => readPlanConfig('gird: au-30\n', 'cfg.yaml', true)).toThrow("unknown key 'gird' in config cfg.yaml (did you mean 'grid'?)");
  });

  it('reads dataset_filter as a mapping or as the JSON text of one, as odc-stats', () => {
    expect(parsePlanConfig('dataset_filter: >-\n  {"dataset_maturity": "final"}\n', 'c.yaml')).toEqual({ dataset_filter: { dataset_maturity: 'final' } });
    expect(parsePlanConfig('dataset_filter: {dataset_maturity: final}\n', 'c.yaml')).toEqual({ dataset_filter: { dataset_maturity: 'final' } });
    expect(() => parsePlanConfig("dataset_filter: 'maturity=final'\n", 'c.yaml')).toThrow(
      `config c.yaml: key 'dataset_filter' must be a JSON object such as '{"dataset_maturity": "final"}', got "maturity=final"`,
    );
    expect(() => parsePlanConfig('dataset_filter: \'{"a": [1]}\'\n', 'c.yaml')).toThrow(
      `config c.yaml: key 'dataset_filter' must be a mapping or a JSON object such as '{"dataset_maturity": "final"}', of strings, numbers or booleans`,
    );
  });

  it('reads ignore_time and optional_products as lists of products, gqa as a number, and leaves out keys without a value', () => {
    expect(parsePlanConfig('ignore_time: [s3://b/dem/]\noptional_products: ga_ls_mangrove_cover_cyear_3\ngqa: 1\n', 'c.yaml')).toEqual({
      ignore_time: ['s3://b/dem/'],
      optional_products: ['ga_ls_mangrove_cover_cyear_3'],
      gqa: 1,
    });
    expect(parsePlanConfig('ignore_time:\noptional_products:\ngqa:\n', 'c.yaml')).toEqual({});
    expect(() => parsePlanConfig('gqa: good\n', 'c.yaml')).toThrow("config c.yaml: key 'gqa' must be a number");
  });

  it('warns of usgs_collection_category and env, options whose keys odc-stats reads from no config', () => {
    const { config, warnings } = readPlanConfig('usgs_collection_category: T1\nenv: dea\ngrid: au-30\n', 'c.yaml');
    expect(config).toEqual({ grid: 'au-30' });
    expect(warnings).toEqual([
      { path: ['usgs_collection_category'], message: 'is ignored, as odc-stats ignores it in a config: give --usgs-collection-category', severity: 'warning' },
      { path: ['env'], message: 'is ignored, as odc-stats ignores it in a config; planning reads STAC: give --catalog', severity: 'warning' },
    ]);
  });

  it('names a key of the wrong type', () => {
    expect(() => parsePlanConfig('year: twenty\n', 'c.yaml')).toThrow("config c.yaml: key 'year' must be a number");
  });

  it('rejects YAML that is not a mapping, and broken YAML, in one line', () => {
    expect(() => parsePlanConfig('- a\n- b\n', 'c.yaml')).toThrow('config c.yaml must be a mapping of keys to values');
    try {
      parsePlanConfig('grid: [au-30\n', 'c.yaml');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/^config c.yaml is not valid YAML: /);
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('splits a union written with - or commas, or as a list, and keeps fused products (+) together', () => {
    expect(splitProducts('ga_ls5t_ard_3-ga_ls7e_ard_3')).toEqual(['ga_ls5t_ard_3', 'ga_ls7e_ard_3']);
    expect(splitProducts('ga_ls_fc_3+ga_ls_wo_3')).toEqual(['ga_ls_fc_3+ga_ls_wo_3']);
    expect(splitProducts('a, b')).toEqual(['a', 'b']);
    expect(splitProducts(['s2a', 's2b'])).toEqual(['s2a', 's2b']);
  });
});
