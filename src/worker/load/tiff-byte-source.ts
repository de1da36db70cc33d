/**
 * The byte source geotiff.js parses and decodes from, over a RangeReader.
 *
 * geotiff.js reads a TIFF's header and directories in many small pieces (single tile offsets of
 * 4 or 8 bytes each), so small reads are served from a little cache of aligned blocks, each
 * fetched once; tile-sized reads go straight to the reader, so a window read costs about the
 * bytes of its tiles.
 */
import type GeoTIFF from 'geotiff';
import { raceAbort } from '../../shared/race-abort.js';
import type { RangeReader } from './range-reader.js';

/** The source type `GeoTIFF.fromSource` takes (geotiff.js does not export its BaseSource). */
type GeoTiffSource = Parameters<typeof GeoTIFF.fromSource>[0];

interface ByteSlice {
  offset: number;
  length: number;
}

export const BLOCK_SIZE = 64 * 1024;
const CACHED_BLOCKS = 32;

export class TiffByteSource implements GeoTiffSource {
  private readonly blocks = new Map<number, Promise<ArrayBuffer>>();

  constructor(readonly reader: RangeReader) {}

  get fileSize(): number | null {
    return this.reader.size;
  }

  async fetch(slices: ByteSlice[], signal?: AbortSignal): Promise<ArrayBuffer[]> {
    return Promise.all(slices.map((slice) => this.read(slice, signal)));
  }

  async fetchSlice(slice: ByteSlice, signal?: AbortSignal): Promise<ByteSlice & { data: ArrayBuffer }> {
    return { ...slice, data: await this.read(slice, signal) };
  }

  async close(): Promise<void> {
    this.blocks.clear();
    await this.reader.close();
  }

  private read({ offset, length }: ByteSlice, signal?: AbortSignal): Promise<ArrayBuffer> {
    if (length >= BLOCK_SIZE) return this.reader.read(offset, length, signal);
    return raceAbort(this.readThroughBlocks(offset, length), signal);
  }

  private async readThroughBlocks(offset: number, length: number): Promise<ArrayBuffer> {
    const end = offset + length;
    const result = new Uint8Array(length);
    let written = 0;
    for (let id = Math.floor(offset / BLOCK_SIZE); offset + written < end; id++) {
      const block = await this.block(id);
      const from = offset + written - id * BLOCK_SIZE;
      const count = Math.min(block.byteLength - from, end - offset - written);
      if (count <= 0) break;
      result.set(new Uint8Array(block, from, count), written);
      written += count;
      // A short block is the end of the file.
      if (block.byteLength < BLOCK_SIZE) break;
    }
    return written === length ? result.buffer : result.buffer.slice(0, written);
  }

  private block(id: number): Promise<ArrayBuffer> {
    let block = this.blocks.get(id);
    if (block) {
      // Most recently used last, so that eviction takes the oldest.
      this.blocks.delete(id);
      this.blocks.set(id, block);
      return block;
    }
    // No signal: the block is shared by every reader of the file, and one caller's abort must
    // not fail the others; each caller stops waiting on its own signal instead.
    block = this.reader.read(id * BLOCK_SIZE, BLOCK_SIZE);
    this.blocks.set(id, block);
    block.catch(() => {
      if (this.blocks.get(id) === block) this.blocks.delete(id);
    });
    while (this.blocks.size > CACHED_BLOCKS) {
      const oldest = this.blocks.keys().next().value;
      if (oldest === undefined) break;
      this.blocks.delete(oldest);
    }
    return block;
  }
}
