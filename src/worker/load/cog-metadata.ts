/**
 * What loading needs to know of an opened GeoTIFF: CRS, pixel grid of the full image and of each
 * overview, nodata and sample type, from the TIFF and GeoTIFF tags.
 */
import type { GeoTIFF, GeoTIFFImage } from 'geotiff';
import type { Affine } from '../../shared/geobox.js';
import { normaliseCrs } from '../../shared/crs.js';
import type { SampleType } from '../raster.js';

/** One resolution level: the full image or an overview. */
export interface CogLevel {
  image: GeoTIFFImage;
  width: number;
  height: number;
  affine: Affine;
  /** Full-image pixels per pixel of this level, across (1 for the full image). */
  decimation: number;
}

export interface CogMetadata {
  crs: string;
  /** The full image first, then overviews from finest to coarsest. */
  levels: CogLevel[];
  nodata: number | null;
  sampleType: SampleType;
}

/** A reason the file cannot be loaded, for DatasetReadError. */
export class UnusableTiffError extends Error {}

// GeoTIFF key values (OGC GeoTIFF 1.1).
const MODEL_TYPE_GEOGRAPHIC = 2;
const RASTER_PIXEL_IS_POINT = 2;
const USER_DEFINED = 32767;
// NewSubfileType bits.
const REDUCED_RESOLUTION = 1;
const TRANSPARENCY_MASK = 4;

export async function readCogMetadata(tiff: GeoTIFF): Promise<CogMetadata> {
  const count = await tiff.getImageCount();
  const full = await tiff.getImage(0);
  const geoKeys = readGeoKeys(full);
  const affine = fullImageAffine(full, geoKeys);
  const crs = crsOf(geoKeys);
  const width = full.getWidth();
  const height = full.getHeight();
  const levels: CogLevel[] = [{ image: full, width, height, affine, decimation: 1 }];
  for (let index = 1; index < count; index++) {
    const image = await tiff.getImage(index);
    const subfileType = Number(tagValue(image, 'NewSubfileType') ?? 0);
    if ((subfileType & REDUCED_RESOLUTION) === 0 || (subfileType & TRANSPARENCY_MASK) !== 0) continue;
    // Overviews carry no georeferencing of their own: GDAL stretches the full image's grid over
    // them, each axis by its own ratio of sizes.
    const scaleX = width / image.getWidth();
    const scaleY = height / image.getHeight();
    const [a, b, c, d, e, f] = affine;
    levels.push({
      image,
      width: image.getWidth(),
      height: image.getHeight(),
      affine: [a * scaleX, b * scaleY, c, d * scaleX, e * scaleY, f],
      decimation: scaleX,
    });
  }
  levels.sort((p, q) => p.decimation - q.decimation);
  return { crs, levels, nodata: gdalNodata(full), sampleType: sampleTypeOf(full) };
}

type GeoKeys = Record<string, unknown>;

function readGeoKeys(image: GeoTIFFImage): GeoKeys {
  const keys: unknown = image.getGeoKeys();
  if (!keys || typeof keys !== 'object') throw new UnusableTiffError('no GeoTIFF keys (not georeferenced)');
  return keys as GeoKeys;
}

function fullImageAffine(image: GeoTIFFImage, geoKeys: GeoKeys): Affine {
  const transformation = numbers(tagValue(image, 'ModelTransformation'));
  const scale = numbers(tagValue(image, 'ModelPixelScale'));
  const tiepoint = numbers(tagValue(image, 'ModelTiepoint'));
  let affine: [number, number, number, number, number, number];
  if (transformation && transformation.length >= 8) {
    const [a, b, , c, d, e, , f] = transformation as [number, number, number, number, number, number, number, number];
    affine = [a, b, c, d, e, f];
  } else if (scale && scale.length >= 2 && tiepoint && tiepoint.length >= 6) {
    const [sx, sy] = scale as [number, number];
    const [i, j, , x, y] = tiepoint as [number, number, number, number, number];
    affine = [sx, 0, x - i * sx, 0, -sy, y + j * sy];
  } else {
    throw new UnusableTiffError('no georeferencing (no ModelTransformation or ModelPixelScale and ModelTiepoint)');
  }
  if (!affine.every(Number.isFinite) || affine[0] * affine[4] - affine[1] * affine[3] === 0) {
    throw new UnusableTiffError('a degenerate pixel-to-world transform');
  }
  if (geoKeys['GTRasterTypeGeoKey'] === RASTER_PIXEL_IS_POINT) {
    // The tie point names a pixel centre; GDAL moves it to the pixel corner, as here.
    const [a, b, c, d, e, f] = affine;
    affine = [a, b, c - 0.5 * a - 0.5 * b, d, e, f - 0.5 * d - 0.5 * e];
  }
  return affine;
}

