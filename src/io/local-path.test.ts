import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localPath } from './local-path.js';

describe('localPath', () => {
  it('decodes a file:// URI', () => {
    expect(localPath('file:///a/b%20c')).toBe('/a/b c');
  });

  it('makes a plain path absolute against the working folder', () => {
    expect(localPath('out/x.tif')).toBe(path.join(process.cwd(), 'out', 'x.tif'));
    expect(localPath('/data/x.tif')).toBe('/data/x.tif');
  });
});
