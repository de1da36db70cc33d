/**
 * Decoding one TIFF block (tile or strip) of one sample plane into a typed array of its sample
 * type: decompression (DEFLATE by node:zlib on libuv's thread pool, LZW by ./lzw.ts, or none),
 * then the predictor undone and the byte order made the host's, each a loop over typed arrays.
 *
 * Predictors (TIFF 6.0 section 14; Adobe Photoshop TIFF Technical Note 3):
 * - 2, horizontal differencing: each sample of a row is stored as its difference from the one
 *   before, as unsigned integers of the sample's width, modulo 2^bits;
 * - 3, floating point: each row's samples split into byte planes, the last byte of each sample
 *   as the file orders them first (the most significant one of a little-endian file), and the
 *   row's bytes stored as differences from the byte before, modulo 256. (Big-endian files
 *   written by GDAL on little-endian machines hold their least significant bytes first, and
 *   GDAL and geotiff.js read them so: this follows them.)
 * As in libtiff, a predictor applies to LZW and DEFLATE data only, never to uncompressed blocks.
 */
import { endianness } from 'node:os';
import { inflate } from 'node:zlib';
import { bytesPerSample, sampleArrayOn, type SampleArray, type SampleType } from '../raster.js';
import { lzwDecompress } from './lzw.js';

/** How the blocks of one image are stored. */
export interface BlockFormat {
  /** TIFF Compression: 1 none, 5 LZW, 8 or 32946 DEFLATE. */
  compression: number;
  /** TIFF Predictor: 1 none, 2 horizontal, 3 floating point. */
  predictor: number;
  sampleType: SampleType;
  littleEndian: boolean;
}

const COMPRESSIONS = new Set([1, 5, 8, 32946]);
const HOST_LITTLE_ENDIAN = endianness() === 'LE';

/** Whether decodeBlock handles blocks of this format (else geotiff.js decodes them). */
export function decodable(format: BlockFormat): boolean {
  if (!COMPRESSIONS.has(format.compression)) return false;
  if (format.compression === 1 || format.predictor === 1) return true;
  if (format.predictor === 2) return bytesPerSample(format.sampleType) <= 4 || HOST_LITTLE_ENDIAN;
  return format.predictor === 3 && (format.sampleType === 'float32' || format.sampleType === 'float64');
}

/**
 * The samples of a block `width` × `rows` from its stored bytes. Throws where the data is
 * corrupt or decodes to fewer bytes than the block holds.
 */
