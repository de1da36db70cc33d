/**
 * Cloud-Optimised GeoTIFF encoder, laid out as GDAL's COG driver lays files out (what GDAL
 * reports as LAYOUT=COG):
 *
 *   header · GDAL ghost area · IFD full resolution · IFD overview 1 · … · IFD smallest overview
 *   · tiles of the smallest overview · … · tiles of overview 1 · tiles of the full resolution
 *
 * Each tile is preceded by its byte count (uint32) and followed by a copy of its last 4 bytes,
 * as the ghost area declares, so readers can fetch several tiles in one request and check them.
 * With JPEG the alpha goes to a mask: each level's IFD is followed by its mask's, and each tile
 * by its mask tile (MASK_INTERLEAVED_WITH_IMAGERY). Classic TIFF only (32-bit offsets).
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
import { encodeTiles, type EncodedTile, type PixelGrid, type Predictor, type TileCompression, type TileEncoding } from './tiles.js';
import { checkClassicTiffLength, ifdByteLength, Tag, writeIfd, type IfdEntry } from './tiff-ifd.js';

type CogCompression = TileCompression;
const COMPRESSIONS: readonly CogCompression[] = ['deflate', 'lzw', 'zstd', 'jpeg', 'webp', 'none'];
/** Compressions of 8-bit RGB(A) images only, as in GDAL. */
const IMAGE_ONLY_COMPRESSIONS: readonly CogCompression[] = ['jpeg', 'webp'];

export interface CogOptions {
  /**
   * Default deflate; odc-stats/GDAL spellings ('DEFLATE', 'LZW', …) are accepted too. 'jpeg'
   * is for RGBA images only, written as GDAL writes them: YCbCr JPEG tiles and the alpha as a
   * 1-bit mask. 'webp' too is for RGBA images only (alpha kept).
   */
  compress?: CogCompression | Uppercase<CogCompression>;
  /** zlib level 0–9, default 6 (deflate, and the masks of JPEG files). */
  zlevel?: number;
  /** JPEG quality 1–100, default 75 (GDAL's JPEG_QUALITY). */
  jpegQuality?: number;
  /**
   * Zstandard level 1–22, default 9 (GDAL's ZSTD_LEVEL). `encodeCog`/`encodeRgbaCog` with zstd
   * need `loadZstdForTiles()` awaited first; `CogStream` loads it itself.
   */
  zstdLevel?: number;
  /**
   * WebP quality 1–100, default 75 (GDAL's WEBP_LEVEL), or lossless (WEBP_LOSSLESS).
   * `encodeRgbaCog` with webp needs `loadWebpForTiles()` awaited first; `CogStream` loads it itself.
   */
  webpLevel?: number;
  webpLossless?: boolean;
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
  jpegQuality: number;
  zstdLevel: number;
  webpLevel: number;
  webpLossless: boolean;
  predictor: Predictor;
  tileSize: number;
  resampling: OverviewResampling;
  overviewFactors: readonly number[] | null;
}

const COMPRESSION_CODE: Record<CogCompression, number> = { none: 1, lzw: 5, jpeg: 7, deflate: 8, zstd: 50000, webp: 50001 };

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
function ghostArea(masked: boolean): string {
  const body =
    'LAYOUT=IFDS_BEFORE_DATA\n' +
    'BLOCK_ORDER=ROW_MAJOR\n' +
    'BLOCK_LEADER=SIZE_AS_UINT4\n' +
    'BLOCK_TRAILER=LAST_4_BYTES_REPEATED\n' +
    // Each mask tile right after its image tile, as GDAL lays out a COG with a mask.
    (masked ? 'MASK_INTERLEAVED_WITH_IMAGERY=YES\n' : '') +
    'KNOWN_INCOMPATIBLE_EDITION=NO\n ';
  return `GDAL_STRUCTURAL_METADATA_SIZE=${String(body.length).padStart(6, '0')} bytes\n` + body;
}

const TIFF_HEADER_BYTES = 8;
const BLOCK_LEADER_BYTES = 4;
const BLOCK_TRAILER_BYTES = 4;

