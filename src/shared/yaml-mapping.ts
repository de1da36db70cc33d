import { parse as parseYaml } from 'yaml';
import { UserError } from './errors.js';

/**
 * The top-level mapping of a YAML config; `source` names the config in errors. An empty
 * document is an empty mapping.
 */
export function readYamlMapping(yamlText: string, source: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(yamlText);
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0];
    throw new UserError(`config ${source} is not valid YAML: ${first}`);
  }
  const doc = parsed ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UserError(`config ${source} must be a mapping of keys to values`);
  }
  return doc as Record<string, unknown>;
}
