/**
 * Structural checks of a Cloud-Optimised GeoTIFF, after the rules of GDAL's
 * validate_cloud_optimized_geotiff.py (written from its documented rules, not its code):
 *
 * - the first IFD follows the header directly, or GDAL's ghost area when there is one;
 * - every image is tiled; the full-resolution image comes first, then reduced-resolution
 *   overviews of decreasing size, and all IFDs come before any tile data;
 * - tile data runs smallest overview first and full resolution last, each image's tiles in
 *   increasing offsets (row-major);
 * - when the ghost area declares BLOCK_LEADER / BLOCK_TRAILER, each tile is preceded by its
 *   byte count and followed by its last 4 bytes.
 *
 * Classic TIFF only. For the tests of the COG writer; the app itself does not validate COGs.
 */

export interface CogCheck {
  errors: string[];
  warnings: string[];
  /** Keys and values of GDAL's ghost area, empty when the file has none. */
  structuralMetadata: Record<string, string>;
  images: CogImageSummary[];
}

interface CogImageSummary {
  ifdOffset: number;
  width: number;
  height: number;
  reducedResolution: boolean;
  tileWidth: number | null;
  tileHeight: number | null;
  tileOffsets: number[];
  tileByteCounts: number[];
}

const GHOST_AREA_KEY = 'GDAL_STRUCTURAL_METADATA_SIZE=';

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8 };

class TiffReader {
  readonly view: DataView;
  readonly littleEndian: boolean;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const order = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
    if (order !== 'II' && order !== 'MM') throw new Error('not a TIFF file (no II/MM byte-order mark)');
    this.littleEndian = order === 'II';
    const version = this.view.getUint16(2, this.littleEndian);
    if (version === 43) throw new Error('BigTIFF files are not checked');
    if (version !== 42) throw new Error(`not a TIFF file (version ${version})`);
  }

  uint16(offset: number): number {
    return this.view.getUint16(offset, this.littleEndian);
  }

  uint32(offset: number): number {
    return this.view.getUint32(offset, this.littleEndian);
  }

  /** The integer values of a SHORT or LONG entry; null for the tag missing. */
  integerValues(entries: Map<number, number>, tag: number): number[] | null {
    const entryOffset = entries.get(tag);
    if (entryOffset === undefined) return null;
    const type = this.uint16(entryOffset + 2);
    const count = this.uint32(entryOffset + 4);
    const size = TYPE_SIZES[type] ?? 0;
    if (type !== 3 && type !== 4) throw new Error(`tag ${tag} has type ${type}, expected SHORT or LONG`);
    const valuesOffset = size * count <= 4 ? entryOffset + 8 : this.uint32(entryOffset + 8);
    if (valuesOffset + size * count > this.bytes.length) throw new Error(`tag ${tag} values lie past the end of the file`);
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      values.push(type === 3 ? this.uint16(valuesOffset + i * 2) : this.uint32(valuesOffset + i * 4));
    }
    return values;
  }
}

interface GhostArea {
  metadata: Record<string, string>;
  /** Offset just past the ghost area. */
  end: number;
}

function readGhostArea(bytes: Uint8Array, errors: string[]): GhostArea | null {
  const headerEnd = 8;
  const keyEnd = headerEnd + GHOST_AREA_KEY.length;
  const key = String.fromCharCode(...bytes.subarray(headerEnd, keyEnd));
  if (key !== GHOST_AREA_KEY) return null;
  const sizeText = String.fromCharCode(...bytes.subarray(keyEnd, keyEnd + 6));
  const lineEnd = bytes.indexOf(0x0a, keyEnd);
  if (!/^\d{6}$/.test(sizeText) || lineEnd < 0) {
    errors.push(`malformed ghost area header '${sizeText}'`);
    return null;
  }
  const end = lineEnd + 1 + Number(sizeText);
  const metadata: Record<string, string> = {};
  for (const line of String.fromCharCode(...bytes.subarray(lineEnd + 1, end)).split('\n')) {
    const separator = line.indexOf('=');
    if (separator > 0) metadata[line.slice(0, separator)] = line.slice(separator + 1);
  }
  return { metadata, end };
}

function readImages(reader: TiffReader, errors: string[]): CogImageSummary[] {
  const images: CogImageSummary[] = [];
  const visited = new Set<number>();
  let ifdOffset = reader.uint32(4);
  while (ifdOffset !== 0) {
    if (visited.has(ifdOffset) || ifdOffset + 2 > reader.bytes.length) {
      errors.push(`IFD chain is broken at offset ${ifdOffset}`);
      break;
    }
    visited.add(ifdOffset);
    const count = reader.uint16(ifdOffset);
    const entries = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const entryOffset = ifdOffset + 2 + i * 12;
      entries.set(reader.uint16(entryOffset), entryOffset);
    }
    const single = (tag: number): number | null => reader.integerValues(entries, tag)?.[0] ?? null;
    images.push({
      ifdOffset,
      width: single(256) ?? 0,
      height: single(257) ?? 0,
      reducedResolution: ((single(254) ?? 0) & 1) === 1,
      tileWidth: single(322),
      tileHeight: single(323),
      tileOffsets: reader.integerValues(entries, 324) ?? [],
      tileByteCounts: reader.integerValues(entries, 325) ?? [],
    });
    ifdOffset = reader.uint32(ifdOffset + 2 + count * 12);
  }
  return images;
}