export function resolveOptions(options: CogOptions, type: SampleType, defaultResampling: OverviewResampling): ResolvedOptions {
  const compression = COMPRESSIONS.find((c) => c === (options.compress ?? 'deflate').toLowerCase());
  if (compression === undefined) {
    throw new Error(`COG compress '${options.compress}' is not supported: use ${COMPRESSIONS.join(', ')}`);
  }
  const zlevel = options.zlevel ?? 6;
  if (!Number.isInteger(zlevel) || zlevel < 0 || zlevel > 9) {
    throw new Error(`COG zlevel ${zlevel} must be an integer from 0 to 9`);
  }
  const jpegQuality = options.jpegQuality ?? 75;
  if (!Number.isInteger(jpegQuality) || jpegQuality < 1 || jpegQuality > 100) {
    throw new Error(`COG JPEG quality ${jpegQuality} must be an integer from 1 to 100`);
  }
  const zstdLevel = options.zstdLevel ?? 9;
  if (!Number.isInteger(zstdLevel) || zstdLevel < 1 || zstdLevel > 22) {
    throw new Error(`COG ZSTD level ${zstdLevel} must be an integer from 1 to 22`);
  }
  const webpLevel = options.webpLevel ?? 75;
  if (!Number.isInteger(webpLevel) || webpLevel < 1 || webpLevel > 100) {
    throw new Error(`COG WebP level ${webpLevel} must be an integer from 1 to 100`);
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
    jpegQuality,
    zstdLevel,
    webpLevel,
    webpLossless: options.webpLossless ?? false,
    predictor,
    tileSize,
    resampling,
    overviewFactors: options.overviewLevels ?? null,
  };
}

