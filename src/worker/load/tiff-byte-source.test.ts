import { describe, expect, it } from 'vitest';
import type { RangeReader } from './range-reader.js';
import { BLOCK_SIZE, TiffByteSource } from './tiff-byte-source.js';

/** A reader over bytes in memory that records the ranges asked of it. */
function memoryReader(bytes: Uint8Array): RangeReader & { reads: Array<[number, number]> } {
  const reads: Array<[number, number]> = [];
  return {
    href: 'memory',
    size: bytes.length,
    reads,
    async read(offset, length) {
      reads.push([offset, length]);
      return bytes.slice(offset, offset + length).buffer;
    },
    async close() {},
  };
}

const bytes = new Uint8Array(3 * BLOCK_SIZE + 100).map((_, i) => i % 251);

describe('TiffByteSource', () => {
  it('serves small reads from blocks, each fetched once', async () => {
    const reader = memoryReader(bytes);
    const source = new TiffByteSource(reader);
    const [a, b] = await source.fetch([
      { offset: 10, length: 8 },
      { offset: 4000, length: 1024 },
    ]);
    expect(new Uint8Array(a!)).toEqual(bytes.subarray(10, 18));
    expect(new Uint8Array(b!)).toEqual(bytes.subarray(4000, 5024));
    // Straddling two blocks.
    const straddling = await source.fetchSlice({ offset: BLOCK_SIZE - 5, length: 10 });
    expect(new Uint8Array(straddling.data)).toEqual(bytes.subarray(BLOCK_SIZE - 5, BLOCK_SIZE + 5));
    expect(reader.reads).toEqual([
      [0, BLOCK_SIZE],
      [BLOCK_SIZE, BLOCK_SIZE],
    ]);
  });

  it('passes large reads straight through, and returns short data at the end of the file', async () => {
    const reader = memoryReader(bytes);
    const source = new TiffByteSource(reader);
    const [large] = await source.fetch([{ offset: 5, length: 2 * BLOCK_SIZE }]);
    // Buffer comparison: element by element, toEqual takes half a second on this size.
    expect(Buffer.from(large!).equals(bytes.subarray(5, 5 + 2 * BLOCK_SIZE))).toBe(true);
    expect(reader.reads).toEqual([[5, 2 * BLOCK_SIZE]]);
    const [end] = await source.fetch([{ offset: bytes.length - 30, length: 1024 }]);
    expect(new Uint8Array(end!)).toEqual(bytes.subarray(bytes.length - 30));
    const [past] = await source.fetch([{ offset: bytes.length + 10, length: 8 }]);
    expect(past!.byteLength).toBe(0);
  });

  it('forgets a failed block, so that the next read tries again', async () => {
    let failures = 1;
    const reader = memoryReader(bytes);
    const flaky: RangeReader = {
      ...reader,
      read: async (offset, length) => {
        if (failures-- > 0) throw new Error('boom');
        return reader.read(offset, length);
      },
    };
    const source = new TiffByteSource(flaky);
    await expect(source.fetch([{ offset: 0, length: 8 }])).rejects.toThrow('boom');
    const [data] = await source.fetch([{ offset: 0, length: 8 }]);
    expect(new Uint8Array(data!)).toEqual(bytes.subarray(0, 8));
  });
});
