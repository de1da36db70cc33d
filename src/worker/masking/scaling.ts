/**
 * Integer digital numbers (DN) ↔ float reflectance: reflectance = DN × scale + offset.
 * See docs/masking.md for the scale and offset each odc-stats plugin uses.
 */
import type { SampleArray } from '../raster.js';

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

export type IntegerDnType = 'uint16' | 'int16';

const DN_RANGE: Readonly<Record<IntegerDnType, readonly [min: number, max: number]>> = {
  uint16: [0, 65_535],
  int16: [-32_768, 32_767],
};

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
 * which may be the nodata value itself (DN 0 for Sentinel-2).
 */
export function dnFromReflectance(reflectance: Float32Array | Float64Array, nodata: number, scale: number, offset: number, dtype: 'uint16'): Uint16Array;
export function dnFromReflectance(reflectance: Float32Array | Float64Array, nodata: number, scale: number, offset: number, dtype: 'int16'): Int16Array;
export function dnFromReflectance(
  reflectance: Float32Array | Float64Array,
  nodata: number,
  scale: number,
  offset: number,
  dtype: IntegerDnType,
): Uint16Array | Int16Array;
export function dnFromReflectance(
  reflectance: Float32Array | Float64Array,
  nodata: number,
  scale: number,
  offset: number,
  dtype: IntegerDnType,
): Uint16Array | Int16Array {
  const [min, max] = DN_RANGE[dtype];
  if (!Number.isInteger(nodata) || nodata < min || nodata > max) {
    throw new RangeError(`nodata ${nodata} is not a ${dtype} value`);
  }
  const dn = dtype === 'uint16' ? new Uint16Array(reflectance.length) : new Int16Array(reflectance.length);
  for (let i = 0; i < reflectance.length; i++) {
    const r = reflectance[i]!;
    if (Number.isNaN(r)) {
      dn[i] = nodata;
      continue;
    }
    const exact = (r - offset) / scale;
    const rounded = exact < 0 ? -Math.round(-exact) : Math.round(exact);
    dn[i] = rounded < min ? min : rounded > max ? max : rounded;
  }
  return dn;
}
