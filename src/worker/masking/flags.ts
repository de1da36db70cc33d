/**
 * Pixel-quality flag definitions, as data, and the 0/1 masks made from them.
 *
 * Three families:
 * - enumerated classes, one code per pixel: Sentinel-2 L2A `SCL`, DEA Collection 3 `oa_fmask`;
 * - bit fields: USGS Collection 2 Level-2 `QA_PIXEL`;
 * - a plain nodata value.
 *
 * Names follow the products' `flags_definition` (see docs/masking.md).
 */
import { UserError } from '../../shared/errors.js';

/** One class of an enumerated mask band. */
export interface EnumClass {
  readonly code: number;
  /** The name in the product's flags_definition. */
  readonly name: string;
  /** Other names in use for the same class. */
  readonly aliases: readonly string[];
}

/** Sentinel-2 L2A Scene Classification (band `SCL`, uint8, nodata 0). */
export const SCL_CLASSES: readonly EnumClass[] = Object.freeze([
  { code: 0, name: 'no data', aliases: ['nodata'] },
  { code: 1, name: 'saturated or defective', aliases: [] },
  { code: 2, name: 'dark area pixels', aliases: ['dark features', 'topographic shadows'] },
  { code: 3, name: 'cloud shadows', aliases: [] },
  { code: 4, name: 'vegetation', aliases: [] },
  { code: 5, name: 'bare soils', aliases: ['not vegetated'] },
  { code: 6, name: 'water', aliases: [] },
  { code: 7, name: 'unclassified', aliases: [] },
  { code: 8, name: 'cloud medium probability', aliases: [] },
  { code: 9, name: 'cloud high probability', aliases: [] },
  { code: 10, name: 'thin cirrus', aliases: [] },
  { code: 11, name: 'snow or ice', aliases: ['snow'] },
]);

/** DEA Collection 3 Fmask (band `oa_fmask`, alias `fmask`, uint8, nodata 0). */
export const FMASK_CLASSES: readonly EnumClass[] = Object.freeze([
  { code: 0, name: 'nodata', aliases: [] },
  { code: 1, name: 'valid', aliases: [] },
  { code: 2, name: 'cloud', aliases: [] },
  { code: 3, name: 'shadow', aliases: [] },
  { code: 4, name: 'snow', aliases: [] },
  { code: 5, name: 'water', aliases: [] },
]);

/** The value of DEA Collection 3 `oa_nbart_contiguity` (uint8, nodata 255) where every band has data. */
export const CONTIGUOUS = 1;

/**
 * DEA Water Observations `water` (uint8, nodata 1), as `ga_ls_wo_3`'s flags_definition names
 * its bits: one flag a bit. 0 is clear and dry, `water_observed` alone (128) clear and wet.
 */
export const WO_FLAGS = Object.freeze({
  nodata: 1 << 0,
  noncontiguous: 1 << 1,
  low_solar_angle: 1 << 2,
  terrain_shadow: 1 << 3,
  high_slope: 1 << 4,
  cloud_shadow: 1 << 5,
  cloud: 1 << 6,
  water_observed: 1 << 7,
});

/** Case, surrounding space and the choice of space, `_` or `-` between words do not matter. */
function spacedName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

function enumCodes(table: readonly EnumClass[], names: ReadonlyArray<string | number>, bandLabel: string): number[] {
  const byName = new Map<string, number>();
  for (const c of table) {
    byName.set(spacedName(c.name), c.code);
    for (const alias of c.aliases) byName.set(spacedName(alias), c.code);
  }
  const codes: number[] = [];
  for (const name of names) {
    if (typeof name === 'number' && !Number.isSafeInteger(name)) {
      throw new UserError(`${bandLabel} class ${name} is not a whole number: a class is a name or the integer code of a pixel value`);
    }
    // A number is a pixel value of the data's own scheme, listed in the table or not (255, say).
    const code = typeof name === 'number' ? name : byName.get(spacedName(name));
    if (code === undefined) {
      const valid = table.map((c) => `${c.code} '${c.name}'`).join(', ');
      throw new UserError(`unknown ${bandLabel} class ${JSON.stringify(name)}: expected one of ${valid}, or an integer code`);
    }
    if (!codes.includes(code)) codes.push(code);
  }
  return codes;
}

/**
 * SCL codes of class names or integer codes (any integer is taken as a pixel value, as odc-algo's
 * enum_to_bool takes it); a UserError listing the valid classes for an unknown name.
 */
export function sclClasses(names: ReadonlyArray<string | number>): number[] {
  return enumCodes(SCL_CLASSES, names, 'Sentinel-2 SCL');
}

/** Fmask codes of class names or integer codes, read as sclClasses reads them. */
export function fmaskClasses(names: ReadonlyArray<string | number>): number[] {
  return enumCodes(FMASK_CLASSES, names, 'fmask');
}

/** The name of an SCL code, as the product names it; undefined for a code outside the scheme. */
export function sclClassName(code: number): string | undefined {
  return SCL_CLASSES.find((c) => c.code === code)?.name;
}

