import type { Project } from './api.js';
import { presetFor } from './plugin-presets.js';

/** What "New project" starts with: the sample's collection and grid, a gm-s2 run, nothing planned. */
export function untitledProject(): Project {
  return {
    name: 'Untitled project',
    catalog: '',
    collections: ['s2_l2a'],
    grid: 'africa-10',
    frequency: 'annual',
    temporalRange: '2021--P1Y',
    regions: [],
    cache: null,
    pickedTiles: [],
    plugin: 'gm-s2',
    configYaml: presetFor('gm-s2')!.yaml,
    lastRunConfigYaml: null,
    outputLocation: '',
    settings: { basemapStyleUrl: '', threads: 2 },
  };
}
