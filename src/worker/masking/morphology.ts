/**
 * Binary morphology of 0/1 masks (row-major, width × height) with the disk footprint of
 * odc-algo's mask_cleanup: the offsets (dx, dy) with dx² + dy² ≤ r².
 *
 * Pixels outside the image never influence the result: dilation sees them as 0 and erosion
 * as 1, as skimage's binary_dilation / binary_erosion do under mask_cleanup. So a mask that
 * touches the edge is not eaten away from the edge by an erosion or an opening.
 */
import { UserError } from '../../shared/errors.js';

type MorphologyOperation = 'opening' | 'closing' | 'dilation' | 'erosion';

/** One step of odc-stats' `cloud_filters` / `mask_filters` / `filters`: `[operation, radius]`. */
export type MaskFilter = readonly [operation: MorphologyOperation, radius: number];

const MORPHOLOGY_OPERATIONS: readonly MorphologyOperation[] = Object.freeze(['opening', 'closing', 'dilation', 'erosion']);

/** For each row offset dy = −r…r (index dy + r), the largest dx with dx² + dy² ≤ r². */
export function diskHalfWidths(radius: number): Int32Array {
  checkRadius(radius);
  const halfWidths = new Int32Array(2 * radius + 1);
  const r2 = radius * radius;
  for (let dy = -radius; dy <= radius; dy++) {
    const room = r2 - dy * dy;
    let w = Math.floor(Math.sqrt(room));
    // sqrt of a large integer can land a hair off a perfect square.
    while ((w + 1) * (w + 1) <= room) w++;
    while (w * w > room) w--;
    halfWidths[dy + radius] = w;
  }
  return halfWidths;
}

/** 1 where the disk of `radius` around the pixel holds a set pixel of the image. */
export function dilation(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  checkShape(mask, width, height);
  checkRadius(radius);
  const rows = packRows(mask, width, height);
  return unpackRows(dilateRows(rows, radius));
}

/** 1 where every pixel of the image inside the disk of `radius` around the pixel is set. */
export function erosion(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  checkShape(mask, width, height);
  checkRadius(radius);
  const rows = packRows(mask, width, height);
  return unpackRows(erodeRows(rows, radius));
}

/** Erosion then dilation: removes set regions too small to hold the disk. */
export function opening(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return maskCleanup(mask, width, height, [['opening', radius]]);
}

/** Dilation then erosion: fills clear gaps too small to hold the disk. */
export function closing(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return maskCleanup(mask, width, height, [['closing', radius]]);
}

const PACKED_OPERATIONS: Readonly<Record<MorphologyOperation, (rows: PackedRows, radius: number) => PackedRows>> = {
  opening: (rows, radius) => dilateRows(erodeRows(rows, radius), radius),
  closing: (rows, radius) => erodeRows(dilateRows(rows, radius), radius),
  dilation: dilateRows,
  erosion: erodeRows,
};

/**
 * How many pixels away a chain of filters can change a pixel: opening and closing reach twice
 * their radius (an erosion and a dilation), the others once. The margin a block needs for its
 * inner pixels to come out as on the whole image.
 */
export function filtersReach(filters: readonly MaskFilter[]): number {
  return filters.reduce((reach, [operation, radius]) => reach + (operation === 'opening' || operation === 'closing' ? 2 * radius : radius), 0);
}

/**
 * The filters applied in order, as odc-algo's mask_cleanup does; a radius of 0 skips its step.
 * Returns a new 0/1 mask; the input is left as it is.
 */
export function maskCleanup(mask: Uint8Array, width: number, height: number, filters: readonly MaskFilter[]): Uint8Array {
  checkShape(mask, width, height);
  for (const [operation, radius] of filters) {
    if (!isOperation(operation)) throw new RangeError(`unknown morphology operation '${String(operation)}'`);
    checkRadius(radius);
  }
  let rows = packRows(mask, width, height);
  for (const [operation, radius] of filters) {
    if (radius > 0) rows = PACKED_OPERATIONS[operation](rows, radius);
  }
  return unpackRows(rows);
}

