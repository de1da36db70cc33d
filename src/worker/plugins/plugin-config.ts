import { z } from 'zod';
import { UserError } from '../../shared/errors.js';

/**
 * Validates a plugin's `plugin_config` against its schema: a misspelt key is named, as is a
 * key of the wrong type, in one line.
 */
export function parsePluginConfig<S extends z.ZodObject>(plugin: string, schema: S, config: Record<string, unknown>): z.infer<S> {
  const known = Object.keys(schema.shape);
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) {
      throw new UserError(`unknown key '${key}' in plugin_config of ${plugin} (keys: ${known.join(', ')})`);
    }
  }
  const parsed = schema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`plugin_config of ${plugin}: key '${issue.path.join('.')}': ${issue.message}`);
  }
  return parsed.data;
}