function crsOf(geoKeys: GeoKeys): string {
  const modelType = geoKeys['GTModelTypeGeoKey'];
  const projected = geoKeys['ProjectedCSTypeGeoKey'];
  const geographic = geoKeys['GeographicTypeGeoKey'];
  const code = modelType === MODEL_TYPE_GEOGRAPHIC ? geographic : (projected ?? geographic);
  if (typeof code !== 'number') throw new UnusableTiffError('no EPSG code for its CRS');
  if (code === USER_DEFINED) throw new UnusableTiffError('a user-defined CRS (only EPSG codes are supported)');
  try {
    return normaliseCrs(String(code));
  } catch {
    throw new UnusableTiffError(`unsupported CRS EPSG:${code}`);
  }
}

/** GDAL_NODATA is ASCII, NUL-terminated as GDAL writes it, though not every writer does. */
function gdalNodata(image: GeoTIFFImage): number | null {
  const text = tagValue(image, 'GDAL_NODATA');
  if (typeof text !== 'string') return null;
  const trimmed = text.replace(/\0+$/, '').trim();
  if (trimmed === '') return null;
  if (/^[+-]?nan$/i.test(trimmed)) return Number.NaN;
  if (/^[+-]?inf(inity)?$/i.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  const value = Number(trimmed);
  if (Number.isNaN(value)) throw new UnusableTiffError(`an unreadable GDAL_NODATA value '${trimmed}'`);
  return value;
}

function sampleTypeOf(image: GeoTIFFImage): SampleType {
  const format = image.getSampleFormat(0);
  const bits = image.getBitsPerSample(0);
  // Half floats are widened to Float32Array by geotiff.js, which decodes them.
  const type = storedSampleType(image) ?? (format === 3 && bits === 16 ? 'float32' : undefined);
  if (!type) throw new UnusableTiffError(`an unsupported sample format (format ${format}, ${bits} bits)`);
  return type;
}

/** The sample type an image stores, from its TIFF SampleFormat and BitsPerSample; none for half floats. */
export function storedSampleType(image: GeoTIFFImage): SampleType | undefined {
  return STORED_SAMPLE_TYPES[`${image.getSampleFormat(0)}:${image.getBitsPerSample(0)}`];
}

const STORED_SAMPLE_TYPES: Partial<Record<string, SampleType>> = {
  '1:8': 'uint8',
  '1:16': 'uint16',
  '1:32': 'uint32',
  '2:8': 'int8',
  '2:16': 'int16',
  '2:32': 'int32',
  '3:32': 'float32',
  '3:64': 'float64',
};

type EagerTagName = 'NewSubfileType' | 'ModelTransformation' | 'ModelPixelScale' | 'ModelTiepoint' | 'GDAL_NODATA';

/** An eagerly read tag's value, or undefined; never throws for a tag geotiff.js defers. */
function tagValue(image: GeoTIFFImage, name: EagerTagName): unknown {
  const directory = image.getFileDirectory();
  if (!directory.hasTag(name)) return undefined;
  const value: unknown = directory.getValue(name);
  return value;
}

function numbers(value: unknown): number[] | null {
  if (value === undefined || value === null || typeof value === 'string') return null;
  if (typeof value === 'number') return [value];
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value as ArrayLike<unknown>, Number);
  return null;
}
