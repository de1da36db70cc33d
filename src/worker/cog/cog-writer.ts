/**
 * Cloud-Optimised GeoTIFF encoder, laid out as GDAL's COG driver lays files out (what GDAL
 * reports as LAYOUT=COG):
 *
 *   header · GDAL ghost area · IFD full resolution · IFD overview 1 · … · IFD smallest overview
 *   · tiles of the smallest overview · … · tiles of overview 1 · tiles of the full resolution
 *
 * Each tile is preceded by its byte count (uint32) and followed by a copy of its last 4 bytes,
 * as the ghost area declares, so readers can fetch several tiles in one request and check them.
 * Classic TIFF only (32-bit offsets).
 *
 * Two kinds of image share that one implementation (`encodeTiledCog`): a single band of any
 * sample type (`encodeCog`), and 8-bit RGBA previews (`encodeRgbaCog`), whose four samples
 * are pixel-interleaved (PlanarConfiguration 1) in each tile.
 */
import { isGeographicCrs } from '../../shared/crs.js';
import type { GeoBox } from '../../shared/geobox.js';
import { sampleTypeOf, type Raster, type SampleArray, type SampleType } from '../raster.js';
import {
  defaultOverviewFactors,
  overviewSizes,
  resampleOverview,
  resampleWithAlpha,
  type OverviewResampling,
} from './overviews.js';
import { encodeTiles, type PixelGrid, type Predictor, type TileEncoding } from './tiles.js';
import { checkClassicTiffLength, ifdByteLength, Tag, writeIfd, type IfdEntry } from './tiff-ifd.js';

type CogCompression = 'deflate' | 'none';

export interface CogOptions {
  /** Default deflate; odc-stats/rio-cogeo spellings ('DEFLATE', 'NONE') are accepted too. */
  compress?: CogCompression | Uppercase<CogCompression>;
  /** zlib level 0–9, default 6. */
  zlevel?: number;
  /** Default 'auto': 2 (horizontal) for integers, 3 (floating point) for floats; always 1 without compression. */
  predictor?: Predictor | 'auto';
  /** Tile width and height in pixels, a multiple of 16; default 512. */
  blocksize?: number;
  /**
   * Default nearest for `encodeCog`, average for `encodeRgbaCog` (which takes nearest or
   * average only).
   */
  overviewResampling?: OverviewResampling | Uppercase<OverviewResampling>;
  /** Overview decimation factors, e.g. [2, 4, 8, 16]; default: halve until the image fits in one tile. */
  overviewLevels?: readonly number[];
}

export interface ResolvedOptions {
  compression: CogCompression;
  zlevel: number;
  predictor: Predictor;
  tileSize: number;
  resampling: OverviewResampling;
  overviewFactors: readonly number[] | null;
}

const COMPRESSION_CODE: Record<CogCompression, number> = { none: 1, deflate: 8 };

interface SampleLayout {
  bitsPerSample: number;
  /** TIFF SampleFormat: 1 unsigned integer, 2 signed integer, 3 IEEE float. */
  sampleFormat: 1 | 2 | 3;
  min: number;
  max: number;
}

const SAMPLE_LAYOUT: Record<SampleType, SampleLayout> = {
  uint8: { bitsPerSample: 8, sampleFormat: 1, min: 0, max: 2 ** 8 - 1 },
  int8: { bitsPerSample: 8, sampleFormat: 2, min: -(2 ** 7), max: 2 ** 7 - 1 },
  uint16: { bitsPerSample: 16, sampleFormat: 1, min: 0, max: 2 ** 16 - 1 },
  int16: { bitsPerSample: 16, sampleFormat: 2, min: -(2 ** 15), max: 2 ** 15 - 1 },
  uint32: { bitsPerSample: 32, sampleFormat: 1, min: 0, max: 2 ** 32 - 1 },
  int32: { bitsPerSample: 32, sampleFormat: 2, min: -(2 ** 31), max: 2 ** 31 - 1 },
  float32: { bitsPerSample: 32, sampleFormat: 3, min: -Infinity, max: Infinity },
  float64: { bitsPerSample: 64, sampleFormat: 3, min: -Infinity, max: Infinity },
};

