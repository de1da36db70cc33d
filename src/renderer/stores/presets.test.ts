// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { presetFor } from '../../shared/plugin-presets.js';
import { setApi } from '../api/api.js';
import { fakeApi } from '../test-support/fake-api.js';
import { resetStores } from '../test-support/reset-stores.js';
import { presetOf, switchToSamplePresets } from './presets.js';
import { useWorkspace } from './workspace-store.js';

const SAMPLE = '/ws/sample-catalog/catalog.json';

beforeEach(() => {
  resetStores();
  setApi(fakeApi());
});

describe('presets on the sample', () => {
  it('replace a preset of real collections by the sample\u2019s preset of the same product', () => {
    expect(presetOf(useWorkspace.getState().configYaml)).toBe(presetFor('gm-s2'));
    switchToSamplePresets(SAMPLE);
    expect(useWorkspace.getState()).toMatchObject({ plugin: 'sample/gm-s2', configYaml: presetFor('sample/gm-s2')!.yaml });

    useWorkspace.getState().update({ configYaml: presetFor('pq')!.yaml });
    switchToSamplePresets(SAMPLE);
    expect(useWorkspace.getState().configYaml).toBe(presetFor('sample/pq')!.yaml);
  });

  it('give a preset the sample has no counterpart of the sample\u2019s geomedian', () => {
    useWorkspace.getState().update({ configYaml: presetFor('gm-ls')!.yaml });
    switchToSamplePresets(SAMPLE);
    expect(useWorkspace.getState().configYaml).toBe(presetFor('sample/gm-s2')!.yaml);
  });

  it('leave an edited YAML alone', () => {
    const edited = `${presetFor('gm-s2')!.yaml}resolution: 60\n`;
    useWorkspace.getState().update({ configYaml: edited });
    switchToSamplePresets(SAMPLE);
    expect(useWorkspace.getState().configYaml).toBe(edited);
  });
});
