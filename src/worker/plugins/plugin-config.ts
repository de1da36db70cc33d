import type { z } from 'zod';
import { ConfigError, checkConfig, unknownKeyIssues } from '../../shared/config-issue.js';

/** How errors name a plugin's `plugin_config`; the paths of its issues start below that key. */
function pluginConfigName(plugin: string): string {
  return `plugin_config of ${plugin}`;
}

/**
 * Validates a plugin's `plugin_config` against its schema: a misspelt key is named, as is a
 * key of the wrong type, each as an issue of a ConfigError.
 */
export function parsePluginConfig<S extends z.ZodObject>(plugin: string, schema: S, config: Record<string, unknown>): z.infer<S> {
  const known = Object.keys(schema.shape);
  const checked = checkConfig(schema, config, unknownKeyIssues(config, new Set(known), `keys: ${known.join(', ')}`));
  if (!checked.config) throw new ConfigError(checked.issues, pluginConfigName(plugin));
  return checked.config;
}

/** The ConfigError of a key a plugin needs and the config leaves out. */
export function missingPluginKey(plugin: string, key: string, hint: string): ConfigError {
  return new ConfigError([{ path: [key], message: `is required (${hint})`, severity: 'error' }], pluginConfigName(plugin));
}
