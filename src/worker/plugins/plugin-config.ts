import { z } from 'zod';
import { ConfigError, checkConfig, unknownKeyIssues } from '../../shared/config-issue.js';
import { coordinateOperation, KNOWN_OPERATIONS, operationMeetsArea } from '../../shared/coordinate-operations.js';
import type { RgbClamp } from '../quicklook/to-rgba.js';

/** How errors name a plugin's `plugin_config`; the paths of its issues start below that key. */
function pluginConfigName(plugin: string): string {
  return `plugin_config of ${plugin}`;
}

/**
 * Validates a plugin's `plugin_config` against its schema: a misspelt key is named (with the
 * nearest known key), as is a key of the wrong type, each as an issue of a ConfigError. Unlike
 * an unknown top-level key, which odc-stats ignores and the run config warns of, an unknown
 * plugin_config key is an error: odc-stats passes these keys to the plugin's constructor, which
 * refuses a keyword it does not take.
 */
export function parsePluginConfig<S extends z.ZodObject>(plugin: string, schema: S, config: Record<string, unknown>): z.infer<S> {
  const known = Object.keys(schema.shape);
  const checked = checkConfig(schema, config, unknownKeyIssues(config, new Set(known), `keys: ${known.join(', ')}`));
  if (!checked.config) throw new ConfigError(checked.issues, pluginConfigName(plugin));
  return checked.config;
}

/**
 * The value of a key that odc-stats also spells another way (`filters` for `cloud_filters`,
 * `flags` for `cloud_flags`, `pq_band` for `mask_band`): whichever is given, with the name it
 * was given under; a key without a value (null) counts as left out. Both given is an error.
 */
export function eitherKey<K extends string>(plugin: string, config: Partial<Record<K, unknown>>, key: K, otherName: K): { key: K; value: unknown } | undefined {
  const given = [key, otherName].filter((k) => config[k] !== undefined && config[k] !== null);
  if (given.length > 1) throw refusedKey(plugin, otherName, `cannot be given with '${key}': they are two names of one setting`);
  const name = given[0];
  return name === undefined ? undefined : { key: name, value: config[name] };
}

/** The ConfigError of a key a plugin has but this program refuses, or a value of it; `why` follows the key's name. */
export function refusedKey(plugin: string, key: string, why: string): ConfigError {
  return new ConfigError([{ path: [key], message: why, severity: 'error' }], pluginConfigName(plugin));
}

/**
 * Keys every odc-stats plugin takes (`StatsPluginInterface`), as this program treats them:
 * - `chunks`, `work_chunks`: dask's chunking, how the work is split, not what it computes; read
 *   and without effect (tasks are cut into chunks by memory here);
 * - `group_by`: only `solar_day`, the default, which is how observations are grouped here;
 * - `rgb_clamp`: the band values odc-algo's `to_rgba` draws as 0 and 255 in the rgba COG
 *   (written for `cog_opts.overrides.rgba`; quicklook/to-rgba.ts), (1, 3000) by default; the
 *   app's preview images keep their own stretch;
 * - `transform_code`: the datum transformation of the reprojection (coordinate-operations.ts),
 *   carried to the loader by the task (WorkerTask.coordinateOperation);
 * - `area_of_interest`: [west, south, east, north] degrees, where odc-algo looks for the
 *   operation: one outside it is refused, as odc-algo finds none; alone, PROJ's first candidate
 *   there, which for WGS 84 and GDA94 is the null shift used without it;
 * - `optional_bands`: refused when set (not yet).
 */
export const BASE_PLUGIN_KEYS = {
  chunks: z.record(z.string(), z.number().int()).nullable(),
  work_chunks: z.tuple([z.number().int(), z.number().int()]).nullable(),
  group_by: z.string().nullable(),
  rgb_clamp: z.tuple([z.number(), z.number()]).nullable(),
  transform_code: z.string().nullable(),
  area_of_interest: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  optional_bands: z.array(z.string()).nullable(),
};

type BaseKeys = { [K in keyof typeof BASE_PLUGIN_KEYS]?: z.infer<(typeof BASE_PLUGIN_KEYS)[K]> };

/** odc-stats' `StatsPluginInterface.rgb_clamp` default. */
const DEFAULT_RGB_CLAMP: RgbClamp = [1, 3000];

/** The `rgb_clamp` of a plugin config its plugin has accepted, or odc-stats' default. */
export function rgbClamp(config: Record<string, unknown>): RgbClamp {
  return BASE_PLUGIN_KEYS.rgb_clamp.optional().parse(config['rgb_clamp']) ?? DEFAULT_RGB_CLAMP;
}

/** Refuses the base keys this program cannot honour (see BASE_PLUGIN_KEYS). */
export function checkBasePluginKeys(plugin: string, config: BaseKeys): void {
  if (config.transform_code !== undefined && config.transform_code !== null) {
    const operation = coordinateOperation(config.transform_code);
    if (!operation) {
      throw refusedKey(plugin, 'transform_code', `names ${config.transform_code}, which is not a coordinate operation known here: use one of ${KNOWN_OPERATIONS}`);
    }
    if (config.area_of_interest && !operationMeetsArea(operation, config.area_of_interest)) {
      throw refusedKey(plugin, 'area_of_interest', `[${config.area_of_interest.join(', ')}] is outside the area of use of ${operation.code} (${operation.name}), so no coordinate operation is found`);
    }
  }
  if (config.optional_bands && config.optional_bands.length > 0) {
    throw refusedKey(plugin, 'optional_bands', 'is not supported yet: odc-stats loads these bands where datasets have them, and this program does not');
  }
  if (config.rgb_clamp && !(config.rgb_clamp[0] < config.rgb_clamp[1])) {
    throw refusedKey(plugin, 'rgb_clamp', `[${config.rgb_clamp.join(', ')}] must rise: its first value is drawn as 0 and its second as 255`);
  }
  if (config.group_by !== undefined && config.group_by !== null && config.group_by !== 'solar_day') {
    throw refusedKey(plugin, 'group_by', "must be solar_day: observations are grouped by solar day here, as odc-stats' default");
  }
}

/** The ConfigError of a key a plugin needs and the config leaves out. */
export function missingPluginKey(plugin: string, key: string, hint: string): ConfigError {
  return new ConfigError([{ path: [key], message: `is required (${hint})`, severity: 'error' }], pluginConfigName(plugin));
}
