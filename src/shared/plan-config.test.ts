import { describe, expect, it } from 'vitest';
import { parsePlanConfig, splitProducts } from './plan-config.js';

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

  it('names a misspelt key', () => {
    expect(() => parsePlanConfig('gird: au-30\n', 'cfg.yaml')).toThrow(/unknown key 'gird' in config cfg.yaml/);
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

  it('splits products written with + or commas, or as a list', () => {
    expect(splitProducts('ga_ls5t_ard_3+ga_ls7e_ard_3')).toEqual(['ga_ls5t_ard_3', 'ga_ls7e_ard_3']);
    expect(splitProducts('a, b')).toEqual(['a', 'b']);
    expect(splitProducts(['s2a', 's2b'])).toEqual(['s2a', 's2b']);
  });
});