/**
 * GDAL's structural metadata, read by GDAL right after the 8-byte header. The trailing space
 * is GDAL's too: it lets GDAL rewrite "NO" as "YES" in place when a file is edited.
 */
const GHOST_AREA_BODY =
  'LAYOUT=IFDS_BEFORE_DATA\n' +
  'BLOCK_ORDER=ROW_MAJOR\n' +
  'BLOCK_LEADER=SIZE_AS_UINT4\n' +
  'BLOCK_TRAILER=LAST_4_BYTES_REPEATED\n' +
  'KNOWN_INCOMPATIBLE_EDITION=NO\n ';
const GHOST_AREA =
  `GDAL_STRUCTURAL_METADATA_SIZE=${String(GHOST_AREA_BODY.length).padStart(6, '0')} bytes\n` + GHOST_AREA_BODY;

const TIFF_HEADER_BYTES = 8;
const BLOCK_LEADER_BYTES = 4;
const BLOCK_TRAILER_BYTES = 4;

export function resolveOptions(options: CogOptions, type: SampleType, defaultResampling: OverviewResampling): ResolvedOptions {
  const compression = (options.compress ?? 'deflate').toLowerCase();
  if (compression !== 'deflate' && compression !== 'none') {
    throw new Error(`COG compress '${options.compress}' is not supported: use 'deflate' or 'none'`);
  }
  const zlevel = options.zlevel ?? 6;
  if (!Number.isInteger(zlevel) || zlevel < 0 || zlevel > 9) {
    throw new Error(`COG zlevel ${zlevel} must be an integer from 0 to 9`);
  }
  const tileSize = options.blocksize ?? 512;
  if (!Number.isInteger(tileSize) || tileSize < 16 || tileSize % 16 !== 0 || tileSize > 65520) {
    throw new Error(`COG blocksize ${tileSize} must be a multiple of 16 (TIFF tiles), from 16 to 65520`);
  }
  const resampling = (options.overviewResampling ?? defaultResampling).toLowerCase();
  if (resampling !== 'nearest' && resampling !== 'average' && resampling !== 'mode') {
    throw new Error(
      `COG overview resampling '${options.overviewResampling}' is not supported: use nearest, average or mode`,
    );
  }
  const predictor = resolvePredictor(options.predictor ?? 'auto', compression, type);
  return {
    compression,
    zlevel,
    predictor,
    tileSize,
    resampling,
    overviewFactors: options.overviewLevels ?? null,
  };
}

function resolvePredictor(requested: NonNullable<CogOptions['predictor']>, compression: string, type: SampleType): Predictor {
  const isFloat = SAMPLE_LAYOUT[type].sampleFormat === 3;
  // TIFF predictors are defined only as a step before LZW/Deflate-style compression.
  if (compression === 'none') return 1;
  if (requested === 'auto') return isFloat ? 3 : 2;
  if (requested === 2 && isFloat) throw new Error(`COG predictor 2 (horizontal) is for integer bands; use 3 for ${type}`);
  if (requested === 3 && !isFloat) throw new Error(`COG predictor 3 (floating point) is for float bands; use 2 for ${type}`);
  if (requested === 1 || requested === 2 || requested === 3) return requested;
  throw new Error(`COG predictor ${String(requested)} must be 1, 2, 3 or 'auto'`);
}

function checkBand(band: Raster): void {
  const { width, height } = band.geobox;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`COG band size ${width} × ${height} must be positive integers`);
  }
  if (band.data.length !== width * height) {
    throw new Error(`COG band holds ${band.data.length} samples, but its geobox is ${width} × ${height}`);
  }
  checkNodata(sampleTypeOf(band.data), band.nodata);
}

function checkNodata(type: SampleType, nodata: number | null): void {
  if (nodata === null) return;
  const { sampleFormat, min, max } = SAMPLE_LAYOUT[type];
  if (sampleFormat !== 3 && !(Number.isInteger(nodata) && nodata >= min && nodata <= max)) {
    throw new Error(`COG nodata ${nodata} cannot be stored in a ${type} band`);
  }
}

