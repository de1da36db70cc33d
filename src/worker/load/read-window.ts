/**
 * Reading a window of one level of an opened COG: the blocks (tiles or strips) it overlaps,
 * each fetched, decoded once per task (./block-cache.ts) into a typed array of its sample
 * type (./block-decode.ts) and copied row by row into the window.
 *
 * geotiff.js parses the headers and directories (block offsets and byte counts, sample format,
 * predictor); it decodes the pixels only of images whose blocks block-decode.ts does not
 * handle (JPEG, ZSTD, PackBits, LERC, …, half floats, pixel-interleaved samples), through its
 * own readRasters.
 */
import type { GeoTIFFImage } from 'geotiff';
import { raceAbort } from '../../shared/race-abort.js';
import { bytesPerSample, newSampleArray, type SampleArray } from '../raster.js';
import { BlockCache, type BlockCacheStats } from './block-cache.js';
import { decodable, decodeBlock, type BlockFormat } from './block-decode.js';
import { storedSampleType, type CogLevel } from './cog-metadata.js';
import { asDatasetReadError, type OpenCog } from './open-cog.js';
import { isRepresentable } from './sample-cast.js';

/** [x0, y0, x1, y1) in pixels of the level, inside it. */
export type PixelWindow = [number, number, number, number];

/**
 * Which way the reader walks its windows, in pixels of the level: the displacement of one
 * destination pixel across (+x) and down (+y), and how many destination pixels the next window
 * reaches back into this one (the chunks' halos, the resampling's neighbours). Blocks that reach
 * past a window's far edges, less that margin, along either are read again and kept.
 */
export interface Sweep {
  across: [number, number];
  down: [number, number];
  margin: number;
}

/** Decoded blocks kept for windows read on their own (previews, a pixel's story): about 500 uint16 blocks of 512². */
const DEFAULT_BLOCK_CACHE_BYTES = 256 * 2 ** 20;
/**
 * Decoded blocks kept while a task sweeps its chunks, where memory_limit gives it no share. It
 * keeps only blocks its next chunks read again (halos, the edges of reprojected windows), and
 * more room barely pays: on a reprojected 9600 px tile (docs/benchmarks.md, case 3) 256 MiB
 * spared 18 % of the blocks' decoding, no time, for about 300 MiB more memory.
 */
export const TASK_BLOCK_CACHE_BYTES = 64 * 2 ** 20;

const blocks = new BlockCache<SampleArray>(DEFAULT_BLOCK_CACHE_BYTES);

/** Bounds the decoded blocks kept by `bytes` (a task's), or the default for windows read on their own. */
export function setDecodedBlockBudget(bytes: number | undefined): void {
  blocks.resize(bytes ?? DEFAULT_BLOCK_CACHE_BYTES);
}

/** Forgets every decoded block; for the end of a task. */
export function clearDecodedBlocks(): void {
  blocks.clear();
}

/** Blocks decoded and reads served from the cache so far in this process. */
export function decodedBlockStats(): BlockCacheStats {
  return blocks.stats();
}

interface BlockLayout {
  format: BlockFormat;
  tiled: boolean;
  blockWidth: number;
  blockHeight: number;
  /** Blocks per row of blocks. */
  across: number;
}

const layouts = new WeakMap<GeoTIFFImage, Promise<BlockLayout | null>>();

export interface ReadOptions {
  signal?: AbortSignal | undefined;
  sweep?: Sweep | undefined;
  /**
   * Where to write the window: a row-major array `width` wide, of the level's sample type, the
   * window's first pixel at (col, row). Honoured where this module decodes the blocks (the
   * result is then `into.data`); otherwise, and without it, the window comes in a new array.
   */
  into?: { data: SampleArray; width: number; col: number; row: number } | undefined;
}

export async function readWindow(cog: OpenCog, level: CogLevel, window: PixelWindow, options: ReadOptions = {}): Promise<SampleArray> {
  const { signal } = options;
  try {
    const layout = await layoutOf(level.image);
    if (!layout) return await readWithGeotiff(level, window, signal);
    return await readBlocks(cog, level, layout, window, options);
  } catch (error) {
    throw asDatasetReadError(error, cog.href, 'corrupt or truncated image data');
  }
}

async function readWithGeotiff(level: CogLevel, window: PixelWindow, signal: AbortSignal | undefined): Promise<SampleArray> {
  const bands = await level.image.readRasters({ window, samples: [0], interleave: false, signal });
  const band = bands[0];
  if (!band) throw new Error('no samples decoded');
  return band;
}

