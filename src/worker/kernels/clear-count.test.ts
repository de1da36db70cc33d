import { describe, expect, it } from 'vitest';
import { countTrue } from './clear-count.js';

describe('countTrue', () => {
  it('counts the non-zero masks of each pixel over time', () => {
    // [time][pixel], 3 times × 4 pixels.
    const masks = new Uint8Array([
      1, 0, 0, 255,
      1, 0, 1, 2,
      1, 0, 0, 0,
    ]);
    expect(Array.from(countTrue(masks, 3, 4))).toEqual([3, 0, 1, 2]);
  });

  it('handles empty stacks', () => {
    expect(Array.from(countTrue(new Uint8Array(0), 0, 3))).toEqual([0, 0, 0]);
    expect(countTrue(new Uint8Array(0), 5, 0)).toHaveLength(0);
  });

  it('rejects masks that do not match the shape', () => {
    expect(() => countTrue(new Uint8Array(5), 2, 3)).toThrow(RangeError);
    expect(() => countTrue(new Uint8Array(0), -1, 0)).toThrow(RangeError);
  });
});