/** How a single-band COG describes itself; edge tiles are padded with nodata (0 when unset). */
export function bandImage(geobox: GeoBox, type: SampleType, nodata: number | null): ImageDescription {
  checkNodata(type, nodata);
  return {
    geobox,
    type,
    samplesPerPixel: 1,
    photometric: PHOTOMETRIC.blackIsZero,
    extraSamples: [],
    nodata,
    fill: nodata ?? 0,
    description: `a ${geobox.width} × ${geobox.height} ${type} band`,
  };
}

/** How an RGBA COG (see encodeRgbaCog) describes itself. */
export function rgbaImage(geobox: GeoBox): ImageDescription {
  return {
    geobox,
    type: 'uint8',
    samplesPerPixel: 4,
    photometric: PHOTOMETRIC.rgb,
    extraSamples: [EXTRA_SAMPLE_UNASSOCIATED_ALPHA],
    nodata: null,
    fill: 0,
    description: `a ${geobox.width} × ${geobox.height} RGBA image`,
  };
}

function epsgCode(crs: string): number {
  const match = /^EPSG:(\d+)$/i.exec(crs.trim());
  if (!match) throw new Error(`COG CRS '${crs}' must be an EPSG code ('EPSG:NNNN')`);
  return Number(match[1]);
}

/** GeoTIFF keys: model type, PixelIsArea and the CRS as an EPSG code. */
function geoKeyDirectory(crs: string): number[] {
  const code = epsgCode(crs);
  const geographic = isGeographicCrs(crs);
  const modelTypeProjected = 1;
  const modelTypeGeographic = 2;
  const rasterPixelIsArea = 1;
  const keys: Array<[number, number]> = [
    [1024, geographic ? modelTypeGeographic : modelTypeProjected], // GTModelTypeGeoKey
    [1025, rasterPixelIsArea], // GTRasterTypeGeoKey
    geographic ? [2048, code] : [3072, code], // GeographicTypeGeoKey / ProjectedCSTypeGeoKey
  ];
  // Header: directory version 1, key revision 1.0, number of keys; then per key: id, where the
  // value lives (0: in the directory itself), count, value.
  return [1, 1, 0, keys.length, ...keys.flatMap(([id, value]) => [id, 0, 1, value])];
}

/** ModelPixelScale and ModelTiepoint for a north-up affine; anything else cannot be written so. */
function georeferencing(geobox: GeoBox): { pixelScale: number[]; tiepoint: number[] } {
  const [a, b, c, d, e, f] = geobox.affine;
  if (b !== 0 || d !== 0) {
    throw new Error(`COG writer supports north-up geoboxes only; affine [${geobox.affine.join(', ')}] is rotated`);
  }
  if (!(a > 0) || !(e < 0)) {
    throw new Error(
      'COG writer supports north-up geoboxes only (positive x and negative y pixel size); ' +
        `affine [${geobox.affine.join(', ')}]`,
    );
  }
  return { pixelScale: [a, -e, 0], tiepoint: [0, 0, 0, c, f, 0] };
}

/** GDAL_NODATA is ASCII, in the spellings GDAL parses and writes. */
function nodataText(nodata: number): string {
  if (Number.isNaN(nodata)) return 'nan';
  if (nodata === Infinity) return 'inf';
  if (nodata === -Infinity) return '-inf';
  return String(nodata);
}

interface Level {
  width: number;
  height: number;
  isOverview: boolean;
  tileOffsets: Uint32Array;
  tileByteCounts: Uint32Array;
  entries: IfdEntry[];
}

/** One resolution level as the file's layout needs it: its size and its encoded tiles' byte counts, row-major. */
export interface LevelTiles {
  width: number;
  height: number;
  tileLengths: ArrayLike<number>;
}

/** TIFF PhotometricInterpretation values the writer uses. */
const PHOTOMETRIC = { blackIsZero: 1, rgb: 2 } as const;

/** TIFF ExtraSamples value for alpha that is not premultiplied into the colours. */
const EXTRA_SAMPLE_UNASSOCIATED_ALPHA = 2;