function resolvePredictor(requested: NonNullable<CogOptions['predictor']>, compression: CogCompression, type: SampleType): Predictor {
  const isFloat = SAMPLE_LAYOUT[type].sampleFormat === 3;
  // TIFF predictors are defined only as a step before LZW/Deflate-style compression.
  if (compression === 'none' || IMAGE_ONLY_COMPRESSIONS.includes(compression)) return 1;
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
export function bandImage(geobox: GeoBox, type: SampleType, nodata: number | null, compression: CogCompression): ImageDescription {
  checkNodata(type, nodata);
  if (IMAGE_ONLY_COMPRESSIONS.includes(compression)) {
    throw new Error(`COG compress '${compression}' is for the RGBA preview only: use deflate, lzw, zstd or none for a band`);
  }
  return {
    geobox,
    type,
    samplesPerPixel: 1,
    photometric: PHOTOMETRIC.blackIsZero,
    extraSamples: [],
    masked: false,
    nodata,
    fill: nodata ?? 0,
    description: `a ${geobox.width} × ${geobox.height} ${type} band`,
  };
}

/** How an RGBA COG (see encodeRgbaCog) describes itself: with JPEG, YCbCr colours and the alpha as a mask. */
export function rgbaImage(geobox: GeoBox, compression: CogCompression): ImageDescription {
  const jpeg = compression === 'jpeg';
  return {
    geobox,
    type: 'uint8',
    samplesPerPixel: 4,
    photometric: jpeg ? PHOTOMETRIC.yCbCr : PHOTOMETRIC.rgb,
    extraSamples: jpeg ? [] : [EXTRA_SAMPLE_UNASSOCIATED_ALPHA],
    masked: jpeg,
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
  /** The level's mask, an IFD of its own right after the level's. */
  mask?: { tileOffsets: Uint32Array; tileByteCounts: Uint32Array; entries: IfdEntry[] };
}

/** One resolution level as the file's layout needs it: its size and its encoded tiles' byte counts, row-major. */
export interface LevelTiles {
  width: number;
  height: number;
  tileLengths: ArrayLike<number>;
  /** The byte counts of the mask tiles, for a masked image. */
  maskLengths?: ArrayLike<number>;
}

/** TIFF PhotometricInterpretation values the writer uses. */
const PHOTOMETRIC = { blackIsZero: 1, rgb: 2, transparencyMask: 4, yCbCr: 6 } as const;

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
  /** The last sample (alpha) is stored as a 1-bit mask (0 where it is 0), not among the samples. */
  masked: boolean;
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
  const storedSamples = image.masked ? image.samplesPerPixel - 1 : image.samplesPerPixel;
  const perSample = (value: number): number[] => new Array<number>(storedSamples).fill(value);
  const entries: IfdEntry[] = [
    { tag: Tag.imageWidth, type: 'long', values: [level.width] },
    { tag: Tag.imageLength, type: 'long', values: [level.height] },
    { tag: Tag.bitsPerSample, type: 'short', values: perSample(bitsPerSample) },
    { tag: Tag.compression, type: 'short', values: [COMPRESSION_CODE[options.compression]] },
    { tag: Tag.photometricInterpretation, type: 'short', values: [image.photometric] },
    { tag: Tag.samplesPerPixel, type: 'short', values: [storedSamples] },
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
  // The JPEG tiles' chroma is not subsampled (see jpeg-tile.ts).
  if (image.photometric === PHOTOMETRIC.yCbCr) entries.push({ tag: Tag.yCbCrSubSampling, type: 'short', values: [1, 1] });
  if (level.isOverview) entries.push({ tag: Tag.newSubfileType, type: 'long', values: [1] }); // reduced resolution
  if (options.predictor !== 1) entries.push({ tag: Tag.predictor, type: 'short', values: [options.predictor] });
  if (image.nodata !== null) entries.push({ tag: Tag.gdalNoData, type: 'ascii', values: nodataText(image.nodata) });
  return entries;
}

/** The IFD of a level's 1-bit mask (deflate), as GDAL writes an internal mask. */
function maskEntries(level: Omit<Level, 'entries'>, mask: { tileOffsets: Uint32Array; tileByteCounts: Uint32Array }, options: ResolvedOptions): IfdEntry[] {
  const subfileMask = 4;
  const subfileReducedResolution = 1;
  return [
    { tag: Tag.newSubfileType, type: 'long', values: [level.isOverview ? subfileMask | subfileReducedResolution : subfileMask] },
    { tag: Tag.imageWidth, type: 'long', values: [level.width] },
    { tag: Tag.imageLength, type: 'long', values: [level.height] },
    { tag: Tag.bitsPerSample, type: 'short', values: [1] },
    { tag: Tag.compression, type: 'short', values: [COMPRESSION_CODE.deflate] },
    { tag: Tag.photometricInterpretation, type: 'short', values: [PHOTOMETRIC.transparencyMask] },
    { tag: Tag.samplesPerPixel, type: 'short', values: [1] },
    { tag: Tag.planarConfiguration, type: 'short', values: [1] },
    { tag: Tag.tileWidth, type: 'short', values: [options.tileSize] },
    { tag: Tag.tileLength, type: 'short', values: [options.tileSize] },
    { tag: Tag.tileOffsets, type: 'long', values: mask.tileOffsets },
    { tag: Tag.tileByteCounts, type: 'long', values: mask.tileByteCounts },
    { tag: Tag.sampleFormat, type: 'short', values: [1] },
  ];
}

/** The whole COG file: levels, IFDs and tiles, for either kind of image. */
function encodeTiledCog(image: TiledImage, resolved: ResolvedOptions): Uint8Array {
  const tiles = encodeLevels(image, resolved);
  const { head, tileOffsets, maskOffsets, fileLength } = layOutCog(image, resolved, tiles);
  const file = new Uint8Array(fileLength);
  const view = new DataView(file.buffer);
  file.set(head);
  const place = (tile: Uint8Array, dataOffset: number) => {
    if (tile.length === 0) return;
    view.setUint32(dataOffset - BLOCK_LEADER_BYTES, tile.length, true);
    file.set(tile, dataOffset);
    // Tiles are never under 4 bytes: the shortest, an LZW tile (Clear, one code, EndOfInformation), has 4.
    file.set(tile.subarray(tile.length - BLOCK_TRAILER_BYTES), dataOffset + tile.length);
  };
  tiles.forEach((level, l) => {
    level.tiles.forEach((tile, index) => {
      place(tile.data, tileOffsets[l]![index]!);
      if (tile.mask) place(tile.mask, maskOffsets[l]![index]!);
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
): { head: Uint8Array; tileOffsets: Uint32Array[]; maskOffsets: Uint32Array[]; fileLength: number } {
  const { pixelScale, tiepoint } = georeferencing(image.geobox);
  const geoKeys = geoKeyDirectory(image.geobox.crs);
  const levels = levelTiles.map((tiles, index): Level => {
    const count = tiles.tileLengths.length;
    const level = { width: tiles.width, height: tiles.height, isOverview: index > 0, tileOffsets: new Uint32Array(count), tileByteCounts: new Uint32Array(count) };
    const entries = levelEntries(level, image, image.type, resolved);
    if (!image.masked) return { ...level, entries };
    const mask = { tileOffsets: new Uint32Array(count), tileByteCounts: new Uint32Array(count) };
    return { ...level, entries, mask: { ...mask, entries: maskEntries(level, mask, resolved) } };
  });
  levels[0]!.entries.push(
    { tag: Tag.modelPixelScale, type: 'double', values: pixelScale },
    { tag: Tag.modelTiepoint, type: 'double', values: tiepoint },
    { tag: Tag.geoKeyDirectory, type: 'short', values: geoKeys },
  );
  const ghost = ghostArea(image.masked);
  const { ifdOffsets, headLength, fileLength } = layOutFile(levels, levelTiles, ghost);
  checkClassicTiffLength(fileLength, image.description);
  return {
    head: writeHead(ifdEntries(levels), ifdOffsets, headLength, ghost),
    tileOffsets: levels.map((l) => l.tileOffsets),
    maskOffsets: levels.map((l) => l.mask?.tileOffsets ?? new Uint32Array(0)),
    fileLength,
  };
}

/** The full-resolution image and its overviews, each cut into encoded tiles. */
function encodeLevels(image: TiledImage, resolved: ResolvedOptions): Array<LevelTiles & { tiles: EncodedTile[] }> {
  const { geobox, samplesPerPixel } = image;
  const encoding = tileEncoding(image, resolved);
  const base: PixelGrid = { width: geobox.width, height: geobox.height, samplesPerPixel, data: image.data };
  // Each overview's samples are dropped once its tiles are encoded; only the tiles are kept.
  return levelSizes(geobox.width, geobox.height, resolved).map(({ width, height }, index) => {
    const grid: PixelGrid =
      index === 0 ? base : { width, height, samplesPerPixel, data: image.overview(base, width, height) };
    const tiles = encodeTiles(grid, encoding);
    const maskLengths = image.masked ? { maskLengths: tiles.map((t) => t.mask?.length ?? 0) } : {};
    return { width, height, tiles, tileLengths: tiles.map((t) => t.data.length), ...maskLengths };
  });
}

/** How the image's tiles are encoded. */
export function tileEncoding(image: ImageDescription, resolved: ResolvedOptions): TileEncoding {
  return {
    tileSize: resolved.tileSize,
    compression: resolved.compression,
    zlevel: resolved.zlevel,
    jpegQuality: resolved.jpegQuality,
    zstdLevel: resolved.zstdLevel,
    webpLevel: resolved.webpLevel,
    webpLossless: resolved.webpLossless,
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

/** The IFDs in file order: each level's (full resolution first), its mask's right after it. */
function ifdEntries(levels: readonly Level[]): IfdEntry[][] {
  return levels.flatMap((level) => (level.mask ? [level.entries, level.mask.entries] : [level.entries]));
}

/**
 * Places the IFDs (see `ifdEntries`) after the header and ghost area, then the tile data,
 * smallest level first, each tile between its leader and trailer, a mask tile right after its
 * image tile; fills in the levels' tile offsets and byte counts.
 */
function layOutFile(levels: Level[], levelTiles: readonly LevelTiles[], ghost: string): { ifdOffsets: number[]; headLength: number; fileLength: number } {
  const ghostAreaEnd = TIFF_HEADER_BYTES + ghost.length;
  const ifdOffsets: number[] = [];
  let offset = ghostAreaEnd + (ghostAreaEnd % 2);
  for (const entries of ifdEntries(levels)) {
    ifdOffsets.push(offset);
    offset += ifdByteLength(entries);
  }
  const headLength = offset;
  const place = (length: number, into: { tileOffsets: Uint32Array; tileByteCounts: Uint32Array }, index: number) => {
    // A sparse tile (no bytes) has offset and byte count 0, and no leader or trailer.
    if (length === 0) return;
    offset += BLOCK_LEADER_BYTES;
    into.tileOffsets[index] = offset;
    into.tileByteCounts[index] = length;
    offset += length + BLOCK_TRAILER_BYTES;
  };
  for (let l = levels.length - 1; l >= 0; l--) {
    const level = levels[l]!;
    const { tileLengths, maskLengths } = levelTiles[l]!;
    for (let index = 0; index < tileLengths.length; index++) {
      place(tileLengths[index]!, level, index);
      if (level.mask) place(maskLengths?.[index] ?? 0, level.mask, index);
    }
  }
  return { ifdOffsets, headLength, fileLength: offset };
}

/** The file's head: header, ghost area and IFDs where layOutFile put them. */
function writeHead(ifds: readonly IfdEntry[][], ifdOffsets: number[], headLength: number, ghost: string): Uint8Array {
  const head = new Uint8Array(headLength);
  const view = new DataView(head.buffer);
  view.setUint8(0, 0x49); // 'II': little-endian
  view.setUint8(1, 0x49);
  view.setUint16(2, 42, true);
  view.setUint32(4, ifdOffsets[0]!, true);
  for (let i = 0; i < ghost.length; i++) head[TIFF_HEADER_BYTES + i] = ghost.charCodeAt(i);
  ifds.forEach((entries, index) => {
    writeIfd(view, ifdOffsets[index]!, entries, ifdOffsets[index + 1] ?? 0);
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
      ...bandImage(geobox, type, nodata, resolved.compression),
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
 *
 * With `compress: 'jpeg'`, as GDAL writes an RGBA COG with JPEG: 3 YCbCr samples and a 1-bit
 * mask (alpha not 0), since JPEG has no alpha; GDAL reports bands Red, Green, Blue and a
 * per-dataset mask. With 'webp' the 4 samples stay, alpha included.
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
      ...rgbaImage(geobox, resolved.compression),
      data: rgba,
      overview: (base, overviewWidth, overviewHeight) => resampleWithAlpha(base, overviewWidth, overviewHeight, resampling),
    },
    resolved,
  );
}
