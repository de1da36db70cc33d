/**
 * The synthetic landscape and sky behind the sample catalogue: deterministic functions of UTM
 * coordinates and date, so that overlapping tiles agree, and so that tests know the ground
 * truth (the clear-sky reflectance and which observations are clear) of every pixel.
 */

export type Cover = 'water' | 'bare' | 'vegetation';
export type Sky = 'clear' | 'shadow' | 'cloud-medium' | 'cloud-high' | 'cirrus';

export const REFLECTANCE_BANDS = ['B02', 'B03', 'B04', 'B08', 'B11', 'B12'] as const;
type ReflectanceBand = (typeof REFLECTANCE_BANDS)[number];
/** Sentinel-2's ten 10–20 m bands in its order (odc-stats' gm-s2 bands): the six above and the red edge. */
export const S2_TEN_BANDS = ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'] as const;
export type SampleBand = ReflectanceBand | (typeof S2_TEN_BANDS)[number];

/** Typical surface reflectance of each cover, by band (blue, green, red, red edge 1–3, NIR, narrow NIR, SWIR1, SWIR2). */
const SPECTRA: Record<Cover, Record<SampleBand, number>> = {
  water: { B02: 0.06, B03: 0.05, B04: 0.03, B05: 0.025, B06: 0.02, B07: 0.02, B08: 0.02, B8A: 0.018, B11: 0.01, B12: 0.005 },
  bare: { B02: 0.1, B03: 0.14, B04: 0.18, B05: 0.2, B06: 0.21, B07: 0.22, B08: 0.24, B8A: 0.25, B11: 0.3, B12: 0.26 },
  vegetation: { B02: 0.04, B03: 0.07, B04: 0.05, B05: 0.09, B06: 0.2, B07: 0.26, B08: 0.3, B8A: 0.31, B11: 0.2, B12: 0.1 },
};
const CLOUD_REFLECTANCE = 0.5;
const SHADOW_FACTOR = 0.4;
/** Cloud shadows fall this far from their clouds (metres east, north): sun from the north-west. */
const SHADOW_OFFSET: readonly [number, number] = [1500, -1000];

/** A hash of integers to [0, 1): the only source of "randomness", so every run is the same. */
function hash(a: number, b: number, seed: number): number {
  let h = Math.imul(a, 0x27d4eb2d) ^ Math.imul(b, 0x165667b1) ^ Math.imul(seed, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth noise in [0, 1) with features about `scale` metres across. */
function valueNoise(x: number, y: number, scale: number, seed: number): number {
  const gx = x / scale;
  const gy = y / scale;
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const sx = smooth(gx - x0);
  const sy = smooth(gy - y0);
  const top = lerp(hash(x0, y0, seed), hash(x0 + 1, y0, seed), sx);
  const bottom = lerp(hash(x0, y0 + 1, seed), hash(x0 + 1, y0 + 1, seed), sx);
  return lerp(top, bottom, sy);
}

/** Smooth noise in [0, 1) with features from `scale` down to a ninth of it, metres across. */
export function fractalNoise(x: number, y: number, scale: number, seed: number): number {
  return 0.6 * valueNoise(x, y, scale, seed) + 0.3 * valueNoise(x, y, scale / 3, seed + 1) + 0.1 * valueNoise(x, y, scale / 9, seed + 2);
}

const smooth = (t: number) => t * t * (3 - 2 * t);
const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

/** Where water gathers: the lower the wetness, the wetter; below PERMANENT_WATER the cover is water. */
export function wetnessAt(x: number, y: number): number {
  return fractalNoise(x, y, 20_000, 11);
}

export const PERMANENT_WATER = 0.3;

/** The cover of the land where it is not under water. */
export function landCoverAt(x: number, y: number): Exclude<Cover, 'water'> {
  return fractalNoise(x, y, 8_000, 23) > 0.55 ? 'bare' : 'vegetation';
}

export function coverAt(x: number, y: number): Cover {
  if (wetnessAt(x, y) < PERMANENT_WATER) return 'water';
  return landCoverAt(x, y);
}

/** A fixed per-pixel brightness texture, 0.9–1.1. */
export function textureAt(x: number, y: number): number {
  return 0.9 + 0.2 * valueNoise(x, y, 600, 37);
}

/** How green vegetation is on a day of the year, 0–1, peaking in mid-April. */
export function greenness(dayOfYear: number): number {
  return 0.5 + 0.5 * Math.cos(((dayOfYear - 105) / 365) * 2 * Math.PI);
}

/**
 * Clear-sky surface reflectance: the cover's spectrum, a green-up of vegetation peaking in
 * April, and the pixel's texture (no temporal noise, so clear days are predictable).
 */
export function surfaceReflectance(band: SampleBand, cover: Cover, texture: number, dayOfYear: number): number {
  return coverReflectance(band, cover, dayOfYear) * texture;
}

/** A cover's clear-sky reflectance on a day of the year, before the pixel's texture. */
export function coverReflectance(band: SampleBand, cover: Cover, dayOfYear: number): number {
  let r = SPECTRA[cover][band];
  if (cover === 'vegetation') {
    const green = greenness(dayOfYear);
    if (band === 'B08' || band === 'B8A' || band === 'B07') r *= 0.75 + 0.5 * green;
    if (band === 'B04') r *= 1.3 - 0.6 * green;
  }
  return r;
}

/** How cloudy date `d` is overall, 0–0.45. */
function cloudiness(d: number): number {
  return 0.45 * hash(d, 0, 71) ** 1.5;
}

function cloudField(d: number, x: number, y: number): number {
  return fractalNoise(x, y, 12_000, 1000 + d);
}

export function skyAt(d: number, x: number, y: number): Sky {
  return skyOn(d)(x, y);
}

/** The sky of date `d` as a function of position, its cloudiness worked out once (skyAt for many pixels). */
export function skyOn(d: number): (x: number, y: number) => Sky {
  const threshold = 1 - cloudiness(d) * 1.2;
  return (x, y) => {
    const here = cloudField(d, x, y);
    if (here > threshold + 0.08) return 'cloud-high';
    if (here > threshold + 0.03) return 'cloud-medium';
    if (here > threshold) return 'cirrus';
    if (cloudField(d, x - SHADOW_OFFSET[0], y - SHADOW_OFFSET[1]) > threshold + 0.03) return 'shadow';
    return 'clear';
  };
}

/** The Sentinel-2 L2A scene classification (SCL) of a pixel. */
export function sclOf(sky: Sky, cover: Cover): number {
  switch (sky) {
    case 'cloud-high':
      return 9;
    case 'cloud-medium':
      return 8;
    case 'cirrus':
      return 10;
    case 'shadow':
      return 3;
    case 'clear':
      return cover === 'water' ? 6 : cover === 'bare' ? 5 : 4;
  }
}

/** Reflectance as observed under the sky of the date. */
export function observedReflectance(surface: number, sky: Sky): number {
  if (sky === 'cloud-high' || sky === 'cloud-medium') return CLOUD_REFLECTANCE + 0.1 * surface;
  if (sky === 'cirrus') return 0.5 * surface + 0.15;
  if (sky === 'shadow') return surface * SHADOW_FACTOR;
  return surface;
}

/** Sentinel-2 L2A digital number of a reflectance (reflectance = DN × 1e-4 − 1e-4), never 0 (nodata). */
export function dnOf(reflectance: number): number {
  return Math.max(1, Math.min(65535, Math.round(reflectance * 10_000 + 1)));
}
