/**
 * Quicklook rendering: bands to 8-bit RGBA pixels (row-major, 4 bytes a pixel), transparent
 * where data is missing, ready for `encodePng`.
 */
import type { GeoBox } from '../../shared/geobox.js';
import { resampleOverview } from '../cog/overviews.js';
import { newSampleArray, sampleTypeOf, type Raster } from '../raster.js';

export interface ValueRange {
  min: number;
  max: number;
}

export type ColourRamp = 'viridis' | 'magma' | 'greys';

/**
 * Nine evenly spaced stops of matplotlib's viridis and magma (low to high); colours between
 * them are interpolated linearly. Greys runs black to white so that higher is brighter.
 */
const RAMP_STOPS: Record<ColourRamp, readonly string[]> = {
  viridis: ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'],
  magma: ['#000004', '#1c1044', '#4f127b', '#812581', '#b5367a', '#e55064', '#fb8761', '#fec287', '#fcfdbf'],
  greys: ['#000000', '#ffffff'],
};

type Rgb = [number, number, number];

function parseHex(colour: string): Rgb {
  return [1, 3, 5].map((start) => Number.parseInt(colour.slice(start, start + 2), 16)) as Rgb;
}

const RAMP_RGB: Record<ColourRamp, readonly Rgb[]> = {
  viridis: RAMP_STOPS.viridis.map(parseHex),
  magma: RAMP_STOPS.magma.map(parseHex),
  greys: RAMP_STOPS.greys.map(parseHex),
};

/** A test for missing samples: NaN always, and the band's nodata as the array stores it. */
function missingTest(band: Raster): (value: number) => boolean {
  if (band.nodata === null) return (value) => value !== value;
  const probe = newSampleArray(sampleTypeOf(band.data), 1);
  probe[0] = band.nodata;
  const stored = probe[0]!;
  return (value) => value !== value || value === stored;
}

/**
 * The p-th percentile (0–100) of the valid samples, interpolating linearly between ranks
 * (numpy's default). Null when the band has no valid sample.
 */
export function percentile(band: Raster, p: number): number | null {
  const isMissing = missingTest(band);
  const valid = new Float64Array(band.data.length);
  let count = 0;
  for (let i = 0; i < band.data.length; i++) {
    const value = band.data[i]!;
    if (!isMissing(value)) valid[count++] = value;
  }
  if (count === 0) return null;
  const sorted = valid.subarray(0, count).sort();
  const rank = (p / 100) * (count - 1);
  const below = Math.floor(rank);
  const above = Math.min(count - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

/** The range a band is stretched over: given, or its 2nd to 98th percentile. */
function stretchRange(band: Raster, range: ValueRange | 'auto'): ValueRange {
  if (range !== 'auto') {
    if (!Number.isFinite(range.min) || !Number.isFinite(range.max)) {
      throw new Error(`quicklook range ${range.min}–${range.max} must be finite numbers`);
    }
    return range;
  }
  return { min: percentile(band, 2) ?? 0, max: percentile(band, 98) ?? 0 };
}

/** Position of `value` in the range, clamped to 0–1; a range of zero width puts everything at 0. */
function unitPosition(value: number, range: ValueRange): number {
  const width = range.max - range.min;
  if (!(width > 0)) return value > range.min ? 1 : 0;
  return Math.min(1, Math.max(0, (value - range.min) / width));
}

function checkSameSize(bands: readonly Raster[]): { width: number; height: number } {
  const { width, height } = bands[0]!.geobox;
  for (const band of bands) {
    if (band.geobox.width !== width || band.geobox.height !== height) {
      const other = `${band.geobox.width} × ${band.geobox.height}`;
      throw new Error(`quicklook bands differ in size: ${width} × ${height} and ${other}`);
    }
    if (band.data.length !== width * height) {
      throw new Error(`quicklook band holds ${band.data.length} samples, but its geobox is ${width} × ${height}`);
    }
  }
  return { width, height };
}

/**
 * True-colour RGBA from red, green and blue bands, each stretched linearly from `stretch.min`
 * (0) to `stretch.max` (255), or per band over its 2nd–98th percentile with 'auto'.
 * Transparent black where any band is missing.
 */
export function renderRgb(bands: [Raster, Raster, Raster], stretch: ValueRange | 'auto'): Uint8Array {
  const { width, height } = checkSameSize(bands);
  const ranges = bands.map((band) => stretchRange(band, stretch));
  const missing = bands.map(missingTest);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    if (bands.some((band, b) => missing[b]!(band.data[i]!))) continue;
    for (let b = 0; b < 3; b++) rgba[i * 4 + b] = Math.round(unitPosition(bands[b]!.data[i]!, ranges[b]!) * 255);
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** The ramp's colour at position t (0–1). */
export function rampColour(ramp: ColourRamp, t: number): Rgb {
  const stops = RAMP_RGB[ramp];
  const position = t * (stops.length - 1);
  const lower = Math.min(stops.length - 2, Math.floor(position));
  const fraction = position - lower;
  const from = stops[lower]!;
  const to = stops[lower + 1]!;
  return [0, 1, 2].map((c) => Math.round(from[c]! + (to[c]! - from[c]!) * fraction)) as Rgb;
}

/**
 * One band through a colour ramp, stretched over `range` (or its 2nd–98th percentile with
 * 'auto'). Transparent black where the band is missing.
 */
export function renderRamp(band: Raster, range: ValueRange | 'auto', ramp: ColourRamp): Uint8Array {
  const { width, height } = checkSameSize([band]);
  const stretch = stretchRange(band, range);
  const isMissing = missingTest(band);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const value = band.data[i]!;
    if (isMissing(value)) continue;
    rgba.set(rampColour(ramp, unitPosition(value, stretch)), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

export type DownsampleMethod = 'average' | 'nearest';

/**
 * The band shrunk so its long side is `maxSize` pixels (the band itself when it already fits),
 * on a geobox covering the same extent. 'average' weights source pixels by area and ignores
 * nodata/NaN; 'nearest' keeps original values (for classes).
 */
export function downsample(band: Raster, maxSize: number, method: DownsampleMethod = 'average'): Raster {
  if (!Number.isInteger(maxSize) || maxSize < 1) throw new Error(`quicklook size ${maxSize} must be a positive integer`);
  const { width, height } = checkSameSize([band]);
  const longSide = Math.max(width, height);
  if (longSide <= maxSize) return band;
  const scale = maxSize / longSide;
  const targetWidth = Math.max(1, Math.round(width * scale));
  const targetHeight = Math.max(1, Math.round(height * scale));
  const xRatio = width / targetWidth;
  const yRatio = height / targetHeight;
  const [a, b, c, d, e, f] = band.geobox.affine;
  const geobox: GeoBox = {
    crs: band.geobox.crs,
    affine: [a * xRatio, b * yRatio, c, d * xRatio, e * yRatio, f],
    width: targetWidth,
    height: targetHeight,
  };
  const data = resampleOverview({ width, height, data: band.data }, targetWidth, targetHeight, method, band.nodata);
  return { geobox, data, nodata: band.nodata };
}