export async function decodeBlock(stored: Uint8Array, format: BlockFormat, width: number, rows: number): Promise<SampleArray> {
  const size = bytesPerSample(format.sampleType);
  const length = width * rows;
  const raw = await decompress(stored, format.compression, length * size);
  const predictor = format.compression === 1 ? 1 : format.predictor;
  if (predictor === 3) return onBytes(format.sampleType, undoFloatingPoint(raw, width, rows, size, format.littleEndian), length);
  if (size > 1 && format.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(raw, size, length);
  if (predictor === 2) undoHorizontal(raw, width, rows, size);
  return onBytes(format.sampleType, raw, length);
}

function onBytes(type: SampleType, bytes: Uint8Array, length: number): SampleArray {
  return sampleArrayOn(type, bytes.buffer, bytes.byteOffset, length);
}

/** The block's bytes decompressed into memory of its own, aligned for any sample type. */
async function decompress(stored: Uint8Array, compression: number, bytes: number): Promise<Uint8Array> {
  let raw: Uint8Array;
  let written: number;
  switch (compression) {
    case 1:
      raw = stored.slice(0, bytes);
      written = raw.length;
      break;
    case 5:
      raw = new Uint8Array(bytes);
      written = lzwDecompress(stored, raw);
      break;
    case 8:
    case 32946:
      raw = await inflateInPool(stored, Math.max(64, bytes + 64));
      written = raw.length;
      // (A Buffer's slice() would share its memory: copy into a Uint8Array of its own.)
      if (raw.byteOffset % 8 !== 0) raw = new Uint8Array(raw);
      break;
    default:
      throw new Error(`unsupported compression ${compression}`);
  }
  if (written < bytes) throw new Error(`a block decoded to ${written} bytes, not the ${bytes} its pixels take`);
  return raw.subarray(0, bytes);
}

/**
 * DEFLATE data inflated on libuv's thread pool, so that a task's blocks are inflated on every
 * core while its thread goes on; `chunkSize` a little larger than the block gives one output
 * buffer, no concatenation.
 */
function inflateInPool(stored: Uint8Array, chunkSize: number): Promise<Buffer> {
  return new Promise((resolve, reject) => inflate(stored, { chunkSize }, (error, raw) => (error ? reject(error) : resolve(raw))));
}

/** Reverses the byte order of each `size`-byte sample in place. */
function swapBytes(raw: Uint8Array, size: number, count: number): void {
  if (size === 2) {
    for (let i = 0, at = 0; i < count; i++, at += 2) {
      const b0 = raw[at]!;
      raw[at] = raw[at + 1]!;
      raw[at + 1] = b0;
    }
    return;
  }
  for (let i = 0, at = 0; i < count; i++, at += size) {
    for (let lo = at, hi = at + size - 1; lo < hi; lo++, hi--) {
      const b = raw[lo]!;
      raw[lo] = raw[hi]!;
      raw[hi] = b;
    }
  }
}

/** Horizontal differencing undone in place, row by row, on host-order samples of 1, 2, 4 or 8 bytes. */
function undoHorizontal(raw: Uint8Array, width: number, rows: number, size: number): void {
  if (size === 1) {
    for (let r = 0; r < rows; r++) {
      const start = r * width;
      let sum = raw[start]!;
      for (let i = start + 1; i < start + width; i++) {
        sum = (sum + raw[i]!) & 0xff;
        raw[i] = sum;
      }
    }
  } else if (size === 2) {
    const samples = new Uint16Array(raw.buffer, raw.byteOffset, width * rows);
    for (let r = 0; r < rows; r++) {
      const start = r * width;
      let sum = samples[start]!;
      for (let i = start + 1; i < start + width; i++) {
        sum = (sum + samples[i]!) & 0xffff;
        samples[i] = sum;
      }
    }
  } else if (size === 4) {
    const samples = new Uint32Array(raw.buffer, raw.byteOffset, width * rows);
    for (let r = 0; r < rows; r++) {
      const start = r * width;
      let sum = samples[start]!;
      for (let i = start + 1; i < start + width; i++) {
        sum = (sum + samples[i]!) >>> 0;
        samples[i] = sum;
      }
    }
  } else if (size === 8 && HOST_LITTLE_ENDIAN) {
    // 64-bit sums from 32-bit halves, low word first, with the carry.
    const words = new Uint32Array(raw.buffer, raw.byteOffset, 2 * width * rows);
    for (let r = 0; r < rows; r++) {
      const start = 2 * r * width;
      let low = words[start]!;
      let high = words[start + 1]!;
      for (let i = start + 2; i < start + 2 * width; i += 2) {
        const sum = low + words[i]!;
        low = sum >>> 0;
        high = (high + words[i + 1]! + (sum > 0xffffffff ? 1 : 0)) >>> 0;
        words[i] = low;
        words[i + 1] = high;
      }
    }
  } else {
    throw new Error(`horizontal predictor on ${8 * size}-bit samples is not supported on this machine`);
  }
}

/**
 * The floating-point predictor undone: each row's byte differences summed in place, then its
 * byte planes put back together as host-order samples.
 */
function undoFloatingPoint(raw: Uint8Array, width: number, rows: number, size: number, littleEndian: boolean): Uint8Array {
  const rowBytes = width * size;
  const out = new Uint8Array(rowBytes * rows);
  // Plane k holds byte size − 1 − k of each sample in the file's order.
  const sameOrder = littleEndian === HOST_LITTLE_ENDIAN;
  const words = HOST_LITTLE_ENDIAN && sameOrder ? new Uint32Array(out.buffer) : null;
  for (let r = 0; r < rows; r++) {
    const start = r * rowBytes;
    let sum = raw[start]!;
    for (let i = start + 1; i < start + rowBytes; i++) {
      sum = (sum + raw[i]!) & 0xff;
      raw[i] = sum;
    }
    if (words && size === 4) {
      const w0 = r * width;
      for (let i = 0; i < width; i++) {
        const at = start + i;
        words[w0 + i] = ((raw[at]! << 24) | (raw[at + width]! << 16) | (raw[at + 2 * width]! << 8) | raw[at + 3 * width]!) >>> 0;
      }
    } else if (words && size === 8) {
      const w0 = 2 * r * width;
      for (let i = 0; i < width; i++) {
        const at = start + i;
        words[w0 + 2 * i + 1] =
          ((raw[at]! << 24) | (raw[at + width]! << 16) | (raw[at + 2 * width]! << 8) | raw[at + 3 * width]!) >>> 0;
        words[w0 + 2 * i] =
          ((raw[at + 4 * width]! << 24) | (raw[at + 5 * width]! << 16) | (raw[at + 6 * width]! << 8) | raw[at + 7 * width]!) >>> 0;
      }
    } else {
      for (let plane = 0; plane < size; plane++) {
        const into = sameOrder ? size - 1 - plane : plane;
        for (let i = 0; i < width; i++) out[start + i * size + into] = raw[start + plane * width + i]!;
      }
    }
  }
  return out;
}
