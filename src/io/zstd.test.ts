import { describe, expect, it } from 'vitest';
import { zstdCompress, zstdDecompress } from './zstd.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytesOf = (s: string) => new TextEncoder().encode(s);

describe('zstd', () => {
  it('decompresses a frame written by hand from RFC 8878: a raw block holding "hello"', async () => {
    // Magic, frame header (single segment, 1-byte content size = 5), last raw block of 5 bytes, content.
    const frame = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05, 0x29, 0x00, 0x00, ...bytesOf('hello')]);
    expect(text(await zstdDecompress(frame))).toBe('hello');
  });

  it('decompresses a streamed frame without a recorded size (from the zstd command line)', async () => {
    const frame = Uint8Array.from(Buffer.from('28b52ffd005829000068656c6c6f', 'hex'));
    expect(text(await zstdDecompress(frame))).toBe('hello');
  });

  it('decompresses with the dictionary the zstd command line used, and refuses without it', async () => {
    // `zstd -19 -D dict.raw` of the text below, dict.raw holding `dictionary` (a raw-content dictionary).
    const dictionary = bytesOf('band nodata measurements path odc-dscache dataset properties eo:cloud_cover');
    const frame = Uint8Array.from(Buffer.from('28b52ffd0068650000086d030064e0c0aa030212ae', 'hex'));
    expect(text(await zstdDecompress(frame, { dictionary }))).toBe('measurements path dataset properties eo:cloud_cover odc-dscache');
    await expect(zstdDecompress(frame)).rejects.toThrow(/zstd: cannot decompress 21 bytes/);
  });

  it('compresses repetitive data to a frame much smaller than the data that decompresses to it', async () => {
    const data = bytesOf('0123456789'.repeat(1000));
    const frame = await zstdCompress(data, 3);
    expect([...frame.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    expect(frame.byteLength).toBeLessThan(100);
    expect(await zstdDecompress(frame)).toEqual(data);
  });

  it('compresses with a dictionary: smaller than without, and readable only with it', async () => {
    const dictionary = bytesOf('{"product":"ga_ls8c_ard_3","uris":["s3://bucket/path/"],"metadata":{"properties":{}}}');
    const data = bytesOf('{"product":"ga_ls8c_ard_3","uris":["s3://bucket/path/x"]}');
    const plain = await zstdCompress(data, 6);
    const withDictionary = await zstdCompress(data, 6, dictionary);
    expect(withDictionary.byteLength).toBeLessThan(plain.byteLength);
    expect(await zstdDecompress(withDictionary, { dictionary })).toEqual(data);
    await expect(zstdDecompress(withDictionary)).rejects.toThrow(/zstd: cannot decompress/);
  });

  it('refuses output larger than the room given for a frame without a recorded size', async () => {
    const frame = Uint8Array.from(Buffer.from('28b52ffd005829000068656c6c6f', 'hex'));
    await expect(zstdDecompress(frame, { maxSize: 3 })).rejects.toThrow(/larger than expected/);
  });

  it('refuses bytes that are not zstd', async () => {
    await expect(zstdDecompress(bytesOf('not compressed at all'))).rejects.toThrow(/zstd: cannot decompress 21 bytes/);
  });
});
