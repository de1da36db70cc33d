/**
 * TIFF LZW decompression (TIFF 6.0, section 13): codes packed most significant bit first,
 * 9 bits wide at the start and after each Clear code (256), one bit wider as soon as the next
 * free code reaches 511, 1023 and 2047 ("early change"), at most 12 bits; 257 ends the data.
 *
 * Every string in the code table is a run of bytes already written to the output (the previous
 * string plus the first byte of the one after it), so the table holds only where each string
 * starts in the output and how long it is, and decoding a code copies bytes within the output.
 */

const CLEAR = 256;
const END = 257;
const FIRST_FREE = 258;
const MAX_WIDTH = 12;
const TABLE_SIZE = 1 << MAX_WIDTH;
/** Strings up to this long are copied byte by byte; longer ones with copyWithin. */
const SHORT_COPY = 16;

/**
 * The bytes of `input` decompressed into `out` (sized for the block): the count written.
 * Data past the end of `out` is dropped, as libtiff drops it.
 */
export function lzwDecompress(input: Uint8Array, out: Uint8Array): number {
  if (input.length >= 2 && input[0] === 0 && (input[1]! & 1) === 1) {
    throw new Error('old-style (pre-TIFF 6.0) LZW data is not supported');
  }
  const starts = new Int32Array(TABLE_SIZE);
  const lengths = new Int32Array(TABLE_SIZE);
  const limit = out.length;
  let width = 9;
  let next = FIRST_FREE;
  let bits = 0;
  let bitCount = 0;
  let at = 0;
  let pos = 0;
  /** The previous string's start in the output and its length; -1: none since the last Clear. */
  let previousStart = -1;
  let previousLength = 0;
  while (pos < limit) {
    while (bitCount < width && at < input.length) {
      bits = (bits << 8) | input[at++]!;
      bitCount += 8;
    }
    if (bitCount < width) break;
    bitCount -= width;
    const code = (bits >>> bitCount) & ((1 << width) - 1);
    bits &= (1 << bitCount) - 1;
    if (code === END) break;
    if (code === CLEAR) {
      width = 9;
      next = FIRST_FREE;
      previousStart = -1;
      continue;
    }
    const start = pos;
    let length: number;
    if (code < CLEAR) {
      out[pos++] = code;
      length = 1;
    } else if (code < next && previousStart >= 0) {
      length = lengths[code]!;
      const from = starts[code]!;
      const count = Math.min(length, limit - pos);
      if (count <= SHORT_COPY) {
        for (let k = 0; k < count; k++) out[pos + k] = out[from + k]!;
      } else {
        out.copyWithin(pos, from, from + count);
      }
      pos += count;
    } else if (code === next && previousStart >= 0) {
      // The string being defined: the previous one plus its own first byte.
      length = previousLength + 1;
      const count = Math.min(previousLength, limit - pos);
      out.copyWithin(pos, previousStart, previousStart + count);
      pos += count;
      if (pos < limit) out[pos++] = out[previousStart]!;
    } else {
      throw new Error(`corrupt LZW data (code ${code} where the next free code is ${next})`);
    }
    if (previousStart >= 0 && next < TABLE_SIZE) {
      starts[next] = previousStart;
      lengths[next] = previousLength + 1;
      next++;
      if (next >= (1 << width) - 1 && width < MAX_WIDTH) width++;
    }
    previousStart = start;
    previousLength = length;
  }
  return pos;
}