/** What the file says about an image, whatever its samples: what differs between single-band and RGBA files. */
export interface ImageDescription {
  geobox: GeoBox;
  type: SampleType;
  samplesPerPixel: number;
  photometric: (typeof PHOTOMETRIC)[keyof typeof PHOTOMETRIC];
  /** TIFF ExtraSamples: one value per sample beyond the photometric's colour channels. */
  extraSamples: readonly number[];
  /** Written as GDAL_NODATA when set. */
  nodata: number | null;
  /** What pads edge tiles, every sample of a padding pixel. */
  fill: number;
  /** What the file holds, for error messages ("a 300 × 200 int16 band"). */
  description: string;
}

/** An image as the in-memory encoder takes it. */
interface TiledImage extends ImageDescription {
  /** Full-resolution samples, row-major, `samplesPerPixel` interleaved per pixel. */
  data: SampleArray;
  /** A `width × height` overview computed from the full-resolution pixels. */
  overview(base: PixelGrid, width: number, height: number): SampleArray;
}

function levelEntries(
  level: Omit<Level, 'entries'>,
  image: ImageDescription,
  type: SampleType,
  options: ResolvedOptions,
): IfdEntry[] {
  const { bitsPerSample, sampleFormat } = SAMPLE_LAYOUT[type];
  const perSample = (value: number): number[] => new Array<number>(image.samplesPerPixel).fill(value);
  const entries: IfdEntry[] = [
    { tag: Tag.imageWidth, type: 'long', values: [level.width] },
    { tag: Tag.imageLength, type: 'long', values: [level.height] },
    { tag: Tag.bitsPerSample, type: 'short', values: perSample(bitsPerSample) },
    { tag: Tag.compression, type: 'short', values: [COMPRESSION_CODE[options.compression]] },
    { tag: Tag.photometricInterpretation, type: 'short', values: [image.photometric] },
    { tag: Tag.samplesPerPixel, type: 'short', values: [image.samplesPerPixel] },
    { tag: Tag.planarConfiguration, type: 'short', values: [1] }, // pixel-interleaved ("chunky")
    { tag: Tag.tileWidth, type: 'short', values: [options.tileSize] },
    { tag: Tag.tileLength, type: 'short', values: [options.tileSize] },
    { tag: Tag.tileOffsets, type: 'long', values: level.tileOffsets },
    { tag: Tag.tileByteCounts, type: 'long', values: level.tileByteCounts },
    { tag: Tag.sampleFormat, type: 'short', values: perSample(sampleFormat) },
  ];
  if (image.extraSamples.length > 0) {
    entries.push({ tag: Tag.extraSamples, type: 'short', values: image.extraSamples });
  }
  if (level.isOverview) entries.push({ tag: Tag.newSubfileType, type: 'long', values: [1] }); // reduced resolution
  if (options.predictor !== 1) entries.push({ tag: Tag.predictor, type: 'short', values: [options.predictor] });
  if (image.nodata !== null) entries.push({ tag: Tag.gdalNoData, type: 'ascii', values: nodataText(image.nodata) });
  return entries;
}

/** The whole COG file: levels, IFDs and tiles, for either kind of image. */
function encodeTiledCog(image: TiledImage, resolved: ResolvedOptions): Uint8Array {
  const tiles = encodeLevels(image, resolved);
  const { head, tileOffsets, fileLength } = layOutCog(image, resolved, tiles);
  const file = new Uint8Array(fileLength);
  const view = new DataView(file.buffer);
  file.set(head);
  tiles.forEach((level, l) => {
    level.tiles.forEach((tile, index) => {
      if (tile.length === 0) return;
      const dataOffset = tileOffsets[l]![index]!;
      view.setUint32(dataOffset - BLOCK_LEADER_BYTES, tile.length, true);
      file.set(tile, dataOffset);
      // Tiles are never under 4 bytes: a zlib stream has at least 8, a raw tile 16 × 16 samples.
      file.set(tile.subarray(tile.length - BLOCK_TRAILER_BYTES), dataOffset + tile.length);
    });
  });
  return file;
}

