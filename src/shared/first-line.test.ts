import { describe, expect, it } from 'vitest';
import { firstLine } from './first-line.js';

describe('firstLine', () => {
  it('keeps the first line of a message, trimmed', () => {
    expect(firstLine(new Error('  no such file: a.tif  \n    at open (fs.js:1:1)'))).toBe('no such file: a.tif');
    expect(firstLine('plain text\nmore')).toBe('plain text');
  });

  it('says something for an empty message', () => {
    expect(firstLine(new TypeError(''))).toBe('TypeError');
    expect(firstLine('')).toBe('unknown error');
  });
});
