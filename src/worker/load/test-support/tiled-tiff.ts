/**
 * Writes small tiled GeoTIFFs for tests: little-endian, header and directories first (as in a
 * COG), optional overviews and deflate compression. Independent of the code under test.
 */
import { deflateSync } from 'node:zlib';
import { endianness } from 'node:os';
import type { Affine } from '../../../shared/geobox.js';
import { sampleTypeOf, type SampleArray, type SampleType } from '../../raster.js';

export interface TiffLevel {
  width: number;
  height: number;
  data: SampleArray;
}

export interface TiledTiffOptions {
  /** EPSG code. */
  epsg: number;
  /** North-up: [a, 0, c, 0, e, f]. */
  affine: Affine;
  nodata?: number;
  tileSize?: number;
  deflate?: boolean;
  /** Where the tie point names a pixel centre (GTRasterTypeGeoKey = PixelIsPoint). */
  pixelIsPoint?: boolean;
  /** With no NUL after GDAL_NODATA's text, as some writers leave it. */
  unterminatedNodata?: boolean;
}

const TYPE_SHORT = 3;
const TYPE_LONG = 4;
const TYPE_ASCII = 2;
const TYPE_DOUBLE = 12;

interface Entry {
  tag: number;
  type: number;
  values: number[] | string;
}

/** The full image first, then overviews, each a TIFF directory of tiles. */
export function encodeTiledTiff(levels: TiffLevel[], options: TiledTiffOptions): Uint8Array {
  if (endianness() !== 'LE') throw new Error('writes typed-array bytes as they are: little-endian hosts only');
  const tileSize = options.tileSize ?? 256;
  const full = levels[0]!;
  const sample = SAMPLE_FORMATS[sampleTypeOf(full.data)];
  const tiles = levels.map((level) => tileBytes(level, tileSize, options.deflate ?? false));
  const directories = levels.map((level, index) => {
    const entries: Entry[] = [
      { tag: 254, type: TYPE_LONG, values: [index === 0 ? 0 : 1] },
      { tag: 256, type: TYPE_LONG, values: [level.width] },
      { tag: 257, type: TYPE_LONG, values: [level.height] },
      { tag: 258, type: TYPE_SHORT, values: [sample.bits] },
      { tag: 259, type: TYPE_SHORT, values: [options.deflate ? 8 : 1] },
      { tag: 262, type: TYPE_SHORT, values: [1] },
      { tag: 277, type: TYPE_SHORT, values: [1] },
      { tag: 284, type: TYPE_SHORT, values: [1] },
      { tag: 322, type: TYPE_SHORT, values: [tileSize] },
      { tag: 323, type: TYPE_SHORT, values: [tileSize] },
      // Offsets are filled in once the layout is known.
      { tag: 324, type: TYPE_LONG, values: tiles[index]!.map(() => 0) },
      { tag: 325, type: TYPE_LONG, values: tiles[index]!.map((tile) => tile.length) },
      { tag: 339, type: TYPE_SHORT, values: [sample.format] },
    ];
    if (index === 0) {
      const [a, , c, , e, f] = options.affine;
      const geographic = options.epsg === 4326;
      const [x, y] = options.pixelIsPoint ? [c + a / 2, f + e / 2] : [c, f];
      entries.push(
        { tag: 33550, type: TYPE_DOUBLE, values: [a, -e, 0] },
        { tag: 33922, type: TYPE_DOUBLE, values: [0, 0, 0, x, y, 0] },
        {
          tag: 34735,
          type: TYPE_SHORT,
          // Version 1.1.0, three keys: model type, raster type, CRS code.
          values: [1, 1, 0, 3, 1024, 0, 1, geographic ? 2 : 1, 1025, 0, 1, options.pixelIsPoint ? 2 : 1]
            .concat([geographic ? 2048 : 3072, 0, 1, options.epsg]),
        },
      );
      if (options.nodata !== undefined) {
        const text = String(options.nodata);
        entries.push({ tag: 42113, type: TYPE_ASCII, values: options.unterminatedNodata ? text : `${text}\0` });
      }
    }
    return entries;
  });

  // Layout: header, directories with their out-of-line values, then tile data.
  let position = 8;
  const directoryOffsets: number[] = [];
  for (const entries of directories) {
    directoryOffsets.push(position);
    position += 2 + entries.length * 12 + 4;
    for (const entry of entries) position += padded(outOfLineSize(entry));
  }
  for (let index = 0; index < levels.length; index++) {
    const offsets = directories[index]!.find((entry) => entry.tag === 324)!.values as number[];
    tiles[index]!.forEach((tile, k) => {
      offsets[k] = position;
      position += tile.length;
    });
  }

  const bytes = new Uint8Array(position);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49]);
  view.setUint16(2, 42, true);
  view.setUint32(4, directoryOffsets[0]!, true);
  directories.forEach((entries, index) => {
    let at = directoryOffsets[index]!;
    let extra = at + 2 + entries.length * 12 + 4;
    view.setUint16(at, entries.length, true);
    at += 2;
    for (const entry of entries.sort((p, q) => p.tag - q.tag)) {
      const count = typeof entry.values === 'string' ? entry.values.length : entry.values.length;
      view.setUint16(at, entry.tag, true);
      view.setUint16(at + 2, entry.type, true);
      view.setUint32(at + 4, count, true);
      const size = outOfLineSize(entry);
      const target = size > 0 ? extra : at + 8;
      if (size > 0) {
        view.setUint32(at + 8, extra, true);
        extra += padded(size);
      }
      writeValues(view, target, entry);
      at += 12;
    }
    view.setUint32(at, index + 1 < directories.length ? directoryOffsets[index + 1]! : 0, true);
  });
  tiles.forEach((levelTiles, index) => {
    const offsets = directories[index]!.find((entry) => entry.tag === 324)!.values as number[];
    levelTiles.forEach((tile, k) => bytes.set(tile, offsets[k]));
  });
  return bytes;
}

