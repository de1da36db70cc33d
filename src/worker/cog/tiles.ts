/**
 * Cutting a resolution level into square tiles and encoding each one: predictor, then
 * compression, giving the bytes a TIFF tile holds (little-endian samples). Pixels may hold
 * several samples, interleaved (PlanarConfiguration 1, "chunky"): a tile is then
 * `tileSize × tileSize × samplesPerPixel` samples, and the predictors work per sample, each
 * sample differenced with the same sample of the previous pixel, as the TIFF specification says.
 */
import { deflate, deflateSync } from 'node:zlib';
import { loadZstd, type Zstd } from '../../io/zstd.js';
import { newSampleArray, sampleTypeOf, type SampleArray } from '../raster.js';
import { jpegOfRgbaTile, maskOfRgbaTile } from './jpeg-tile.js';
import { lzwEncode } from './lzw.js';
import { loadWebpForTiles, webpOfRgbaTile } from './webp-tile.js';

/** One resolution level: `width × height` pixels, row-major, each `samplesPerPixel` samples in a row. */
export interface PixelGrid {
  width: number;
  height: number;
  samplesPerPixel: number;
  data: SampleArray;
}

/** TIFF Predictor tag values: 1 none, 2 horizontal differencing, 3 floating point. */
export type Predictor = 1 | 2 | 3;

/** The tile compressions the writer has: TIFF Compression 1, 5, 7, 8, 50000 and 50001. */
export type TileCompression = 'none' | 'lzw' | 'jpeg' | 'deflate' | 'zstd' | 'webp';

