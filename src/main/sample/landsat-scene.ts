/**
 * The Landsat-like collections of the sample — surface reflectance ARD with its Fmask and
 * contiguity, water observations (WO), fractional cover (FC) and an elevation model — as
 * functions of place and date on the landscape and sky of sample-scene.ts. Every value the
 * generator writes comes from `landsatObservation`, so tests know the truth of each pixel:
 * the water observations are wet where the scene has water, their cloud bits are where Fmask
 * says cloud, and so on.
 */
import {
  type Cover,
  type SampleBand,
  type Sky,
  PERMANENT_WATER,
  fractalNoise,
  greenness,
  landCoverAt,
  observedReflectance,
  skyAt,
  surfaceReflectance,
  textureAt,
  wetnessAt,
} from './sample-scene.js';

/** The surface reflectance bands of DEA's Landsat ARD (`ga_ls8c_ard_3`) that the sample writes. */
export const NBART_BANDS = ['nbart_blue', 'nbart_green', 'nbart_red', 'nbart_nir', 'nbart_swir_1', 'nbart_swir_2'] as const;
export type NbartBand = (typeof NBART_BANDS)[number];
/** The band a non-contiguous pixel misses (the others have data there). */
const NONCONTIGUOUS_BAND: NbartBand = 'nbart_swir_2';

/** int16 reflectance × 10 000, DEA ARD's scaling. */
export const NBART_NODATA = -999;
/** DEA's Fmask classes (`oa_fmask`, uint8, nodata 0). */
export const FMASK = { nodata: 0, valid: 1, cloud: 2, shadow: 3, snow: 4, water: 5 } as const;
/** `oa_nbart_contiguity` (uint8): 1 where every band has data, 0 where one misses; nodata 255. */
export const CONTIGUITY_NODATA = 255;
/** The bits of DEA's water observations (`ga_ls_wo_3` band `water`, uint8, nodata 1): 0 is clear and dry, 128 clear and wet. */
export const WO_BITS = {
  nodata: 1,
  noncontiguous: 2,
  lowSolarAngle: 4,
  terrainShadow: 8,
  highSlope: 16,
  cloudShadow: 32,
  cloud: 64,
  water: 128,
} as const;
export const WO_NODATA = WO_BITS.nodata;
/** Fractional cover bands (`ga_ls_fc_3`): percentages (uint8) and the unmixing error, nodata 255. */
export const FC_BANDS = ['pv', 'npv', 'bs', 'ue'] as const;
export type FcBand = (typeof FC_BANDS)[number];
export const FC_NODATA = 255;
/** The elevation model's nodata (float32), as DEA's SRTM DEM (`ga_srtm_dem1sv1_0`) has it: the lowest float32. */
export const DEM_NODATA = -3.4028234663852886e38;

const NBART_SPECTRUM: Record<NbartBand, SampleBand> = {
  nbart_blue: 'B02',
  nbart_green: 'B03',
  nbart_red: 'B04',
  nbart_nir: 'B08',
  nbart_swir_1: 'B11',
  nbart_swir_2: 'B12',
};
const SNOW_SPECTRUM: Record<NbartBand, number> = {
  nbart_blue: 0.85,
  nbart_green: 0.82,
  nbart_red: 0.78,
  nbart_nir: 0.62,
  nbart_swir_1: 0.08,
  nbart_swir_2: 0.05,
};

/** The date index of the sample's Landsat sky is offset so that its clouds are not Sentinel-2's. */
const SKY_SEED = 500;
/** Water rises above the permanent water by up to this much wetness in the rains (around day 120). */
const FLOOD_RANGE = 0.04;
const SNOW_LINE_METRES = 2150;
const SNOW_DAYS: readonly [number, number] = [180, 215];
/** Steep slopes cast terrain shadow in these days of the year (the sun is low at noon). */
const LOW_SUN_DAYS: readonly [number, number] = [140, 250];

/** How high the water stands on a day of the year, as a wetness: pixels wetter than this are under water. */
function waterLevel(dayOfYear: number): number {
  return PERMANENT_WATER + FLOOD_RANGE * (0.5 + 0.5 * Math.cos(((dayOfYear - 120) / 365) * 2 * Math.PI));
}

/** Metres above sea level, low where water gathers: the elevation model's values (as float32). */
function elevationAt(x: number, y: number): number {
  return 1100 + 1500 * wetnessAt(x, y) + 600 * fractalNoise(x, y, 6_000, 61);
}

const within = (day: number, [from, to]: readonly [number, number]) => day >= from && day <= to;

/** What does not change from date to date at a place. */
export interface LandsatGround {
  wetness: number;
  landCover: Exclude<Cover, 'water'>;
  elevation: number;
  highSlope: boolean;
  /** Whether the slope faces away from a low sun. */
  shaded: boolean;
  texture: number;
}

export function landsatGround(x: number, y: number): LandsatGround {
  const wetness = wetnessAt(x, y);
  return {
    wetness,
    landCover: landCoverAt(x, y),
    elevation: elevationAt(x, y),
    highSlope: wetness >= PERMANENT_WATER && fractalNoise(x, y, 4_000, 53) > 0.68,
    shaded: fractalNoise(x, y, 1_500, 59) > 0.5,
    texture: textureAt(x, y),
  };
}

