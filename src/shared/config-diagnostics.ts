/**
 * Problems of a run config's YAML placed where they are, for the editor: YAML syntax errors
 * where the parser stops, config issues on the key or value their path leads to in the YAML.
 */
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigDiagnostic } from './api.js';
import { formatConfigIssue, type ConfigIssue, type ConfigPath } from './config-issue.js';
import { checkRunConfig, type RunConfig } from './run-config.js';
import { topLevelMapping } from './yaml-mapping.js';
import { firstLine } from './first-line.js';

/** A config's YAML text with its parsed document, where paths are looked up. */
export interface ConfigYaml {
  text: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
}

export interface ConfigCheck {
  diagnostics: ConfigDiagnostic[];
  /** The parsed config when the run keys are valid. */
  config?: RunConfig;
  /** The YAML, to place further problems of the config on it. */
  yaml: ConfigYaml;
}

type Span = Pick<ConfigDiagnostic, 'line' | 'from' | 'to'>;

/** Checks YAML syntax and the run keys (not the plugin's own `plugin_config`: that needs the plugin). */
export function checkRunConfigText(text: string): ConfigCheck {
  const lineCounter = new LineCounter();
  const yaml: ConfigYaml = { text, document: parseDocument(text, { lineCounter, prettyErrors: false }), lineCounter };
  if (yaml.document.errors.length > 0) {
    const diagnostics = yaml.document.errors.map((e): ConfigDiagnostic => {
      const from = Math.min(e.pos[0], text.length);
      const to = Math.max(from, Math.min(e.pos[1], text.length));
      return { line: lineCounter.linePos(from).line, from, to, message: `not valid YAML: ${firstLine(e.message)}`, severity: 'error' };
    });
    return { diagnostics, yaml };
  }
  const top = topLevelMapping(yaml.document.toJS());
  if ('issue' in top) return { diagnostics: issueDiagnostics(yaml, [top.issue]), yaml };
  const { config, issues } = checkRunConfig(top.mapping);
  return { diagnostics: issueDiagnostics(yaml, issues), ...(config && { config }), yaml };
}

/**
 * Diagnostics of config issues. Issues about a part of the config (a plugin's `plugin_config`)
 * have paths that start at `part.at` and keep its name, `part.where`, in their messages.
 */
export function issueDiagnostics(yaml: ConfigYaml, issues: readonly ConfigIssue[], part?: { at: ConfigPath; where: string }): ConfigDiagnostic[] {
  return issues.map((issue) => ({
    ...spanOf(yaml, [...(part?.at ?? []), ...issue.path], issue.unknownKey === true),
    message: formatConfigIssue(issue, part?.where),
    severity: issue.severity,
  }));
}

/** An error about the value at `path`, or about the deepest part of that path the YAML has. */
export function diagnosticAt(yaml: ConfigYaml, path: ConfigPath, message: string): ConfigDiagnostic {
  return { ...spanOf(yaml, path, false), message, severity: 'error' };
}

/**
 * Where the YAML holds the value at `path`: the list entry, or the key with its value when
 * both are on one line (the key alone for an unknown key, or a value on lines of its own).
 * Missing keys fall back to their parent's span, and an empty path to the first line.
 */
function spanOf(yaml: ConfigYaml, path: ConfigPath, keyOnly: boolean): Span {
  for (let depth = path.length; depth > 0; depth--) {
    const range = entryRange(yaml, path.slice(0, depth), keyOnly && depth === path.length);
    if (range) return { line: yaml.lineCounter.linePos(range[0]).line, from: range[0], to: Math.max(range[0], range[1]) };
  }
  const end = yaml.text.indexOf('\n');
  return { line: 1, from: 0, to: end < 0 ? yaml.text.length : end };
}

function entryRange({ document, lineCounter }: ConfigYaml, path: ConfigPath, keyOnly: boolean): [number, number] | undefined {
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1]!;
  if (isSeq(parent) && typeof last === 'number') {
    const item: unknown = parent.items[last];
    return isNode(item) && item.range ? [item.range[0], item.range[1]] : undefined;
  }
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(last));
  const keyRange = isNode(pair?.key) ? pair.key.range : undefined;
  if (!keyRange) return undefined;
  const valueRange = isNode(pair?.value) ? pair.value.range : undefined;
  const sameLine = valueRange && lineCounter.linePos(valueRange[0]).line === lineCounter.linePos(keyRange[0]).line;
  return !keyOnly && valueRange && sameLine ? [keyRange[0], valueRange[1]] : [keyRange[0], keyRange[1]];
}

