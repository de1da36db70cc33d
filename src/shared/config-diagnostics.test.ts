import { describe, expect, it } from 'vitest';
import { checkRunConfigText, diagnosticForMessage, locateKeyPath } from './config-diagnostics.js';

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
    expect(text.slice(d!.from, d!.to)).toBe('threads: many');
  });

  it('puts an unknown nested key on its own line', () => {
    const [d] = checkRunConfigText('plugin: pq\nproduct:\n  name: x\n  nmae: y\n').diagnostics;
    expect(d!.line).toBe(4);
    expect(d!.message).toMatch(/^unknown key 'product.nmae'/);
  });

  it('reports YAML syntax errors where the parser stops', () => {
    const [d] = checkRunConfigText('plugin: pq\nthreads: [1\n').diagnostics;
    expect(d!.message).toMatch(/^not valid YAML: /);
    expect(d!.line).toBeGreaterThanOrEqual(2);
  });
});

describe('diagnosticForMessage', () => {
  const text = 'plugin: gm-s2\nplugin_config:\n  bands: [B02]\n  bandz: 3\n';

  it('places a plugin_config message on the key it names', () => {
    expect(diagnosticForMessage(text, "unknown key 'bandz' in plugin_config of gm-s2 (keys: bands)").line).toBe(4);
    expect(diagnosticForMessage(text, "plugin_config of gm-s2: key 'bands': too small").line).toBe(3);
  });

  it('falls back to a path, then to the first line', () => {
    expect(diagnosticForMessage(text, 'unknown plugin', ['plugin']).line).toBe(1);
    expect(diagnosticForMessage(text, 'something else').line).toBe(1);
  });
});

describe('locateKeyPath', () => {
  it('follows list indices', () => {
    const text = 'plugin_config:\n  bands:\n    - B02\n    - 7\n';
    expect(locateKeyPath(text, ['plugin_config', 'bands', '1']).line).toBe(4);
  });

  it('stops at the deepest key found', () => {
    expect(locateKeyPath('product:\n  name: x\n', ['product', 'missing']).line).toBe(1);
  });
});
