import { describe, expect, it } from 'vitest';
import { chunkSizeFor } from './chunk-size.js';

describe('chunk size', () => {
  it('fits the chunk stack in half the memory, in multiples of 64 px', () => {
    // 7 bands × 40 observations × 8 bytes = 2240 bytes a pixel; 1 GiB / 2 / 2240 = 239 675 px → √ = 489.6 → 448.
    expect(chunkSizeFor(2 ** 30, 7, 40)).toBe(448);
  });

  it('stays within 64 and 1024 px', () => {
    expect(chunkSizeFor(1e6, 11, 120)).toBe(64);
    expect(chunkSizeFor(64 * 2 ** 30, 1, 3)).toBe(1024);
  });
});