const SAMPLE_FORMATS: Record<SampleType, { format: number; bits: number }> = {
  uint8: { format: 1, bits: 8 },
  uint16: { format: 1, bits: 16 },
  uint32: { format: 1, bits: 32 },
  int8: { format: 2, bits: 8 },
  int16: { format: 2, bits: 16 },
  int32: { format: 2, bits: 32 },
  float32: { format: 3, bits: 32 },
  float64: { format: 3, bits: 64 },
};

function valueSize(type: number): number {
  return type === TYPE_DOUBLE ? 8 : type === TYPE_LONG ? 4 : type === TYPE_SHORT ? 2 : 1;
}

/** Bytes stored outside the entry; 0 where the values fit in its 4 bytes. */
function outOfLineSize(entry: Entry): number {
  const size = entry.values.length * valueSize(entry.type);
  return size > 4 ? size : 0;
}

function padded(size: number): number {
  return size + (size % 2);
}

function writeValues(view: DataView, at: number, entry: Entry): void {
  const { values, type } = entry;
  if (typeof values === 'string') {
    for (let k = 0; k < values.length; k++) view.setUint8(at + k, values.charCodeAt(k));
    return;
  }
  values.forEach((value, k) => {
    if (type === TYPE_DOUBLE) view.setFloat64(at + 8 * k, value, true);
    else if (type === TYPE_LONG) view.setUint32(at + 4 * k, value, true);
    else view.setUint16(at + 2 * k, value, true);
  });
}

/** Each tile's bytes, row by row of tiles; edge tiles padded with zeros to the full tile size. */
function tileBytes(level: TiffLevel, tileSize: number, deflate: boolean): Uint8Array[] {
  const { width, height, data } = level;
  const Type = data.constructor as new (length: number) => SampleArray;
  const tiles: Uint8Array[] = [];
  for (let ty = 0; ty < Math.ceil(height / tileSize); ty++) {
    for (let tx = 0; tx < Math.ceil(width / tileSize); tx++) {
      const tile = new Type(tileSize * tileSize);
      for (let y = 0; y < tileSize && ty * tileSize + y < height; y++) {
        const start = (ty * tileSize + y) * width + tx * tileSize;
        const count = Math.min(tileSize, width - tx * tileSize);
        tile.set(data.subarray(start, start + count), y * tileSize);
      }
      const raw = new Uint8Array(tile.buffer, tile.byteOffset, tile.byteLength);
      tiles.push(deflate ? new Uint8Array(deflateSync(raw)) : raw);
    }
  }
  return tiles;
}
