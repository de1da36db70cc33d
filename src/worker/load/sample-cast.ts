/** Writing float64 results into a raster's sample type, as GDAL does: round, then clamp to range. */
import type { SampleArray, SampleType } from '../raster.js';

const INTEGER_RANGES: Partial<Record<SampleType, readonly [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65_535],
  int16: [-32_768, 32_767],
  uint32: [0, 4_294_967_295],
  int32: [-2_147_483_648, 2_147_483_647],
};

/** The least and greatest value of an integer type; undefined for float types. */
export function integerRange(type: SampleType): readonly [number, number] | undefined {
  return INTEGER_RANGES[type];
}

export function isFloatType(type: SampleType): boolean {
  return type === 'float32' || type === 'float64';
}

/** Whether `value` is stored unchanged in an array of `type` (a nodata value must be). */
export function isRepresentable(type: SampleType, value: number): boolean {
  const range = INTEGER_RANGES[type];
  if (!range) return type === 'float64' || Number.isNaN(value) || Math.fround(value) === value;
  return Number.isInteger(value) && value >= range[0] && value <= range[1];
}

/**
 * A function writing `count` values into `out` from `offset`, NaN written as `fill`, others
 * rounded to the nearest integer and clamped for integer types (a typed array alone would
 * truncate and wrap around).
 */
export function rowWriter(
  type: SampleType,
  fill: number,
): (out: SampleArray, offset: number, values: Float64Array, count: number) => void {
  const range = INTEGER_RANGES[type];
  if (!range) {
    return (out, offset, values, count) => {
      for (let k = 0; k < count; k++) {
        const value = values[k]!;
        out[offset + k] = value === value ? value : fill;
      }
    };
  }
  const [min, max] = range;
  return (out, offset, values, count) => {
    for (let k = 0; k < count; k++) {
      const value = values[k]!;
      if (value !== value) out[offset + k] = fill;
      else {
        const rounded = Math.round(value);
        out[offset + k] = rounded < min ? min : rounded > max ? max : rounded;
      }
    }
  };
}
