/**
 * Serialising classic (32-bit offset) little-endian TIFF image file directories.
 *
 * An IFD is written as: entry count, 12-byte entries sorted by tag, the offset of the next
 * IFD, then the values too large for an entry's 4-byte slot ("out-of-line" values).
 */

/** Classic TIFF offsets are 32-bit: no byte of the file may lie beyond this. */
const CLASSIC_TIFF_MAX_BYTES = 2 ** 32 - 1;

/** Throws when a file of `byteLength` bytes cannot be a classic TIFF; `what` says what it holds. */
export function checkClassicTiffLength(byteLength: number, what: string): void {
  if (byteLength > CLASSIC_TIFF_MAX_BYTES) {
    throw new Error(
      `the COG for ${what} would be ${byteLength} bytes, over the 4 GiB limit of classic TIFF (BigTIFF is not ` +
        'supported): use stronger compression or split the product into smaller tiles',
    );
  }
}

/** TIFF field types used by the writer, with their codes from the TIFF 6.0 specification. */
const FieldType = {
  ascii: 2,
  short: 3,
  long: 4,
  double: 12,
} as const;
type FieldTypeName = keyof typeof FieldType;

const FIELD_TYPE_SIZE: Record<FieldTypeName, number> = { ascii: 1, short: 2, long: 4, double: 8 };

/** Tag codes from TIFF 6.0, the GeoTIFF 1.0 specification and GDAL's private tags. */
export const Tag = {
  newSubfileType: 254,
  imageWidth: 256,
  imageLength: 257,
  bitsPerSample: 258,
  compression: 259,
  photometricInterpretation: 262,
  samplesPerPixel: 277,
  planarConfiguration: 284,
  predictor: 317,
  tileWidth: 322,
  tileLength: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
  extraSamples: 338,
  sampleFormat: 339,
  yCbCrSubSampling: 530,
  modelPixelScale: 33550,
  modelTiepoint: 33922,
  geoKeyDirectory: 34735,
  gdalNoData: 42113,
} as const;

export interface IfdEntry {
  tag: number;
  type: FieldTypeName;
  /** Numbers for numeric types; a string (written with its terminating NUL) for ASCII. */
  values: ArrayLike<number> | string;
}

function valueCount(entry: IfdEntry): number {
  // ASCII counts include the terminating NUL.
  return typeof entry.values === 'string' ? entry.values.length + 1 : entry.values.length;
}

function valueByteLength(entry: IfdEntry): number {
  return valueCount(entry) * FIELD_TYPE_SIZE[entry.type];
}

function isOutOfLine(entry: IfdEntry): boolean {
  return valueByteLength(entry) > 4;
}

/** Values are word-aligned, as the TIFF specification asks of offsets. */
function paddedToEven(byteLength: number): number {
  return byteLength + (byteLength % 2);
}

/** Bytes taken by the IFD and its out-of-line values. */
export function ifdByteLength(entries: readonly IfdEntry[]): number {
  let length = 2 + entries.length * 12 + 4;
  for (const entry of entries) {
    if (isOutOfLine(entry)) length += paddedToEven(valueByteLength(entry));
  }
  return length;
}

function writeValues(view: DataView, offset: number, entry: IfdEntry): void {
  const { values } = entry;
  if (typeof values === 'string') {
    for (let i = 0; i < values.length; i++) {
      const code = values.charCodeAt(i);
      if (code > 0x7f) throw new Error(`TIFF ASCII value for tag ${entry.tag} holds a non-ASCII character`);
      view.setUint8(offset + i, code);
    }
    view.setUint8(offset + values.length, 0);
    return;
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    switch (entry.type) {
      case 'short':
        view.setUint16(offset + i * 2, value, true);
        break;
      case 'long':
        view.setUint32(offset + i * 4, value, true);
        break;
      case 'double':
        view.setFloat64(offset + i * 8, value, true);
        break;
      case 'ascii':
        throw new Error(`tag ${entry.tag}: ASCII values must be given as a string`);
    }
  }
}

/**
 * Writes the IFD at `offset`, its out-of-line values right after it, and returns the offset
 * just past what was written.
 */
export function writeIfd(view: DataView, offset: number, entries: readonly IfdEntry[], nextIfdOffset: number): number {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.tag === sorted[i - 1]!.tag) throw new Error(`duplicate TIFF tag ${sorted[i]!.tag}`);
  }
  view.setUint16(offset, sorted.length, true);
  let outOfLineOffset = offset + 2 + sorted.length * 12 + 4;
  sorted.forEach((entry, index) => {
    const entryOffset = offset + 2 + index * 12;
    view.setUint16(entryOffset, entry.tag, true);
    view.setUint16(entryOffset + 2, FieldType[entry.type], true);
    view.setUint32(entryOffset + 4, valueCount(entry), true);
    if (isOutOfLine(entry)) {
      view.setUint32(entryOffset + 8, outOfLineOffset, true);
      writeValues(view, outOfLineOffset, entry);
      outOfLineOffset += paddedToEven(valueByteLength(entry));
    } else {
      // Short values are left-justified in the 4-byte slot; the rest stays zero.
      view.setUint32(entryOffset + 8, 0, true);
      writeValues(view, entryOffset + 8, entry);
    }
  });
  view.setUint32(offset + 2 + sorted.length * 12, nextIfdOffset, true);
  return outOfLineOffset;
}