/** The name of an fmask code, as the product names it; undefined for a code outside the scheme. */
export function fmaskClassName(code: number): string | undefined {
  return FMASK_CLASSES.find((c) => c.code === code)?.name;
}

/** Codes up to this are looked up in a table; others (negative or larger) one by one. */
const LOOKUP_LIMIT = 65535;

/** 1 where the value is one of the classes, 0 elsewhere (NaN and fractions match nothing). */
export function enumMask(values: ArrayLike<number>, classes: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length);
  const wanted = classes.filter((c) => Number.isInteger(c) && c >= 0 && c <= LOOKUP_LIMIT);
  const others = classes.filter((c) => Number.isInteger(c) && (c < 0 || c > LOOKUP_LIMIT));
  if (others.length > 0) {
    for (let i = 0; i < values.length; i++) if (others.includes(values[i]!)) out[i] = 1;
  }
  if (wanted.length === 0) return out;
  // A lookup table indexed by value beats a Set or a chain of comparisons on 10⁸ pixels.
  const lookup = new Uint8Array(Math.max(...wanted) + 1);
  for (const c of wanted) lookup[c] = 1;
  const size = lookup.length;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v >= 0 && v < size && v === Math.floor(v) && lookup[v]) out[i] = 1;
  }
  return out;
}

/** 1 where the value is `nodata` (NaN matches NaN), 0 elsewhere. */
export function nodataMask(values: ArrayLike<number>, nodata: number): Uint8Array {
  const out = new Uint8Array(values.length);
  if (Number.isNaN(nodata)) {
    for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) out[i] = 1;
  } else {
    for (let i = 0; i < values.length; i++) if (values[i] === nodata) out[i] = 1;
  }
  return out;
}

/** A field of a bit-packed band: `width` bits from bit `bit` up, read as an integer, equal to `value`. */
export interface BitField {
  readonly bit: number;
  /** 1 when left out. */
  readonly width?: number;
  readonly value: number;
}

/**
 * 1 where any of the flags holds, 0 elsewhere. A number is a bit index that must be set; a
 * BitField must hold exactly its value.
 */
export function bitMask(values: ArrayLike<number>, flags: ReadonlyArray<number | BitField>): Uint8Array {
  let anyOfBits = 0;
  const fields: Array<{ shift: number; mask: number; value: number }> = [];
  for (const flag of flags) {
    if (typeof flag === 'number') {
      checkBitRange(flag, 1);
      anyOfBits |= 1 << flag;
    } else {
      const width = flag.width ?? 1;
      checkBitRange(flag.bit, width);
      const mask = 2 ** width - 1;
      if (!Number.isInteger(flag.value) || flag.value < 0 || flag.value > mask) {
        throw new RangeError(`value ${flag.value} does not fit ${width} bit(s)`);
      }
      if (width === 1 && flag.value === 1) anyOfBits |= 1 << flag.bit;
      else fields.push({ shift: flag.bit, mask, value: flag.value });
    }
  }
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v & anyOfBits) {
      out[i] = 1;
      continue;
    }
    for (const f of fields) {
      if (((v >>> f.shift) & f.mask) === f.value) {
        out[i] = 1;
        break;
      }
    }
  }
  return out;
}

function checkBitRange(bit: number, width: number): void {
  if (!Number.isInteger(bit) || !Number.isInteger(width) || bit < 0 || width < 1 || bit + width > 31) {
    throw new RangeError(`bit field ${bit}+${width} is outside bits 0–30`);
  }
}

/** One field of a bit-packed band, as a datacube flags_definition lists it. */
export interface BitFieldDefinition {
  readonly name: string;
  readonly bit: number;
  readonly width: number;
  /** Field value → its meaning. */
  readonly values: ReadonlyMap<number, string | boolean>;
}

const highConfidence = new Map<number, string | boolean>([
  [0, 'not_high_confidence'],
  [1, 'high_confidence'],
]);
const confidence = (medium: string): ReadonlyMap<number, string> =>
  new Map([
    [0, 'none'],
    [1, 'low'],
    [2, medium],
    [3, 'high'],
  ]);

/**
 * USGS Collection 2 Level-2 `QA_PIXEL` (uint16, nodata 1), as the `ls*_c2l2` product
 * definitions of DE Africa spell it. Bit 2 (cirrus) is unused before Landsat 8.
 */