/**
 * The file's head — header, ghost area and IFDs, everything before the first tile — and the
 * offset of each tile's data (level by level, row-major), for levels whose tiles are encoded
 * already (full resolution first). The tiles follow the head, smallest level first, each
 * between its byte count and a copy of its last 4 bytes.
 */
export function layOutCog(
  image: ImageDescription,
  resolved: ResolvedOptions,
  levelTiles: readonly LevelTiles[],
): { head: Uint8Array; tileOffsets: Uint32Array[]; fileLength: number } {
  const { pixelScale, tiepoint } = georeferencing(image.geobox);
  const geoKeys = geoKeyDirectory(image.geobox.crs);
  const levels = levelTiles.map((tiles, index): Level => {
    const count = tiles.tileLengths.length;
    const level = { width: tiles.width, height: tiles.height, isOverview: index > 0, tileOffsets: new Uint32Array(count), tileByteCounts: new Uint32Array(count) };
    return { ...level, entries: levelEntries(level, image, image.type, resolved) };
  });
  levels[0]!.entries.push(
    { tag: Tag.modelPixelScale, type: 'double', values: pixelScale },
    { tag: Tag.modelTiepoint, type: 'double', values: tiepoint },
    { tag: Tag.geoKeyDirectory, type: 'short', values: geoKeys },
  );
  const { ifdOffsets, headLength, fileLength } = layOutFile(levels, levelTiles);
  checkClassicTiffLength(fileLength, image.description);
  return { head: writeHead(levels, ifdOffsets, headLength), tileOffsets: levels.map((l) => l.tileOffsets), fileLength };
}

/** The full-resolution image and its overviews, each cut into encoded tiles. */
function encodeLevels(image: TiledImage, resolved: ResolvedOptions): Array<LevelTiles & { tiles: Uint8Array[] }> {
  const { geobox, samplesPerPixel } = image;
  const encoding = tileEncoding(image, resolved);
  const base: PixelGrid = { width: geobox.width, height: geobox.height, samplesPerPixel, data: image.data };
  // Each overview's samples are dropped once its tiles are encoded; only the tiles are kept.
  return levelSizes(geobox.width, geobox.height, resolved).map(({ width, height }, index) => {
    const grid: PixelGrid =
      index === 0 ? base : { width, height, samplesPerPixel, data: image.overview(base, width, height) };
    const tiles = encodeTiles(grid, encoding);
    return { width, height, tiles, tileLengths: tiles.map((t) => t.length) };
  });
}

/** How the image's tiles are encoded. */
export function tileEncoding(image: ImageDescription, resolved: ResolvedOptions): TileEncoding {
  return {
    tileSize: resolved.tileSize,
    compression: resolved.compression,
    zlevel: resolved.zlevel,
    predictor: resolved.predictor,
    fill: image.fill,
    samplesPerPixel: image.samplesPerPixel,
  };
}

/** The full resolution's size, then each overview's. */
export function levelSizes(width: number, height: number, resolved: ResolvedOptions): Array<{ width: number; height: number }> {
  const factors = resolved.overviewFactors ?? defaultOverviewFactors(width, height, resolved.tileSize);
  return [{ width, height }, ...overviewSizes(width, height, factors)];
}

/**
 * Places the IFDs in level order (full resolution first) after the header and ghost area, then
 * the tile data, smallest level first, each tile between its leader and trailer; fills in the
 * levels' tile offsets and byte counts.
 */
function layOutFile(levels: Level[], levelTiles: readonly LevelTiles[]): { ifdOffsets: number[]; headLength: number; fileLength: number } {
  const ghostAreaEnd = TIFF_HEADER_BYTES + GHOST_AREA.length;
  const ifdOffsets: number[] = [];
  let offset = ghostAreaEnd + (ghostAreaEnd % 2);
  for (const level of levels) {
    ifdOffsets.push(offset);
    offset += ifdByteLength(level.entries);
  }
  const headLength = offset;
  for (let l = levels.length - 1; l >= 0; l--) {
    const level = levels[l]!;
    const lengths = levelTiles[l]!.tileLengths;
    for (let index = 0; index < lengths.length; index++) {
      // A sparse tile (no bytes) has offset and byte count 0, and no leader or trailer.
      if (lengths[index] === 0) continue;
      offset += BLOCK_LEADER_BYTES;
      level.tileOffsets[index] = offset;
      level.tileByteCounts[index] = lengths[index]!;
      offset += lengths[index]! + BLOCK_TRAILER_BYTES;
    }
  }
  return { ifdOffsets, headLength, fileLength: offset };
}