/** What is on the ground and in the sky at a place on a date: the truth behind a pass's values. */
export interface LandsatConditions {
  /** `water` where the water stands that day, permanent or seasonal. */
  cover: Cover;
  snow: boolean;
  sky: Sky;
  highSlope: boolean;
  terrainShadow: boolean;
  texture: number;
  dayOfYear: number;
}

/** The conditions at UTM 37S (x, y), whose ground is `ground`, on the sample's Landsat date `date` (an index), a day of the year. */
export function landsatConditions(ground: LandsatGround, x: number, y: number, date: number, dayOfYear: number): LandsatConditions {
  const wet = ground.wetness < waterLevel(dayOfYear);
  return {
    cover: wet ? 'water' : ground.landCover,
    snow: !wet && within(dayOfYear, SNOW_DAYS) && ground.elevation > SNOW_LINE_METRES,
    sky: skyAt(SKY_SEED + date, x, y),
    highSlope: ground.highSlope,
    terrainShadow: ground.highSlope && ground.shaded && within(dayOfYear, LOW_SUN_DAYS),
    texture: ground.texture,
    dayOfYear,
  };
}

/** How a pass saw a pixel: not at all (outside its footprint), with a band missing, or whole. */
export type Seen = 'nodata' | 'noncontiguous' | 'observed';

/** Every value the generator writes for one pixel of one pass. */
export interface LandsatObservation {
  nbart: Record<NbartBand, number>;
  fmask: number;
  contiguity: number;
  water: number;
  fc: Record<FcBand, number>;
}

const isCloud = (sky: Sky) => sky === 'cloud-high' || sky === 'cloud-medium' || sky === 'cirrus';

export function landsatObservation(seen: Seen, c: LandsatConditions): LandsatObservation {
  if (seen === 'nodata') {
    return {
      nbart: Object.fromEntries(NBART_BANDS.map((b) => [b, NBART_NODATA])) as Record<NbartBand, number>,
      fmask: FMASK.nodata,
      contiguity: CONTIGUITY_NODATA,
      water: WO_NODATA,
      fc: { pv: FC_NODATA, npv: FC_NODATA, bs: FC_NODATA, ue: FC_NODATA },
    };
  }
  const nbart = {} as Record<NbartBand, number>;
  for (const band of NBART_BANDS) nbart[band] = nbartDn(band, c);
  if (seen === 'noncontiguous') {
    nbart[NONCONTIGUOUS_BAND] = NBART_NODATA;
    return { nbart, fmask: fmaskOf(c), contiguity: 0, water: WO_BITS.noncontiguous, fc: { pv: FC_NODATA, npv: FC_NODATA, bs: FC_NODATA, ue: FC_NODATA } };
  }
  return { nbart, fmask: fmaskOf(c), contiguity: 1, water: waterBits(c), fc: fractionalCover(c) };
}

/** Reflectance × 10 000 as int16, never the nodata value. */
function nbartDn(band: NbartBand, c: LandsatConditions): number {
  const surface = c.snow ? SNOW_SPECTRUM[band] * c.texture : surfaceReflectance(NBART_SPECTRUM[band], c.cover, c.texture, c.dayOfYear);
  return Math.max(NBART_NODATA + 1, Math.min(32_767, Math.round(observedReflectance(surface, c.sky) * 10_000)));
}

/** Cirrus is cloud to Fmask, which has no class of its own for it. */
function fmaskOf(c: LandsatConditions): number {
  if (isCloud(c.sky)) return FMASK.cloud;
  if (c.sky === 'shadow') return FMASK.shadow;
  if (c.snow) return FMASK.snow;
  return c.cover === 'water' ? FMASK.water : FMASK.valid;
}

/** Water is seen through cloud shadow but not through cloud; snow is dry. */
function waterBits(c: LandsatConditions): number {
  let bits = 0;
  if (isCloud(c.sky)) bits |= WO_BITS.cloud;
  else if (c.cover === 'water') bits |= WO_BITS.water;
  if (c.sky === 'shadow') bits |= WO_BITS.cloudShadow;
  if (c.highSlope) bits |= WO_BITS.highSlope;
  if (c.terrainShadow) bits |= WO_BITS.terrainShadow;
  return bits;
}

/**
 * Fractional cover as the unmixing would report it: vegetation greening with the season, bare
 * ground whose bright pixels sum past 100 %, and nonsense (with a large unmixing error) over
 * water, snow and cloud, which products built on FC mask with the water observations.
 */
function fractionalCover(c: LandsatConditions): Record<FcBand, number> {
  const t = c.texture;
  let fc: Record<FcBand, number>;
  if (isCloud(c.sky)) fc = { pv: 0, npv: 20 * t, bs: 85 * t, ue: 35 * t };
  else if (c.snow) fc = { pv: 0, npv: 2, bs: 100, ue: 80 };
  else if (c.cover === 'water') fc = { pv: 1, npv: 6, bs: 110 * t, ue: 45 * t };
  else if (c.cover === 'bare') {
    const g = greenness(c.dayOfYear);
    fc = { pv: 4 + 6 * g, npv: 12 * t, bs: 96 * t, ue: 14 * t };
  } else {
    const g = greenness(c.dayOfYear);
    const pv = 25 + 55 * g * t;
    const npv = 45 - 30 * g;
    fc = { pv, npv, bs: Math.max(0, 100 - pv - npv), ue: 8 * t };
  }
  if (c.sky === 'shadow') fc.ue += 15;
  return { pv: Math.round(fc.pv), npv: Math.round(fc.npv), bs: Math.round(fc.bs), ue: Math.round(fc.ue) };
}

