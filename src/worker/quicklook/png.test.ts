import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodePng } from './png.js';

describe('encodePng', () => {
  it('encodes RGBA that decodes back to the same pixels', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 10, 20, 30, 255, 1, 2, 3, 4, 250, 251, 252, 253]);
    const png = encodePng(rgba, 3, 2);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const decoded = decode(png);
    expect([decoded.width, decoded.height, decoded.channels, decoded.depth]).toEqual([3, 2, 4, 8]);
    expect(Array.from(decoded.data)).toEqual(Array.from(rgba));
  });

  it('refuses a buffer that does not match the size', () => {
    expect(() => encodePng(new Uint8Array(12), 2, 2)).toThrow(/needs 16/);
    expect(() => encodePng(new Uint8Array(0), 0, 0)).toThrow(/positive/);
  });
});
