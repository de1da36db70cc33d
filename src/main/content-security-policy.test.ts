import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP, WEB_HOST_CSP } from './content-security-policy.js';

describe('the renderer Content Security Policy', () => {
  it('is the one index.html carries, for the Electron window loaded from file://', () => {
    const html = readFileSync(new URL('../renderer/index.html', import.meta.url), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(RENDERER_CSP);
  });

  it('lets maplibre run (blob: workers, data: and blob: images, fetched previews) and nothing foreign execute', () => {
    const directives = new Map(RENDERER_CSP.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.has('script-src')).toBe(false);
    expect(directives.get('worker-src')).toEqual(expect.arrayContaining(['blob:']));
    expect(directives.get('img-src')).toEqual(expect.arrayContaining(['data:', 'blob:']));
    expect(directives.get('connect-src')).toEqual(expect.arrayContaining(["'self'", 'data:']));
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(WEB_HOST_CSP).toBe(`${RENDERER_CSP}; frame-ancestors 'none'`);
  });
});
