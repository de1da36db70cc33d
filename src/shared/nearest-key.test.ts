import { describe, expect, it } from 'vitest';
import { editDistance, nearestKey } from './nearest-key.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'ab', 2],
    ['kitten', 'sitting', 3],
    ['filters', 'filtres', 1], // one swap
    ['ca', 'abc', 3], // the optimal-string-alignment form: no edit of a swapped pair
    ['cloud_filters', 'cloud_filter', 1],
    ['plugin', 'plugin', 0],
  ])('%j → %j is %i edits', (a, b, edits) => {
    expect(editDistance(a, b)).toBe(edits);
    expect(editDistance(b, a)).toBe(edits);
  });
});

describe('nearestKey', () => {
  const keys = ['plugin', 'plugin_config', 'product', 'output_location', 'cloud_filters', 'threads'];

  it('suggests the key a misspelling is nearest to', () => {
    expect(nearestKey('pluginn_config', keys)).toBe('plugin_config');
    expect(nearestKey('cloud_filter', keys)).toBe('cloud_filters');
    expect(nearestKey('cloud_fitlers', keys)).toBe('cloud_filters');
    expect(nearestKey('thread', keys)).toBe('threads');
  });

  it('ignores case and reads - as _', () => {
    expect(nearestKey('Output-Location', keys)).toBe('output_location');
  });

  it('suggests nothing for a key far from every known one, or a short word two edits off', () => {
    expect(nearestKey('colour', keys)).toBeUndefined();
    expect(nearestKey('zzz', keys)).toBeUndefined();
    expect(nearestKey('ab', ['abcd'])).toBeUndefined();
    expect(nearestKey('abc', ['abcd'])).toBe('abcd');
  });

  it('takes the first of equally near keys', () => {
    expect(nearestKey('bat', ['cat', 'bar'])).toBe('cat');
  });
});
