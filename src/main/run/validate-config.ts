import type { ConfigDiagnostic } from '../../shared/api.js';
import { checkRunConfigText, diagnosticAt, issueDiagnostics, type ConfigYaml } from '../../shared/config-diagnostics.js';
import { ConfigError } from '../../shared/config-issue.js';
import { isUserError } from '../../shared/errors.js';
import type { RunConfig } from '../../shared/run-config.js';
import { pluginFactory } from '../../worker/plugins/registry.js';
import type { PluginFactory } from '../../worker/plugins/plugin.js';

/**
 * Everything wrong with a run config's text, each on its line: YAML, run keys, then the plugin
 * and its plugin_config. Warnings (keys ignored, severity 'warning') come with the errors; a
 * config whose diagnostics are all warnings runs.
 */
export async function validateRunConfig(yamlText: string): Promise<ConfigDiagnostic[]> {
  const { config, diagnostics, yaml } = checkRunConfigText(yamlText);
  if (!config) return diagnostics;
  return [...diagnostics, ...(await pluginDiagnostics(config, yaml))];
}

async function pluginDiagnostics(config: RunConfig, yaml: ConfigYaml): Promise<ConfigDiagnostic[]> {
  if (!config.plugin) return [diagnosticAt(yaml, [], 'no plugin: add a `plugin:` line (e.g. plugin: gm-s2)')];
  let makePlugin: PluginFactory;
  try {
    makePlugin = await pluginFactory(config.plugin);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return [diagnosticAt(yaml, ['plugin'], e.message)];
  }
  try {
    makePlugin(config.plugin_config);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return issueDiagnostics(yaml, e.issues, { at: ['plugin_config'], where: e.where });
    if (!isUserError(e)) throw e;
    return [diagnosticAt(yaml, ['plugin_config'], e.message)];
  }
}
