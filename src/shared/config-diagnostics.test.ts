import { describe, expect, it } from 'vitest';
import type { ConfigDiagnostic } from './api.js';
import { checkRunConfigText, diagnosticAt, issueDiagnostics } from './config-diagnostics.js';

/** The text a diagnostic underlines. */
function marked(text: string, d: ConfigDiagnostic): string {
  return text.slice(d.from, d.to);
}

describe('checkRunConfigText', () => {
  it('accepts a valid config and returns it parsed', () => {
    const check = checkRunConfigText('plugin: pq\nresolution: 120\n');
    expect(check.diagnostics).toEqual([]);
    expect(check.config?.resolution).toBe(120);
  });

  it('puts a wrong type on the line of its key', () => {
    const text = 'plugin: pq\n# comment\nthreads: many\n';
    const [d] = checkRunConfigText(text).diagnostics;
    expect(d).toMatchObject({ line: 3, severity: 'error', message: "key 'threads' must be a number" });
    expect(marked(text, d!)).toBe('threads: many');
  });

  it('puts a nested product key on its line', () => {
    const text = 'plugin: pq\nproduct:\n  short_name: pq\n  name: 7\n  version: 1.0.0\n';
    const { diagnostics } = checkRunConfigText(text);
    expect(diagnostics).toEqual([{ line: 4, from: text.indexOf('name: 7'), to: text.indexOf('name: 7') + 7, message: "key 'product.name' must be a string", severity: 'error' }]);
  });

  it("puts a band's COG setting on its line, under overrides", () => {
    const text = ['cog_opts:', '  zlevel: 6', '  overrides:', '    red:', '      compress: webp', '      zlevel: 40', 'plugin: pq', ''].join('\n');
    const [d] = checkRunConfigText(text).diagnostics;
    expect(d).toMatchObject({ line: 6, message: "key 'cog_opts.overrides.red.zlevel' must be at most 12" });
    expect(marked(text, d!)).toBe('zlevel: 40');
  });

  it('warns of an unknown top-level key on the key alone, with the nearest known key, and keeps the config', () => {
    const text = 'plugin: pq\npluginn_config:\n  filters: {}\n';
    const { diagnostics, config } = checkRunConfigText(text);
    const [d, ...more] = diagnostics;
    expect(more).toEqual([]);
    expect(d).toMatchObject({ line: 2, severity: 'warning', message: "unknown key 'pluginn_config' is ignored (did you mean 'plugin_config'?)" });
    expect(marked(text, d!)).toBe('pluginn_config');
    expect(config?.plugin).toBe('pq');
  });

  it('lists the run keys for an unknown key near none of them', () => {
    const [d] = checkRunConfigText('plugin: pq\ncolour: blue\n').diagnostics;
    expect(d).toMatchObject({ line: 2, severity: 'warning' });
    expect(d!.message).toMatch(/^unknown key 'colour' is ignored \(run keys: plugin, plugin_config, product, /);
  });

  it('puts an unknown nested key, an error as in odc-stats, on its own line', () => {
    const { diagnostics, config } = checkRunConfigText('plugin: pq\nproduct:\n  name: x\n  nmae: y\n');
    expect(diagnostics).toEqual([expect.objectContaining({ line: 4, severity: 'error', message: "unknown key 'product.nmae' (did you mean 'name'?)" })]);
    expect(config).toBeUndefined();
  });

  it('reads settings for the rgba preview COG without a word, as they are honoured', () => {
    const text = 'plugin: pq\ncog_opts:\n  zlevel: 9\n  overrides:\n    rgba:\n      compress: jpeg\n';
    const { diagnostics, config } = checkRunConfigText(text);
    expect(diagnostics).toEqual([]);
    expect(config?.cog_opts?.overrides['rgba']).toEqual({ compress: 'jpeg' });
  });

  it('reports every problem, each on its line', () => {
    const { diagnostics, config } = checkRunConfigText('thread: 2\noverwrite: maybe\nplugin: pq\nmax_receive: 0\n');
    expect(config).toBeUndefined();
    expect(diagnostics.map((d) => d.line).sort()).toEqual([1, 2, 4]);
  });

  it('reports YAML syntax errors where the parser stops', () => {
    const text = 'plugin: pq\nthreads: 2\nresolution: : 30\noverwrite: true\n';
    const { diagnostics, config } = checkRunConfigText(text);
    expect(config).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toMatch(/^not valid YAML: /);
    expect(diagnostics[0]!.line).toBe(3);
  });

  it('puts a document that is not a mapping on the first line', () => {
    expect(checkRunConfigText('- plugin\n- pq\n').diagnostics).toEqual([
      { line: 1, from: 0, to: 8, message: 'the config must be a mapping of keys to values', severity: 'error' },
    ]);
  });
});

describe('issueDiagnostics', () => {
  const blockList = 'plugin: gm-s2\nplugin_config:\n  bands:\n    - B02\n    - B03\n    - 7\n';
  const { yaml } = checkRunConfigText(blockList);
  const part = { at: ['plugin_config'], where: 'plugin_config of gm-s2' };

  it("places a plugin_config issue on a list entry and keeps the plugin's name in the message", () => {
    const [d] = issueDiagnostics(yaml, [{ path: ['bands', 2], message: 'must be a string', severity: 'error' }], part);
    expect(d).toMatchObject({ line: 6, message: "plugin_config of gm-s2: key 'bands[2]' must be a string" });
    expect(marked(blockList, d!)).toBe('7');
  });

  it('finds list entries written inline', () => {
    const inline = 'plugin: gm-s2\nplugin_config: {bands: [B02, B03, 7]}\n';
    const [d] = issueDiagnostics(checkRunConfigText(inline).yaml, [{ path: ['bands', 2], message: 'must be a string', severity: 'error' }], part);
    expect(d!.line).toBe(2);
    expect(marked(inline, d!)).toBe('7');
  });

  it('falls back to the deepest key the YAML has, then to the first line', () => {
    const missing = issueDiagnostics(yaml, [{ path: ['mask_band'], message: 'is required', severity: 'error' }], part);
    expect(missing[0]!.line).toBe(2);
    expect(diagnosticAt(yaml, [], 'no plugin').line).toBe(1);
    expect(diagnosticAt(yaml, ['product', 'name'], 'no name')).toMatchObject({ line: 1, from: 0, to: 'plugin: gm-s2'.length });
  });
});