/**
 * odc-stats' YAML form of a filter list, `[["opening", 2], ["dilation", 5]]`, checked: a
 * UserError naming `key` and what is wrong.
 */
export function parseMaskFilters(value: unknown, key: string): MaskFilter[] {
  const example = 'such as [["opening", 2], ["dilation", 5]]';
  if (!Array.isArray(value)) {
    throw new UserError(`${key}: expected a list of [operation, radius] pairs ${example}, got ${describe(value)}`);
  }
  return value.map((step: unknown, index): MaskFilter => {
    const where = `${key}[${index}]`;
    if (!Array.isArray(step) || step.length !== 2) {
      throw new UserError(`${where}: expected an [operation, radius] pair ${example}, got ${describe(step)}`);
    }
    const [operation, radius]: unknown[] = step;
    if (typeof operation !== 'string' || !isOperation(operation)) {
      throw new UserError(`${where}: unknown operation ${describe(operation)}: expected one of ${MORPHOLOGY_OPERATIONS.join(', ')}`);
    }
    if (typeof radius !== 'number' || !Number.isSafeInteger(radius) || radius < 0) {
      throw new UserError(`${where}: the radius of ${operation} must be a whole number of pixels, 0 or more, got ${describe(radius)}`);
    }
    return [operation, radius];
  });
}

function isOperation(name: string): name is MorphologyOperation {
  return (MORPHOLOGY_OPERATIONS as readonly string[]).includes(name);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

function checkShape(mask: Uint8Array, width: number, height: number): void {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 0 || height < 0 || mask.length !== width * height) {
    throw new RangeError(`mask of ${mask.length} pixels is not ${width} × ${height}`);
  }
}

function checkRadius(radius: number): void {
  if (!Number.isSafeInteger(radius) || radius < 0) throw new RangeError(`radius must be a whole number ≥ 0, got ${radius}`);
}

/**
 * A mask packed 32 pixels to a word, row by row: pixel x of row y is bit x % 32 of word
 * y × words + ⌊x / 32⌋. Bits past the end of a row are always 0.
 */
interface PackedRows {
  readonly width: number;
  readonly height: number;
  readonly words: number;
  readonly bits: Uint32Array;
}

function packRows(mask: Uint8Array, width: number, height: number): PackedRows {
  const words = (width + 31) >>> 5;
  const bits = new Uint32Array(words * height);
  for (let y = 0; y < height; y++) {
    const rowStart = y * width;
    for (let i = 0; i < words; i++) {
      const first = rowStart + (i << 5);
      const count = Math.min(32, width - (i << 5));
      let word = 0;
      for (let b = 0; b < count; b++) word |= (mask[first + b] !== 0 ? 1 : 0) << b;
      bits[y * words + i] = word;
    }
  }
  return { width, height, words, bits };
}

function unpackRows(rows: PackedRows): Uint8Array {
  const { width, height, words, bits } = rows;
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const rowStart = y * width;
    for (let i = 0; i < words; i++) {
      const word = bits[y * words + i]!;
      if (word === 0) continue;
      const first = rowStart + (i << 5);
      const count = Math.min(32, width - (i << 5));
      if (word === 0xffffffff) mask.fill(1, first, first + count);
      else for (let b = 0; b < count; b++) mask[first + b] = (word >>> b) & 1;
    }
  }
  return mask;
}

/** The complement of the dilation of the complement, in which pixels outside the image are clear: so here they count as set. */
function erodeRows(rows: PackedRows, radius: number): PackedRows {
  return complementRows(dilateRows(complementRows(rows), radius));
}

function complementRows(rows: PackedRows): PackedRows {
  const bits = rows.bits.map((word) => ~word);
  clearRowTails(bits, rows.width, rows.words);
  return { ...rows, bits };
}

function clearRowTails(bits: Uint32Array, width: number, words: number): void {
  const used = width & 31;
  if (used === 0) return;
  const tail = (1 << used) - 1;
  for (let last = words - 1; last < bits.length; last += words) bits[last] = bits[last]! & tail;
}

