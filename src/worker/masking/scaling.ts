/**
 * Integer digital numbers (DN) ↔ float reflectance: reflectance = DN × scale + offset.
 * See docs/masking.md for the scale and offset each odc-stats plugin uses.
 */
import { integerRange, isRepresentable } from '../load/sample-cast.js';
import { newSampleArray, type SampleArray, type SampleType } from '../raster.js';

export interface DnScaling {
  readonly scale: number;
  readonly offset: number;
}

/**
 * What odc-stats' geomedian plugins (gm-generic, gm-s2, gm-ls) hand to odc-algo for every
 * input: 1/10 000 with the offset of one DN, so DN 1 is reflectance 0 and DN 0 stays free
 * for nodata.
 */
export const GEOMEDIAN_SCALING: DnScaling = Object.freeze({ scale: 1 / 10_000, offset: -1 / 10_000 });

/** USGS Collection 2 Level-2 surface reflectance, the default of gm-ls-bitmask. */
export const USGS_C2_SR_SCALING: DnScaling = Object.freeze({ scale: 0.0000275, offset: -0.2 });

/** DN × scale + offset, NaN where DN is nodata or NaN; written `into` an array of dn's length when given. */
export function reflectanceFromDn(
  dn: SampleArray,
  nodata: number | null,
  scale: number,
  offset: number,
  into = new Float32Array(dn.length),
): Float32Array {
  for (let i = 0; i < dn.length; i++) {
    const v = dn[i]!;
    into[i] = v === nodata || v !== v ? Number.NaN : v * scale + offset;
  }
  return into;
}

/**
 * (reflectance − offset) / scale rounded to the nearest DN, halves away from zero, and
 * clamped to the type's range, as odc-algo's integer geomedian writes its output; nodata
 * where the reflectance is NaN. A reflectance below what DN min stands for clamps to DN min,
 * which may be the nodata value itself (DN 0 for Sentinel-2). Float types take the value as it
 * is, unrounded.
 */
export function dnFromReflectance(
  reflectance: Float32Array | Float64Array,
  nodata: number,
  scale: number,
  offset: number,
  dtype: SampleType,
): SampleArray {
  if (!isRepresentable(dtype, nodata)) throw new RangeError(`nodata ${nodata} is not a ${dtype} value`);
  const range = integerRange(dtype);
  const dn = newSampleArray(dtype, reflectance.length);
  for (let i = 0; i < reflectance.length; i++) {
    const r = reflectance[i]!;
    if (Number.isNaN(r)) {
      dn[i] = nodata;
      continue;
    }
    const exact = (r - offset) / scale;
    if (!range) {
      dn[i] = exact;
      continue;
    }
    const rounded = exact < 0 ? -Math.round(-exact) : Math.round(exact);
    dn[i] = rounded < range[0] ? range[0] : rounded > range[1] ? range[1] : rounded;
  }
  return dn;
}
