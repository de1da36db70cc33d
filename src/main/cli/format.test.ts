import { describe, expect, it } from 'vitest';
import { formatCount } from './format.js';

describe('summary numbers', () => {
  it('keeps small counts exact and abbreviates large ones', () => {
    expect(formatCount(9999)).toBe('9999');
    expect(formatCount(1_234_567)).toBe('1.23 M');
    expect(formatCount(92_160_000_000)).toBe('92.2 G');
  });
});