/**
 * The disk is a stack of horizontal runs, one per row offset dy, of half-width w(dy). Each
 * source row is spread once per distinct half-width, 32 pixels per word operation, and OR-ed
 * into every output row it reaches with that half-width. Pixels outside the image are clear.
 */
function dilateRows(rows: PackedRows, radius: number): PackedRows {
  const { width, height, words, bits } = rows;
  const reached = new Uint32Array(bits.length);
  if (width === 0 || height === 0) return { ...rows, bits: reached };
  // No two pixels of the image are further apart than its diagonal: a larger disk acts the same.
  const reach = Math.min(radius, Math.ceil(Math.hypot(width - 1, height - 1)));
  const offsetsByHalfWidth = rowOffsetsByHalfWidth(reach);
  // Runs centred left of the row still cover its first pixels: keep room for them before it.
  const margin = (reach + 31) >>> 5;
  const run = new Uint32Array(margin + words);

  for (let source = 0; source < height; source++) {
    const sourceStart = source * words;
    let any = 0;
    for (let i = 0; i < words; i++) any |= bits[sourceStart + i]!;
    if (any === 0) continue;
    for (const [halfWidth, offsets] of offsetsByHalfWidth) {
      run.fill(0, 0, margin);
      run.set(bits.subarray(sourceStart, sourceStart + words), margin);
      spreadAlongRow(run, halfWidth);
      for (const dy of offsets) {
        const target = source - dy;
        if (target < 0 || target >= height) continue;
        const targetStart = target * words;
        for (let i = 0; i < words; i++) reached[targetStart + i] = reached[targetStart + i]! | run[margin + i]!;
      }
    }
  }
  clearRowTails(reached, width, words);
  return { width, height, words, bits: reached };
}

function rowOffsetsByHalfWidth(radius: number): Map<number, number[]> {
  const halfWidths = diskHalfWidths(radius);
  const offsets = new Map<number, number[]>();
  for (let dy = -radius; dy <= radius; dy++) {
    const halfWidth = halfWidths[dy + radius]!;
    const list = offsets.get(halfWidth);
    if (list === undefined) offsets.set(halfWidth, [dy]);
    else list.push(dy);
  }
  return offsets;
}

/** row[x] becomes the OR of row[x − halfWidth … x + halfWidth]; bits beyond either end read 0. */
function spreadAlongRow(row: Uint32Array, halfWidth: number): void {
  if (halfWidth === 0) return;
  // First the run of `length` pixels starting at x, by doubling; then centre it on x.
  const length = 2 * halfWidth + 1;
  let covered = 1;
  while (2 * covered <= length) {
    orFromAbove(row, covered);
    covered *= 2;
  }
  if (covered < length) orFromAbove(row, length - covered);
  shiftUp(row, halfWidth);
}

/** row[x] |= row[x + by]. Ascending, each word reads words not yet changed by this pass. */
function orFromAbove(row: Uint32Array, by: number): void {
  const n = row.length;
  const skip = by >>> 5;
  const bit = by & 31;
  if (bit === 0) {
    for (let i = 0; i + skip < n; i++) row[i] = row[i]! | row[i + skip]!;
    return;
  }
  const back = 32 - bit;
  for (let i = 0; i + skip < n; i++) {
    const next = i + skip + 1 < n ? row[i + skip + 1]! : 0;
    row[i] = row[i]! | (row[i + skip]! >>> bit) | (next << back);
  }
}

/** row[x] = row[x − by]. Descending, each word reads words not yet changed by this pass. */
function shiftUp(row: Uint32Array, by: number): void {
  const n = row.length;
  const skip = Math.min(by >>> 5, n);
  const bit = by & 31;
  if (bit === 0) {
    for (let i = n - 1; i >= skip; i--) row[i] = row[i - skip]!;
  } else {
    const back = 32 - bit;
    for (let i = n - 1; i >= skip; i--) {
      const previous = i - skip - 1 >= 0 ? row[i - skip - 1]! : 0;
      row[i] = (row[i - skip]! << bit) | (previous >>> back);
    }
  }
  row.fill(0, 0, skip);
}