export const QA_PIXEL_FIELDS: readonly BitFieldDefinition[] = Object.freeze([
  { name: 'nodata', bit: 0, width: 1, values: new Map([[0, false], [1, true]]) },
  { name: 'dilated_cloud', bit: 1, width: 1, values: new Map([[0, 'not_dilated'], [1, 'dilated']]) },
  { name: 'cirrus', bit: 2, width: 1, values: highConfidence },
  { name: 'cloud', bit: 3, width: 1, values: highConfidence },
  { name: 'cloud_shadow', bit: 4, width: 1, values: highConfidence },
  { name: 'snow', bit: 5, width: 1, values: highConfidence },
  { name: 'clear', bit: 6, width: 1, values: new Map([[0, false], [1, true]]) },
  { name: 'water', bit: 7, width: 1, values: new Map([[0, 'land_or_cloud'], [1, 'water']]) },
  { name: 'cloud_confidence', bit: 8, width: 2, values: confidence('medium') },
  { name: 'cloud_shadow_confidence', bit: 10, width: 2, values: confidence('reserved') },
  { name: 'snow_ice_confidence', bit: 12, width: 2, values: confidence('reserved') },
  { name: 'cirrus_confidence', bit: 14, width: 2, values: confidence('reserved') },
]);

const QA_PIXEL_BIT_NAMES: ReadonlyMap<string, number> = new Map([
  ['fill', 0],
  ['nodata', 0],
  ['dilated_cloud', 1],
  ['cirrus', 2],
  ['cloud', 3],
  ['cloud_shadow', 4],
  ['snow', 5],
  ['clear', 6],
  ['water', 7],
]);

const QA_PIXEL_CONFIDENCE_FIELDS: ReadonlyMap<string, number> = new Map([
  ['cloud_confidence', 8],
  ['cloud_shadow_confidence', 10],
  ['snow_ice_confidence', 12],
  ['snow_confidence', 12],
  ['cirrus_confidence', 14],
]);

const CONFIDENCE_LEVELS: ReadonlyMap<string, number> = new Map([
  ['none', 0],
  ['low', 1],
  ['medium', 2],
  ['reserved', 2],
  ['high', 3],
]);

function underscoredName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function qaPixelFlag(name: string): BitField | undefined {
  const key = underscoredName(name);
  const bit = QA_PIXEL_BIT_NAMES.get(key);
  if (bit !== undefined) return { bit, width: 1, value: 1 };
  const split = key.lastIndexOf('_');
  const firstBit = QA_PIXEL_CONFIDENCE_FIELDS.get(key.slice(0, split));
  const level = CONFIDENCE_LEVELS.get(key.slice(split + 1));
  if (firstBit === undefined || level === undefined) return undefined;
  return { bit: firstBit, width: 2, value: level };
}

/**
 * QA_PIXEL flags by name, for bitMask: a single-bit flag (`fill` or `nodata`, `dilated_cloud`,
 * `cirrus`, `cloud`, `cloud_shadow`, `snow`, `clear`, `water`) holds where its bit is set; a
 * confidence (`cloud_confidence_high`, `cloud_shadow_confidence_low`,
 * `snow_ice_confidence_none`, `cirrus_confidence_medium`…) where its 2-bit field equals the
 * level. A UserError lists the valid names for an unknown one.
 */
export function qaPixelFlags(names: readonly string[]): BitField[] {
  return names.map((name) => {
    const flag = qaPixelFlag(name);
    if (flag === undefined) {
      throw new UserError(
        `unknown QA_PIXEL flag ${JSON.stringify(name)}: expected one of ${[...QA_PIXEL_BIT_NAMES.keys()].join(', ')}, ` +
          `or ${[...QA_PIXEL_CONFIDENCE_FIELDS.keys()].join(', ')} followed by _none, _low, _medium or _high`,
      );
    }
    return flag;
  });
}

/**
 * The bits that odc-stats' bitmask plugins test for a `flags`/`nodata_flags` setting in
 * datacube form, such as `{cloud: high_confidence, cirrus: high_confidence}` or
 * `{nodata: false}`. Each field and value is checked against QA_PIXEL_FIELDS, as datacube's
 * create_mask_value does, but only the fields' bits count: the plugins keep datacube's mask
 * and drop its value, so a pixel is flagged where any of these bits is set, whatever value
 * was named. Pass the result to bitMask.
 */
export function qaPixelBitsOfFlagsSetting(setting: unknown, key: string): number[] {
  if (typeof setting !== 'object' || setting === null || Array.isArray(setting)) {
    throw new UserError(`${key}: expected a mapping of QA_PIXEL flag to value, such as {cloud: high_confidence}`);
  }
  const bits: number[] = [];
  for (const [name, wanted] of Object.entries(setting)) {
    const field = QA_PIXEL_FIELDS.find((f) => f.name === name);
    if (field === undefined) {
      throw new UserError(`${key}: unknown QA_PIXEL flag '${name}': expected one of ${QA_PIXEL_FIELDS.map((f) => f.name).join(', ')}`);
    }
    const meanings = [...field.values.values()];
    if (!meanings.includes(wanted as string | boolean)) {
      throw new UserError(
        `${key}: ${JSON.stringify(wanted)} is not a value of QA_PIXEL flag '${name}': expected one of ${meanings.map((m) => JSON.stringify(m)).join(', ')}`,
      );
    }
    for (let b = field.bit; b < field.bit + field.width; b++) if (!bits.includes(b)) bits.push(b);
  }
  return bits.sort((a, b) => a - b);
}
