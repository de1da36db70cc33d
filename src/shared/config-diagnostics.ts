/**
 * Problems of a run config's YAML placed on the line of the key that causes them, for the
 * editor: YAML syntax errors where the parser stops, schema errors on the key they name.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ConfigDiagnostic } from './api.js';
import { isUserError } from './errors.js';
import { parseRunConfig, type RunConfig } from './run-config.js';

/** The name the run config gets in messages from the editor. */
const SOURCE = 'YAML';

export interface ConfigCheck {
  diagnostics: ConfigDiagnostic[];
  /** The parsed config when the run keys are valid. */
  config?: RunConfig;
}

/** Checks YAML syntax and the run keys (not the plugin's own `plugin_config`: that needs the plugin). */
export function checkRunConfigText(text: string): ConfigCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const diagnostics = doc.errors.map((e): ConfigDiagnostic => {
      const from = Math.min(e.pos[0], text.length);
      const to = Math.max(from, Math.min(e.pos[1], text.length));
      return { line: lineCounter.linePos(from).line, from, to, message: `not valid YAML: ${firstLine(e.message)}`, severity: 'error' };
    });
    return { diagnostics };
  }
  try {
    return { diagnostics: [], config: parseRunConfig(text, SOURCE) };
  } catch (e) {
    if (!isUserError(e)) throw e;
    return { diagnostics: [diagnosticForMessage(text, e.message)] };
  }
}

/**
 * A diagnostic on the key a message names (`key 'a.b'`, `unknown key 'a'`, `plugin_config of
 * gm-s2: key 'bands'`), or on `fallbackPath` when it names none, or on the first line.
 */
export function diagnosticForMessage(text: string, message: string, fallbackPath: string[] = []): ConfigDiagnostic {
  const clean = message
    .replace(/^config YAML: /, '')
    .replace(/ in config YAML/, '')
    .replace(/^config YAML /, 'the config ');
  return { ...locateKeyPath(text, keyPathOfMessage(message) ?? fallbackPath), message: clean, severity: 'error' };
}

function keyPathOfMessage(message: string): string[] | undefined {
  const named = /key '([^']+)'/.exec(message);
  if (!named) return undefined;
  const path = named[1]!.split('.');
  const inPluginConfig = /plugin_config of /.test(message) && path[0] !== 'plugin_config';
  return inPluginConfig ? ['plugin_config', ...path] : path;
}

/** The line and span of the deepest key of `path` found in the YAML (the whole first line if none). */
export function locateKeyPath(text: string, path: readonly string[]): Pick<ConfigDiagnostic, 'line' | 'from' | 'to'> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  let node: unknown = doc.contents;
  let span: [number, number] | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === segment);
      if (!pair) break;
      const keyRange = (pair.key as Node | null)?.range;
      const valueRange = (pair.value as Node | null)?.range;
      if (keyRange) span = [keyRange[0], keyRange[1]];
      if (keyRange && valueRange && lineCounter.linePos(valueRange[0]).line === lineCounter.linePos(keyRange[0]).line) {
        span = [keyRange[0], valueRange[1]];
      }
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item?.range) break;
      span = [item.range[0], item.range[1]];
      node = item;
    } else break;
  }
  if (!span) {
    const end = text.indexOf('\n');
    return { line: 1, from: 0, to: end < 0 ? text.length : end };
  }
  const [from, to] = span;
  return { line: lineCounter.linePos(from).line, from, to: Math.max(from, to) };
}

function keyText(key: unknown): string | undefined {
  if (key === null || key === undefined) return undefined;
  if (typeof key === 'object' && 'value' in key) return String((key as { value: unknown }).value);
  return String(key);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
