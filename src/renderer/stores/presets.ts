/**
 * Which run config presets the app offers, and which of them the YAML is: the sample's when
 * the workspace's catalogue is the sample (it has six bands and 120 m pixels: the presets of
 * real Sentinel-2 would fail on it), those of real collections otherwise.
 */
import { create } from 'zustand';
import { presetFor, presetKey, presetMatching, presetsFor, PLUGIN_PRESETS, SAMPLE_PRESETS, type PluginPreset } from '../../shared/plugin-presets.js';
import { api } from '../api/api.js';
import { useWorkspace } from './workspace-store.js';

interface SampleState {
  /** The sample's catalogue path, once the host has said it. */
  sampleCatalog: string | null;
}

const useSample = create<SampleState>()(() => ({ sampleCatalog: null }));

/** Asks the host where the sample's catalogue is (once). */
export async function learnSampleCatalog(): Promise<void> {
  if (useSample.getState().sampleCatalog !== null) return;
  const info = await api().hostInfo();
  useSample.setState({ sampleCatalog: info.sampleCatalog });
}

/** The presets offered for the workspace's catalogue. */
export function useOfferedPresets(): readonly PluginPreset[] {
  const sampleCatalog = useSample((s) => s.sampleCatalog);
  const catalog = useWorkspace((s) => s.catalog);
  return presetsFor(sampleCatalog !== null && catalog.trim() === sampleCatalog);
}

/** What the preset list shows for a YAML text: the preset it is (among all, offered or not), or none when edited. */
export function presetOf(configYaml: string): PluginPreset | undefined {
  return presetMatching(configYaml, [...PLUGIN_PRESETS, ...SAMPLE_PRESETS]);
}

/** Replaces the YAML with a preset. */
export function loadPreset(key: string): void {
  const preset = presetFor(key);
  if (preset) useWorkspace.getState().update({ plugin: key, configYaml: preset.yaml });
}

/**
 * The catalogue has become the sample ("Use sample"): a YAML that is a preset of real
 * collections (not edited) becomes the sample's preset of the same product, or its geomedian.
 */
export function switchToSamplePresets(sampleCatalog: string): void {
  useSample.setState({ sampleCatalog });
  const current = presetOf(useWorkspace.getState().configYaml);
  if (!current || SAMPLE_PRESETS.includes(current)) return;
  const counterpart = presetFor(`sample/${presetKey(current)}`) ?? SAMPLE_PRESETS[0]!;
  loadPreset(presetKey(counterpart));
}
