/**
 * Problems of a YAML config (run config, plan config, COG settings, a plugin's plugin_config)
 * described by where they are, not by text: the CLI words them in one line, the editor puts
 * them on the line of the key their path leads to.
 */
import type { z } from 'zod';
import { UserError } from './errors.js';
import { nearestKey } from './nearest-key.js';
import { describeIssue, pathText } from './schema-issue.js';

/** Keys and list indices from the top of a config down to a value. */
export type ConfigPath = Array<string | number>;

export interface ConfigIssue {
  /** Where the value at fault is; for an unknown key, the key's own path. */
  path: ConfigPath;
  /**
   * What is wrong, said of the value at `path`: "must be a number". For an unknown key, the
   * nearest key the config reads there ("did you mean 'plugin_config'?"), or, when none is
   * near, the keys it reads: "run keys: plugin, plugin_config, …".
   */
  message: string;
  /** A warning leaves the config usable: what it is about is ignored, as odc-stats ignores it. */
  severity: 'error' | 'warning';
  /** The last key of `path` is not one the config reads. */
  unknownKey?: boolean;
}

/**
 * An issue in one line. `where` names the config ("config run.yaml", "plugin_config of pq");
 * without it, as in the editor of that very config, the message names keys only.
 */
export function formatConfigIssue(issue: ConfigIssue, where?: string): string {
  const key = pathText(issue.path);
  if (issue.unknownKey) {
    const ignored = issue.severity === 'warning' ? ' is ignored' : '';
    return `unknown key '${key}'${where === undefined ? '' : ` in ${where}`}${ignored} (${issue.message})`;
  }
  if (issue.path.length === 0) return `${where ?? 'the config'} ${issue.message}`;
  return `${where === undefined ? '' : `${where}: `}key '${key}' ${issue.message}`;
}

/**
 * A config the user must fix: its issues (at least one), the first error its message (warnings
 * may come with the errors); `where` names the config.
 */
export class ConfigError extends UserError {
  constructor(
    readonly issues: readonly ConfigIssue[],
    readonly where: string,
  ) {
    super(formatConfigIssue(issues.find((issue) => issue.severity === 'error') ?? issues[0]!, where));
  }
}

/**
 * A config as its schema reads it, with the warnings about it (issues of severity 'warning'
 * only), or every issue that keeps it from being read (at least one error, and any warnings).
 */
export type ConfigCheck<T> = { config: T; issues: ConfigIssue[] } | { config?: undefined; issues: ConfigIssue[] };

/** The issues as errors, for a strict reading (`--strict`): whatever would be ignored is refused. */
export function strictIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues.map((issue) => ({ ...issue, severity: 'error' }));
}

/**
 * `value` read by `schema`, or the issues: those found before (`earlier`, such as unknown keys)
 * and the schema's, their paths below `at`.
 */
export function checkConfig<S extends z.ZodType>(schema: S, value: unknown, earlier: ConfigIssue[] = [], at: ConfigPath = []): ConfigCheck<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (parsed.success && earlier.every((issue) => issue.severity === 'warning')) return { config: parsed.data, issues: earlier };
  const schemaIssues: ConfigIssue[] = (parsed.error?.issues ?? []).map((issue) => ({
    path: [...at, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))],
    message: describeIssue(issue),
    severity: 'error',
  }));
  return { issues: [...earlier, ...schemaIssues] };
}

/**
 * An issue for each key of `mapping` not in `accepted`, saying which accepted key it is nearest
 * to (see nearestKey) or, when none is near, `listed`: the keys to name ("run keys: plugin, …"),
 * which may be fewer than those accepted. `severity` 'warning' where the key is ignored (as
 * odc-stats ignores unknown top-level keys), 'error' where it is refused.
 */
export function unknownKeyIssues(
  mapping: Record<string, unknown>,
  accepted: ReadonlySet<string>,
  listed: string,
  at: ConfigPath = [],
  severity: ConfigIssue['severity'] = 'error',
): ConfigIssue[] {
  return Object.keys(mapping)
    .filter((key) => !accepted.has(key))
    .map((key) => {
      const near = nearestKey(key, accepted);
      return { path: [...at, key], message: near === undefined ? listed : `did you mean '${near}'?`, severity, unknownKey: true };
    });
}