/** The file's head: header, ghost area and IFDs where layOutFile put them. */
function writeHead(levels: Level[], ifdOffsets: number[], headLength: number): Uint8Array {
  const head = new Uint8Array(headLength);
  const view = new DataView(head.buffer);
  view.setUint8(0, 0x49); // 'II': little-endian
  view.setUint8(1, 0x49);
  view.setUint16(2, 42, true);
  view.setUint32(4, ifdOffsets[0]!, true);
  for (let i = 0; i < GHOST_AREA.length; i++) head[TIFF_HEADER_BYTES + i] = GHOST_AREA.charCodeAt(i);
  levels.forEach((level, index) => {
    writeIfd(view, ifdOffsets[index]!, level.entries, ifdOffsets[index + 1] ?? 0);
  });
  return head;
}

/**
 * The whole COG file for one band. Overviews are computed from the full-resolution samples with
 * `overviewResampling`; edge tiles are padded with nodata (0 when nodata is unset).
 */
export function encodeCog(band: Raster, options: CogOptions = {}): Uint8Array {
  checkBand(band);
  const type = sampleTypeOf(band.data);
  const resolved = resolveOptions(options, type, 'nearest');
  const { geobox, nodata } = band;
  return encodeTiledCog(
    {
      ...bandImage(geobox, type, nodata),
      data: band.data,
      overview: (base, width, height) => resampleOverview(base, width, height, resolved.resampling, nodata),
    },
    resolved,
  );
}

/**
 * The whole COG file for an 8-bit RGBA image (e.g. a quicklook from `renderRgb`): `rgba` holds
 * `width × height` pixels of the geobox, row-major, 4 bytes each (red, green, blue, alpha).
 *
 * Written as GDAL writes an RGBA GTiff/COG: 4 uint8 samples per pixel, pixel-interleaved
 * (PlanarConfiguration 1), PhotometricInterpretation RGB, the 4th sample unassociated alpha
 * (ExtraSamples 2), so GDAL reports bands Red, Green, Blue and Alpha. The horizontal predictor
 * (2, the default with deflate) differences each sample with the same sample of the previous
 * pixel. No GDAL_NODATA: alpha 0 marks missing pixels, and pads edge tiles (all samples 0).
 *
 * Overviews default to `average`, which does what GDAL's `-r average` does with an alpha band:
 * colours are averaged over the source pixels whose alpha is non-zero, and alpha, used as its
 * own mask, is averaged over the same pixels, so an overview pixel is opaque wherever any
 * source pixel under it is (exactly 255 for 0/255 alpha) and transparent black only where all
 * are transparent. `nearest` copies whole pixels; `mode` is refused.
 */
export function encodeRgbaCog(rgba: Uint8Array, geobox: GeoBox, options: CogOptions = {}): Uint8Array {
  const { width, height } = geobox;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`COG RGBA size ${width} × ${height} must be positive integers`);
  }
  if (!(rgba instanceof Uint8Array)) throw new Error('COG RGBA samples must be a Uint8Array');
  if (rgba.length !== width * height * 4) {
    throw new Error(`COG RGBA holds ${rgba.length} bytes, but its geobox is ${width} × ${height} (× 4 bytes)`);
  }
  const resolved = resolveOptions(options, 'uint8', 'average');
  const resampling = resolved.resampling;
  if (resampling === 'mode') {
    throw new Error("COG RGBA overview resampling 'mode' is not supported: use average or nearest");
  }
  return encodeTiledCog(
    {
      ...rgbaImage(geobox),
      data: rgba,
      overview: (base, overviewWidth, overviewHeight) => resampleWithAlpha(base, overviewWidth, overviewHeight, resampling),
    },
    resolved,
  );
}
