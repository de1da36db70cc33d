/**
 * Cutting a resolution level into square tiles and encoding each one: predictor, then
 * compression, giving the bytes a TIFF tile holds (little-endian samples).
 */
import { deflateSync } from 'node:zlib';
import { newSampleArray, sampleTypeOf, type SampleArray } from '../raster.js';
import type { SampleGrid } from './overviews.js';

/** TIFF Predictor tag values: 1 none, 2 horizontal differencing, 3 floating point. */
export type Predictor = 1 | 2 | 3;

export interface TileEncoding {
  tileSize: number;
  compression: 'deflate' | 'none';
  /** zlib level, 0–9; used with deflate only. */
  zlevel: number;
  predictor: Predictor;
  /** What pads edge tiles beyond the image. */
  fill: number;
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function tileCounts(width: number, height: number, tileSize: number): { across: number; down: number } {
  return { across: Math.ceil(width / tileSize), down: Math.ceil(height / tileSize) };
}

/** The tile at (column, row) of the tile grid, padded with `fill` where it overhangs the image. */
export function extractTile(grid: SampleGrid, column: number, row: number, tileSize: number, fill: number): SampleArray {
  const tile = newSampleArray(sampleTypeOf(grid.data), tileSize * tileSize);
  const left = column * tileSize;
  const top = row * tileSize;
  const copyWidth = Math.min(tileSize, grid.width - left);
  const copyHeight = Math.min(tileSize, grid.height - top);
  if (copyWidth < tileSize || copyHeight < tileSize) tile.fill(fill);
  for (let y = 0; y < copyHeight; y++) {
    const sourceStart = (top + y) * grid.width + left;
    tile.set(grid.data.subarray(sourceStart, sourceStart + copyWidth), y * tileSize);
  }
  return tile;
}

/** The samples' bytes in little-endian order, which is what the TIFF header ('II') declares. */
function littleEndianBytes(samples: SampleArray): Uint8Array {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const sampleBytes = samples.BYTES_PER_ELEMENT;
  if (HOST_IS_LITTLE_ENDIAN || sampleBytes === 1) return bytes;
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += sampleBytes) {
    for (let b = 0; b < sampleBytes; b++) swapped[i + b] = bytes[i + sampleBytes - 1 - b]!;
  }
  return swapped;
}

/**
 * Predictor 2: each sample replaced by its difference from the previous one in the same row,
 * wrapping at the type's width (typed-array assignment does the modular wrap). In place.
 */
function applyHorizontalDifferencing(tile: SampleArray, tileSize: number): void {
  for (let rowStart = 0; rowStart < tile.length; rowStart += tileSize) {
    for (let i = rowStart + tileSize - 1; i > rowStart; i--) tile[i] = tile[i]! - tile[i - 1]!;
  }
}

/**
 * Predictor 3 (Adobe Photoshop TIFF Technical Note 3): per row, the samples' bytes are
 * regrouped into planes, most significant byte first, whatever the file's byte order, then
 * each byte of the row is replaced by its difference from the previous one.
 */
function floatingPointPredicted(tile: SampleArray, tileSize: number): Uint8Array {
  const sampleBytes = tile.BYTES_PER_ELEMENT;
  const input = littleEndianBytes(tile);
  const output = new Uint8Array(input.length);
  const rowBytes = tileSize * sampleBytes;
  for (let rowStart = 0; rowStart < input.length; rowStart += rowBytes) {
    for (let sample = 0; sample < tileSize; sample++) {
      const sampleStart = rowStart + sample * sampleBytes;
      for (let plane = 0; plane < sampleBytes; plane++) {
        output[rowStart + plane * tileSize + sample] = input[sampleStart + sampleBytes - 1 - plane]!;
      }
    }
    for (let i = rowStart + rowBytes - 1; i > rowStart; i--) output[i] = output[i]! - output[i - 1]!;
  }
  return output;
}

/** One tile's bytes as stored in the file. Takes ownership of `tile` (it may be modified). */
export function encodeTile(tile: SampleArray, encoding: TileEncoding): Uint8Array {
  let bytes: Uint8Array;
  switch (encoding.predictor) {
    case 1:
      bytes = littleEndianBytes(tile);
      break;
    case 2:
      applyHorizontalDifferencing(tile, encoding.tileSize);
      bytes = littleEndianBytes(tile);
      break;
    case 3:
      bytes = floatingPointPredicted(tile, encoding.tileSize);
      break;
  }
  if (encoding.compression === 'none') return bytes;
  return deflateSync(bytes, { level: encoding.zlevel });
}

/** Every tile of the level, row-major (left to right, then top to bottom), encoded. */
export function encodeTiles(grid: SampleGrid, encoding: TileEncoding): Uint8Array[] {
  const { across, down } = tileCounts(grid.width, grid.height, encoding.tileSize);
  const tiles: Uint8Array[] = [];
  for (let row = 0; row < down; row++) {
    for (let column = 0; column < across; column++) {
      tiles.push(encodeTile(extractTile(grid, column, row, encoding.tileSize, encoding.fill), encoding));
    }
  }
  return tiles;
}