async function readBlocks(
  cog: OpenCog,
  level: CogLevel,
  layout: BlockLayout,
  window: PixelWindow,
  options: ReadOptions,
): Promise<SampleArray> {
  const [x0, y0, x1, y1] = window;
  const { blockWidth, blockHeight } = layout;
  const type = layout.format.sampleType;
  const into = options.into ?? { data: newSampleArray(type, (x1 - x0) * (y1 - y0)), width: x1 - x0, col: 0, row: 0 };
  const out = into.data;
  // Rows are copied as bytes, by Buffer.copy: no view to make per row.
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const size = bytesPerSample(type);
  const levelIndex = cog.levels.indexOf(level);
  const reads: Array<Promise<void>> = [];
  for (let by = Math.floor(y0 / blockHeight); by * blockHeight < y1; by++) {
    for (let bx = Math.floor(x0 / blockWidth); bx * blockWidth < x1; bx++) {
      const left = bx * blockWidth;
      const top = by * blockHeight;
      // Tiles are whole at the image's edges; the last strip holds the rows that are left.
      const rows = layout.tiled ? blockHeight : Math.min(blockHeight, level.height - top);
      const index = by * layout.across + bx;
      const readAgain = isAhead([left, top, left + blockWidth, top + rows], window, options.sweep);
      const block = storedAt(level, layout, index).then(({ offset, length }) =>
        // Where the bytes lie is part of the key: a file rewritten under the same name (an
        // output previewed again) has its blocks elsewhere.
        blocks.get(`${cog.href}\n${levelIndex}\n${index}\n${offset}\n${length}`, blockWidth * rows * size, readAgain, () =>
          decodedBlock(cog, level, layout, { offset, length }, rows),
        ),
      );
      reads.push(
        raceAbort(block, options.signal).then((data) => {
          const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
          const from = Math.max(x0, left);
          const count = (Math.min(x1, left + blockWidth) - from) * size;
          for (let y = Math.max(y0, top); y < Math.min(y1, top + rows); y++) {
            const start = ((y - top) * blockWidth + (from - left)) * size;
            bytes.copy(outBytes, ((y - y0 + into.row) * into.width + (from - x0 + into.col)) * size, start, start + count);
          }
        }),
      );
    }
  }
  await Promise.all(reads);
  return out;
}

interface ByteRange {
  offset: number;
  length: number;
}

/** Where block `index`'s bytes lie in the file (from the directory geotiff.js parsed). */
async function storedAt(level: CogLevel, layout: BlockLayout, index: number): Promise<ByteRange> {
  const directory = level.image.getFileDirectory();
  const [offsets, counts] = layout.tiled ? ['TileOffsets', 'TileByteCounts'] : ['StripOffsets', 'StripByteCounts'];
  const [offset, length] = await Promise.all([directory.loadValueIndexed(offsets, index), directory.loadValueIndexed(counts, index)]);
  return { offset: Number(offset), length: Number(length) };
}

/**
 * Fetches and decodes one block. No signal: the block may serve other reads; each waits on
 * its own signal instead.
 */
async function decodedBlock(cog: OpenCog, level: CogLevel, layout: BlockLayout, stored: ByteRange, rows: number): Promise<SampleArray> {
  const type = layout.format.sampleType;
  if (!stored.length) {
    // A block not written (a sparse file): nodata, as GDAL reads it.
    const data = newSampleArray(type, layout.blockWidth * rows);
    if (cog.nodata !== null && isRepresentable(type, cog.nodata)) data.fill(cog.nodata);
    return data;
  }
  const [bytes] = await level.image.source.fetch([stored]);
  if (!bytes || bytes.byteLength < stored.length) throw new Error(`a block at byte ${stored.offset} ends past the end of the file`);
  return await decodeBlock(new Uint8Array(bytes), layout.format, layout.blockWidth, rows);
}

/** Whether the block reaches past the window's far edges (or close to them) along the sweep. */
function isAhead(block: PixelWindow, window: PixelWindow, sweep: Sweep | undefined): boolean {
  if (!sweep) return true;
  for (const [du, dv] of [sweep.across, sweep.down]) {
    const norm = du * du + dv * dv;
    if (!(norm > 0 && Number.isFinite(norm))) return true;
    const far = ([x0, y0, x1, y1]: PixelWindow) => Math.max(du * x0, du * x1) + Math.max(dv * y0, dv * y1);
    if ((far(block) - far(window)) / norm > -sweep.margin) return true;
  }
  return false;
}

/** How the image's blocks of its first sample are laid out and stored; null: geotiff.js decodes them. */
function layoutOf(image: GeoTIFFImage): Promise<BlockLayout | null> {
  let layout = layouts.get(image);
  if (!layout) {
    layout = readLayout(image);
    layouts.set(image, layout);
  }
  return layout;
}

async function readLayout(image: GeoTIFFImage): Promise<BlockLayout | null> {
  if (image.getSamplesPerPixel() !== 1 && image.planarConfiguration !== 2) return null;
  const sampleType = storedSampleType(image);
  if (!sampleType) return null;
  const directory = image.getFileDirectory();
  const format: BlockFormat = {
    compression: Number(directory.getValue('Compression') ?? 1),
    predictor: Number((await directory.loadValue('Predictor')) ?? 1),
    sampleType,
    littleEndian: image.littleEndian,
  };
  if (!decodable(format)) return null;
  const blockWidth = image.getTileWidth();
  const blockHeight = image.getTileHeight();
  if (!(blockWidth > 0 && blockHeight > 0)) return null;
  return { format, tiled: image.isTiled, blockWidth, blockHeight, across: Math.ceil(image.getWidth() / blockWidth) };
}
