import { parse as parseYaml } from 'yaml';
import { ConfigError, type ConfigIssue } from './config-issue.js';
import { firstLine } from './first-line.js';

/**
 * The top-level value of a YAML config as a mapping of keys (an empty document is an empty
 * mapping), or the issue that it is not one.
 */
export function topLevelMapping(value: unknown): { mapping: Record<string, unknown> } | { issue: ConfigIssue } {
  const top = value ?? {};
  if (!isMapping(top)) return { issue: { path: [], message: 'must be a mapping of keys to values', severity: 'error' } };
  return { mapping: top };
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The top-level mapping of a YAML config; `source` names the config in errors. */
export function readYamlMapping(yamlText: string, source: string): Record<string, unknown> {
  const where = `config ${source}`;
  let parsed: unknown;
  try {
    parsed = parseYaml(yamlText);
  } catch (e) {
    throw new ConfigError([{ path: [], message: `is not valid YAML: ${firstLine(e)}`, severity: 'error' }], where);
  }
  const top = topLevelMapping(parsed);
  if ('issue' in top) throw new ConfigError([top.issue], where);
  return top.mapping;
}
