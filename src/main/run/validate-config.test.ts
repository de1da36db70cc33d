import { describe, expect, it } from 'vitest';
import { PLUGIN_PRESETS } from '../../shared/plugin-presets.js';
import { validateRunConfig } from './validate-config.js';

describe('validateRunConfig', () => {
  it('puts a plugin_config list entry of the wrong type on its line', async () => {
    const text = ['plugin: gm-s2', 'plugin_config:', '  bands:', '    - B02', '    - B03', '    - 4', '  mask_band: SCL', ''].join('\n');
    const [d, ...more] = await validateRunConfig(text);
    expect(more).toEqual([]);
    expect(d).toMatchObject({ line: 6, severity: 'error', message: "plugin_config of gm-s2: key 'bands[2]' must be a string" });
    expect(text.slice(d!.from, d!.to)).toBe('4');
  });

  it('marks a plugin_config key the plugin does not know', async () => {
    const text = 'plugin: pq\nplugin_config:\n  mask_band: SCL\n  filter: {}\n';
    const [d] = await validateRunConfig(text);
    expect(d).toMatchObject({ line: 4, severity: 'error', message: "unknown key 'filter' in plugin_config of pq (did you mean 'filters'?)" });
    expect(text.slice(d!.from, d!.to)).toBe('filter');
  });

  it('puts a key the plugin needs on plugin_config when it is left out', async () => {
    const [d] = await validateRunConfig('plugin: gm-ls-bitmask\nplugin_config:\n  mask_band: QA_PIXEL\n');
    expect(d).toMatchObject({ line: 2, message: expect.stringMatching(/^plugin_config of gm-ls-bitmask: key 'bands' is required/) });
  });

  it('puts an unknown plugin on the plugin line, and a missing one on the first', async () => {
    expect(await validateRunConfig('threads: 2\nplugin: gm-s9\n')).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringMatching(/^unknown plugin 'gm-s9'/) }),
    ]);
    expect(await validateRunConfig('threads: 2\n')).toEqual([expect.objectContaining({ line: 1, message: expect.stringMatching(/^no plugin/) })]);
  });

  it.each(PLUGIN_PRESETS.map((preset) => [preset.plugin, preset.yaml]))('finds nothing wrong with the %s preset', async (_plugin, yaml) => {
    expect(await validateRunConfig(yaml)).toEqual([]);
  });
});