function checkTileFraming(
  reader: TiffReader,
  image: CogImageSummary,
  label: string,
  metadata: Record<string, string>,
  errors: string[],
): void {
  const hasLeader = metadata['BLOCK_LEADER'] === 'SIZE_AS_UINT4';
  const hasTrailer = metadata['BLOCK_TRAILER'] === 'LAST_4_BYTES_REPEATED';
  image.tileOffsets.forEach((offset, index) => {
    const byteCount = image.tileByteCounts[index] ?? 0;
    if (byteCount === 0) return;
    if (offset + byteCount > reader.bytes.length) {
      errors.push(`${label}: tile ${index} lies past the end of the file`);
      return;
    }
    if (hasLeader && (offset < 4 || reader.uint32(offset - 4) !== byteCount)) {
      errors.push(`${label}: tile ${index} leader does not hold its byte count ${byteCount}`);
    }
    if (hasTrailer && byteCount >= 4) {
      const last = reader.bytes.subarray(offset + byteCount - 4, offset + byteCount);
      const trailer = reader.bytes.subarray(offset + byteCount, offset + byteCount + 4);
      if (trailer.length !== 4 || !last.every((byte, i) => byte === trailer[i])) {
        errors.push(`${label}: tile ${index} trailer does not repeat its last 4 bytes`);
      }
    }
  });
}

/** Checks `bytes` against the COG layout rules above; an empty `errors` means a valid COG. */
export function checkCogLayout(bytes: Uint8Array): CogCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  const reader = new TiffReader(bytes);
  const ghostArea = readGhostArea(bytes, errors);
  const structuralMetadata = ghostArea?.metadata ?? {};
  const images = readImages(reader, errors);
  const check: CogCheck = { errors, warnings, structuralMetadata, images };
  const main = images[0];
  if (main === undefined) {
    errors.push('the file has no image');
    return check;
  }

  if (main.ifdOffset !== 8 && (ghostArea === null || main.ifdOffset < ghostArea.end)) {
    errors.push(`the main IFD should be at byte 8, or just after GDAL's ghost area; it is at ${main.ifdOffset}`);
  }
  if (main.reducedResolution) errors.push('the first IFD is a reduced-resolution image');

  images.forEach((image, index) => {
    const label = index === 0 ? 'main image' : `overview ${index}`;
    if (image.tileWidth === null || image.tileHeight === null) {
      errors.push(`${label} is not tiled`);
    } else {
      const expected = Math.ceil(image.width / image.tileWidth) * Math.ceil(image.height / image.tileHeight);
      if (image.tileOffsets.length !== expected || image.tileByteCounts.length !== expected) {
        errors.push(`${label} should have ${expected} tile offsets and byte counts`);
      }
    }
    if (index === 0) return;
    const previous = images[index - 1]!;
    if (!image.reducedResolution) errors.push(`${label} is not marked reduced-resolution (NewSubfileType 1)`);
    if (image.ifdOffset <= previous.ifdOffset) {
      errors.push(`${label} IFD is at ${image.ifdOffset}, before the IFD of the image before it (${previous.ifdOffset})`);
    }
    const sameSize = image.width === previous.width && image.height === previous.height;
    if (image.width > previous.width || image.height > previous.height || sameSize) {
      errors.push(`${label} (${image.width} × ${image.height}) is not smaller than the image before it`);
    }
  });
  if ((main.width > 512 || main.height > 512) && images.length === 1) {
    warnings.push('the image is larger than 512 pixels but has no overviews');
  }

  const lastIfdOffset = Math.max(...images.map((image) => image.ifdOffset));
  images.forEach((image, index) => {
    const label = index === 0 ? 'main image' : `overview ${index}`;
    const used = image.tileOffsets.filter((_, i) => (image.tileByteCounts[i] ?? 0) > 0);
    if (used.some((offset) => offset < lastIfdOffset)) errors.push(`${label} has tile data before the last IFD`);
    for (let i = 1; i < used.length; i++) {
      if (used[i]! <= used[i - 1]!) {
        errors.push(`${label} tiles are not in increasing offset order (tile ${i})`);
        break;
      }
    }
    checkTileFraming(reader, image, label, structuralMetadata, errors);
  });
  // Data order: each image's first tile comes after the last tile of the next smaller image.
  for (let index = 0; index + 1 < images.length; index++) {
    const larger = images[index]!;
    const smaller = images[index + 1]!;
    // reduce, not Math.min(...spread): a large image has more tiles than a call takes arguments.
    // Sparse tiles (byte count 0, offset 0) hold no data and are left out.
    const largerFirst = larger.tileOffsets.reduce((first, offset, i) => ((larger.tileByteCounts[i] ?? 0) > 0 ? Math.min(first, offset) : first), Infinity);
    const smallerLastEnd = smaller.tileOffsets.reduce(
      (last, offset, i) => Math.max(last, offset + (smaller.tileByteCounts[i] ?? 0)),
      -Infinity,
    );
    if (largerFirst < smallerLastEnd) {
      const largerLabel = index === 0 ? 'main image' : `overview ${index}`;
      errors.push(`${largerLabel} tile data should come after all of overview ${index + 1}'s`);
    }
  }
  return check;
}