export interface TileEncoding {
  tileSize: number;
  /** 'jpeg' and 'webp' take 8-bit RGBA pixels; 'jpeg' stores their alpha as a mask tile. */
  compression: TileCompression;
  /** zlib level, 0–9; used with deflate, and for the masks of JPEG tiles. */
  zlevel: number;
  /** JPEG quality, 1–100. */
  jpegQuality: number;
  /** Zstandard level, 1–22. */
  zstdLevel: number;
  /** WebP quality, 1–100, unless lossless. */
  webpLevel: number;
  webpLossless: boolean;
  predictor: Predictor;
  /** What pads edge tiles beyond the image (every sample of a padding pixel). */
  fill: number;
  /** Interleaved samples per pixel, 1 for a single band. */
  samplesPerPixel: number;
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function tileCounts(width: number, height: number, tileSize: number): { across: number; down: number } {
  return { across: Math.ceil(width / tileSize), down: Math.ceil(height / tileSize) };
}

/** The tile at (column, row) of the tile grid, padded with `fill` where it overhangs the image. */
function extractTile(grid: PixelGrid, column: number, row: number, tileSize: number, fill: number): SampleArray {
  const spp = grid.samplesPerPixel;
  const tile = newSampleArray(sampleTypeOf(grid.data), tileSize * tileSize * spp);
  const left = column * tileSize;
  const top = row * tileSize;
  const copyWidth = Math.min(tileSize, grid.width - left);
  const copyHeight = Math.min(tileSize, grid.height - top);
  if (copyWidth < tileSize || copyHeight < tileSize) tile.fill(fill);
  for (let y = 0; y < copyHeight; y++) {
    const sourceStart = ((top + y) * grid.width + left) * spp;
    tile.set(grid.data.subarray(sourceStart, sourceStart + copyWidth * spp), y * tileSize * spp);
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
 * Predictor 2: each sample replaced by its difference from the same sample of the previous
 * pixel in the row (stride `samplesPerPixel`), wrapping at the type's width (typed-array
 * assignment does the modular wrap). The first pixel of a row is kept. In place.
 */
function applyHorizontalDifferencing(tile: SampleArray, rowSamples: number, stride: number): void {
  for (let rowStart = 0; rowStart < tile.length; rowStart += rowSamples) {
    for (let i = rowStart + rowSamples - 1; i >= rowStart + stride; i--) tile[i] = tile[i]! - tile[i - stride]!;
  }
}

/**
 * Predictor 3 (Adobe Photoshop TIFF Technical Note 3): per row, the samples' bytes are
 * regrouped into planes, most significant byte first, whatever the file's byte order, then
 * each byte of the row is replaced by its difference from the byte `stride` (samples per
 * pixel) before it, as libtiff does.
 */
function floatingPointPredicted(tile: SampleArray, rowSamples: number, stride: number): Uint8Array {
  const sampleBytes = tile.BYTES_PER_ELEMENT;
  const input = littleEndianBytes(tile);
  const output = new Uint8Array(input.length);
  const rowBytes = rowSamples * sampleBytes;
  for (let rowStart = 0; rowStart < input.length; rowStart += rowBytes) {
    for (let sample = 0; sample < rowSamples; sample++) {
      const sampleStart = rowStart + sample * sampleBytes;
      for (let plane = 0; plane < sampleBytes; plane++) {
        output[rowStart + plane * rowSamples + sample] = input[sampleStart + sampleBytes - 1 - plane]!;
      }
    }
    for (let i = rowStart + rowBytes - 1; i >= rowStart + stride; i--) output[i] = output[i]! - output[i - stride]!;
  }
  return output;
}

/** One tile's samples after the predictor, as bytes. Takes ownership of `tile` (it may be modified). */
function predictedBytes(tile: SampleArray, encoding: TileEncoding): Uint8Array {
  const stride = encoding.samplesPerPixel;
  const rowSamples = encoding.tileSize * stride;
  switch (encoding.predictor) {
    case 1:
      return littleEndianBytes(tile);
    case 2:
      applyHorizontalDifferencing(tile, rowSamples, stride);
      return littleEndianBytes(tile);
    case 3:
      return floatingPointPredicted(tile, rowSamples, stride);
  }
}

/**
 * The tile at (column, row) of the level's tile grid, predicted but not yet compressed; empty
 * for a sparse tile, one whose every sample is the fill (nodata, or 0 without): it is not
 * written, and GDAL reads such a tile (offset and byte count 0) as the fill, as it writes them
 * with SPARSE_OK.
 */
export function predictedTile(grid: PixelGrid, column: number, row: number, encoding: TileEncoding): Uint8Array {
  if (grid.samplesPerPixel !== encoding.samplesPerPixel) {
    throw new Error(`grid has ${grid.samplesPerPixel} samples per pixel, the encoding ${encoding.samplesPerPixel}`);
  }
  const tile = extractTile(grid, column, row, encoding.tileSize, encoding.fill);
  return allFill(tile, encoding.fill) ? new Uint8Array(0) : predictedBytes(tile, encoding);
}

function allFill(tile: SampleArray, fill: number): boolean {
  if (Number.isNaN(fill)) {
    for (let i = 0; i < tile.length; i++) if (!Number.isNaN(tile[i]!)) return false;
    return true;
  }
  for (let i = 0; i < tile.length; i++) if (tile[i] !== fill) return false;
  return true;
}

/** A tile as stored: its compressed samples, and its mask tile where the encoding has masks. */
export interface EncodedTile {
  data: Uint8Array;
  mask?: Uint8Array;
}

/** Every tile of the level, row-major (left to right, then top to bottom), as stored in the file. */
export function encodeTiles(grid: PixelGrid, encoding: TileEncoding): EncodedTile[] {
  const { across, down } = tileCounts(grid.width, grid.height, encoding.tileSize);
  const tiles: EncodedTile[] = [];
  for (let row = 0; row < down; row++) {
    for (let column = 0; column < across; column++) {
      const bytes = predictedTile(grid, column, row, encoding);
      tiles.push({ data: compressTile(bytes, encoding), ...withMask(bytes, encoding) });
    }
  }
  return tiles;
}

/** A predicted tile (`predictedTile`) compressed; a sparse (empty) tile stays empty. */
function compressTile(bytes: Uint8Array, encoding: TileEncoding): Uint8Array {
  if (bytes.length === 0) return bytes;
  switch (encoding.compression) {
    case 'none':
      return bytes;
    case 'lzw':
      return lzwEncode(bytes);
    case 'jpeg':
      return jpegOfRgbaTile(bytes, encoding.tileSize, encoding.jpegQuality);
    case 'deflate':
      return deflateSync(bytes, { level: encoding.zlevel });
    case 'webp':
      return webpOfRgbaTile(bytes, encoding.tileSize, encoding.webpLevel, encoding.webpLossless);
    case 'zstd':
      if (!zstd) throw new Error("COG compress 'zstd': the codec is not loaded (await loadZstdForTiles() first)");
      return zstd.compress(bytes, encoding.zstdLevel);
  }
}

let zstd: Zstd | undefined;

/** Loads the Zstandard codec (WebAssembly), which ZSTD tiles need: `encodeTileInPool` loads it itself, `encodeTiles` needs it loaded. */
export async function loadZstdForTiles(): Promise<void> {
  zstd ??= await loadZstd();
}

/** JPEG tiles' alpha, as their mask tile; none for other encodings, and an empty one for a sparse tile. */
function withMask(bytes: Uint8Array, encoding: TileEncoding): Pick<EncodedTile, 'mask'> {
  if (encoding.compression !== 'jpeg') return {};
  return { mask: bytes.length === 0 ? bytes : maskOfRgbaTile(bytes, encoding.tileSize, encoding.zlevel) };
}

/**
 * A predicted tile (`predictedTile`) encoded as `encodeTiles` encodes it — the same bytes —
 * deflate on libuv's thread pool (node:zlib's asynchronous deflate) while this thread goes on;
 * the other compressions on this thread (zstd and webp once their WebAssembly is loaded).
 */
export function encodeTileInPool(bytes: Uint8Array, encoding: TileEncoding): Promise<EncodedTile> {
  if (encoding.compression === 'deflate' && bytes.length > 0) {
    return new Promise<EncodedTile>((resolve, reject) => {
      deflate(bytes, { level: encoding.zlevel }, (error, compressed) => (error ? reject(error) : resolve({ data: compressed })));
    });
  }
  const codecLoaded = encoding.compression === 'zstd' ? loadZstdForTiles() : encoding.compression === 'webp' ? loadWebpForTiles() : Promise.resolve();
  return codecLoaded.then(() => ({ data: compressTile(bytes, encoding), ...withMask(bytes, encoding) }));
}
