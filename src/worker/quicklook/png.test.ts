import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from './png.js';

interface PngChunk {
  type: string;
  data: Buffer;
}

/** The chunks of a PNG file, read by the layout of the PNG specification, each CRC checked. */
function pngChunks(png: Uint8Array): PngChunk[] {
  const file = Buffer.from(png);
  const chunks: PngChunk[] = [];
  for (let at = 8; at < file.length; ) {
    const length = file.readUInt32BE(at);
    const typeAndData = file.subarray(at + 4, at + 8 + length);
    expect(file.readUInt32BE(at + 8 + length)).toBe(crc32(typeAndData));
    chunks.push({ type: typeAndData.subarray(0, 4).toString('latin1'), data: typeAndData.subarray(4) });
    at += 12 + length;
  }
  return chunks;
}

describe('encodePng', () => {
  it('writes an 8-bit RGBA PNG whose image data holds the pixels given', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 10, 20, 30, 255, 1, 2, 3, 4, 250, 251, 252, 253]);
    const png = encodePng(rgba, 3, 2);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const chunks = pngChunks(png);
    expect(chunks[0]!.type).toBe('IHDR');
    expect(chunks.at(-1)!.type).toBe('IEND');
    const header = chunks[0]!.data;
    // Width, height, bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace.
    expect([header.readUInt32BE(0), header.readUInt32BE(4), ...header.subarray(8, 13)]).toEqual([3, 2, 8, 6, 0, 0, 0]);
    // Each scanline: filter type 0 (None), then the row's bytes as given.
    const imageData = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
    expect(Array.from(inflateSync(imageData))).toEqual([0, ...rgba.subarray(0, 12), 0, ...rgba.subarray(12)]);
  });

  it('refuses a buffer that does not match the size', () => {
    expect(() => encodePng(new Uint8Array(12), 2, 2)).toThrow(/needs 16/);
    expect(() => encodePng(new Uint8Array(0), 0, 0)).toThrow(/positive/);
  });
});
