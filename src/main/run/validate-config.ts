import type { ConfigDiagnostic } from '../../shared/api.js';
import { checkRunConfigText, diagnosticForMessage } from '../../shared/config-diagnostics.js';
import { isUserError } from '../../shared/errors.js';
import { loadPlugin } from '../../worker/plugins/registry.js';

/** Everything wrong with a run config's text, each on its line: YAML, run keys, then the plugin and its plugin_config. */
export async function validateRunConfig(yamlText: string): Promise<ConfigDiagnostic[]> {
  const check = checkRunConfigText(yamlText);
  if (!check.config) return check.diagnostics;
  if (!check.config.plugin) return [diagnosticForMessage(yamlText, 'no plugin: add a `plugin:` line (e.g. plugin: gm-s2)', [])];
  try {
    await loadPlugin(check.config.plugin, check.config.plugin_config);
    return [];
  } catch (e) {
    if (!isUserError(e)) throw e;
    return [diagnosticForMessage(yamlText, e.message, /plugin_config/.test(e.message) ? ['plugin_config'] : ['plugin'])];
  }
}
