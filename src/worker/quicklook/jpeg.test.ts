import { decode } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { encodeJpeg } from './jpeg.js';

describe('encodeJpeg', () => {
  it('writes a JPEG of the size given whose pixels are laid over black by their alpha', () => {
    const width = 24;
    const height = 8;
    const rgba = new Uint8Array(width * height * 4);
    for (let p = 0; p < width * height; p++) {
      const col = p % width;
      // Opaque red, white at half alpha, then transparent white (missing data).
      const alpha = col < 8 ? 255 : col < 16 ? 128 : 0;
      rgba.set(col < 8 ? [255, 0, 0, alpha] : [255, 255, 255, alpha], p * 4);
    }
    const jpeg = encodeJpeg(rgba, width, height);
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const image = decode(jpeg, { useTArray: true });
    expect([image.width, image.height]).toEqual([width, height]);
    // Away from the edges between blocks of colour, JPEG's losses stay within a few levels.
    const at = (col: number) => [...image.data.subarray((3 * width + col) * 4, (3 * width + col) * 4 + 3)];
    const near = (actual: number[], expected: number[]) => actual.every((v, i) => Math.abs(v - expected[i]!) <= 6);
    expect(near(at(3), [255, 0, 0]), String(at(3))).toBe(true);
    expect(near(at(11), [128, 128, 128]), String(at(11))).toBe(true);
    expect(near(at(20), [0, 0, 0]), String(at(20))).toBe(true);
  });

  it('refuses pixels that do not fill the size given', () => {
    expect(() => encodeJpeg(new Uint8Array(12), 2, 2)).toThrow('JPEG pixels: 12 bytes given, 2 × 2 RGBA needs 16');
    expect(() => encodeJpeg(new Uint8Array(0), 0, 2)).toThrow('JPEG size 0 × 2 must be positive integers');
  });
});
