import { describe, expect, it } from 'vitest';
import { checkClassicTiffLength, ifdByteLength, writeIfd, type IfdEntry } from './tiff-ifd.js';

describe('writeIfd', () => {
  it('sorts entries, keeps short values inline and word-aligns out-of-line ones', () => {
    const entries: IfdEntry[] = [
      { tag: 305, type: 'ascii', values: 'abcd' }, // 5 bytes with NUL: out of line, padded to 6
      { tag: 256, type: 'short', values: [7] },
      { tag: 33550, type: 'double', values: [1.5] },
      { tag: 258, type: 'short', values: [8, 8] }, // exactly 4 bytes: inline
    ];
    expect(ifdByteLength(entries)).toBe(2 + 4 * 12 + 4 + 6 + 8);
    const bytes = new Uint8Array(100);
    const view = new DataView(bytes.buffer);
    const end = writeIfd(view, 10, entries, 1234);
    expect(end).toBe(10 + ifdByteLength(entries));
    expect(view.getUint16(10, true)).toBe(4);
    const tags = [0, 1, 2, 3].map((i) => view.getUint16(12 + i * 12, true));
    expect(tags).toEqual([256, 258, 305, 33550]);
    expect(view.getUint16(12 + 8, true)).toBe(7);
    expect([view.getUint16(24 + 8, true), view.getUint16(24 + 10, true)]).toEqual([8, 8]);
    const asciiOffset = view.getUint32(36 + 8, true);
    expect(asciiOffset).toBe(10 + 2 + 48 + 4);
    expect(String.fromCharCode(...bytes.subarray(asciiOffset, asciiOffset + 5))).toBe('abcd\0');
    expect(view.getFloat64(view.getUint32(48 + 8, true), true)).toBe(1.5);
    expect(view.getUint32(10 + 2 + 48, true)).toBe(1234);
  });

  it('refuses duplicate tags and non-ASCII text', () => {
    const view = new DataView(new ArrayBuffer(100));
    expect(() => writeIfd(view, 0, [{ tag: 1, type: 'short', values: [1] }, { tag: 1, type: 'short', values: [2] }], 0)).toThrow(/duplicate/);
    expect(() => writeIfd(view, 0, [{ tag: 2, type: 'ascii', values: 'é' }], 0)).toThrow(/non-ASCII/);
  });
});

describe('checkClassicTiffLength', () => {
  it('allows up to 4 GiB - 1 and explains the limit beyond', () => {
    expect(() => checkClassicTiffLength(2 ** 32 - 1, 'x')).not.toThrow();
    expect(() => checkClassicTiffLength(2 ** 32, 'a 70000 × 70000 float32 band')).toThrow(
      /70000 × 70000 float32 band would be 4294967296 bytes, over the 4 GiB limit of classic TIFF \(BigTIFF is not supported\)/,
    );
  });
});
