import { describe, expect, it } from 'vitest';
import { PLUGIN_PRESETS, presetFor, presetKey, presetMatching, presetsFor, SAMPLE_PRESETS } from './plugin-presets.js';

describe('plugin presets', () => {
  it('offer the sample its own presets, and real collections theirs', () => {
    expect(presetsFor(true).map(presetKey)).toEqual(['sample/gm-s2', 'sample/pq', 'sample/reduce/median-ndvi']);
    expect(presetsFor(false)).toBe(PLUGIN_PRESETS);
  });

  it('run on the sample at its 120 m pixels, with none of the bands it lacks', () => {
    for (const preset of SAMPLE_PRESETS) {
      expect(preset.yaml).toMatch(/^resolution: 120$/m);
      expect(preset.yaml).not.toMatch(/B05|B06|B07|B8A/);
    }
  });

  it('have keys that name one preset each', () => {
    const keys = [...PLUGIN_PRESETS, ...SAMPLE_PRESETS].map(presetKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(presetFor('sample/pq')?.plugin).toBe('pq');
  });

  it('tell which preset a YAML text is, spaces at line ends aside, and none once it is edited', () => {
    const pq = presetFor('pq')!;
    expect(presetMatching(pq.yaml, PLUGIN_PRESETS)).toBe(pq);
    expect(presetMatching(pq.yaml.replace('plugin: pq\n', 'plugin: pq   \n').trimEnd(), PLUGIN_PRESETS)).toBe(pq);
    expect(presetMatching(pq.yaml.replace('clear_0_5', 'clear_0_7'), PLUGIN_PRESETS)).toBeUndefined();
    expect(presetMatching(pq.yaml, SAMPLE_PRESETS)).toBeUndefined();
  });
});
