import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import {
  bitMask,
  enumMask,
  fmaskClasses,
  FMASK_CLASSES,
  nodataMask,
  qaPixelBitsOfFlagsSetting,
  qaPixelFlags,
  QA_PIXEL_FIELDS,
  SCL_CLASSES,
  sclClasses,
} from './flags.js';
import { userErrorOf } from '../../shared/test-support/user-error-of.js';


describe('sclClasses', () => {
  it("maps gm-s2's default cloud classes to 3, 8, 9, 10", () => {
    expect(sclClasses(['cloud shadows', 'cloud medium probability', 'cloud high probability', 'thin cirrus'])).toEqual([3, 8, 9, 10]);
  });

  it('takes underscores, hyphens and capitals for spaces', () => {
    expect(sclClasses(['cloud_shadows', 'Cloud_High_Probability', 'thin-cirrus', 'no_data', 'saturated_or_defective'])).toEqual([3, 9, 10, 0, 1]);
  });

  it('knows the other names of classes 2, 5 and 11', () => {
    expect(sclClasses(['not vegetated', 'bare_soils', 'snow', 'snow or ice', 'dark area pixels'])).toEqual([5, 11, 2]);
  });

  it('passes codes through and drops repeats', () => {
    expect(sclClasses([9, 'cloud high probability', 0])).toEqual([9, 0]);
  });

  it('lists the twelve classes 0–11 in order', () => {
    expect(SCL_CLASSES.map((c) => c.code)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('rejects an unknown name with the valid ones', () => {
    const error = userErrorOf(() => sclClasses(['cloud shadows', 'cloudy']));
    expect(error.message).toContain('"cloudy"');
    expect(error.message).toContain("3 'cloud shadows'");
    expect(error.message).toContain("11 'snow or ice'");
  });

  it("takes any integer as a code of the data's own scheme, such as a nodata of 255", () => {
    expect(sclClasses([255, 'no data', 12, -1])).toEqual([255, 0, 12, -1]);
    expect(fmaskClasses([255])).toEqual([255]);
  });

  it('rejects a fractional code', () => {
    expect(() => sclClasses([2.5])).toThrow(UserError);
    expect(() => sclClasses([Number.NaN])).toThrow(/not a whole number/);
  });
});

describe('fmaskClasses', () => {
  it('maps the DEA C3 names', () => {
    expect(fmaskClasses(['nodata', 'valid', 'cloud', 'shadow', 'snow', 'water'])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(FMASK_CLASSES).toHaveLength(6);
  });

  it('rejects an unknown name with the valid ones', () => {
    const error = userErrorOf(() => fmaskClasses(['clouds']));
    expect(error.message).toContain('fmask');
    expect(error.message).toContain("3 'shadow'");
  });
});

describe('enumMask', () => {
  it('marks the SCL cloud classes', () => {
    const scl = Uint8Array.of(0, 3, 4, 8, 9, 10, 11, 255);
    expect([...enumMask(scl, sclClasses(['cloud shadows', 'cloud medium probability', 'cloud high probability', 'thin cirrus']))]).toEqual([
      0, 1, 0, 1, 1, 1, 0, 0,
    ]);
  });

  it('marks fmask cloud and shadow, the unbuffered default of gm-generic', () => {
    const fmask = Uint8Array.of(0, 1, 2, 3, 4, 5);
    expect([...enumMask(fmask, fmaskClasses(['cloud', 'shadow']))]).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('marks codes outside the table, negative and beyond 16 bits included', () => {
    expect([...enumMask(Uint8Array.of(0, 255, 254, 3), [255])]).toEqual([0, 1, 0, 0]);
    expect([...enumMask(Int32Array.of(-999, 0, 70000, -998), [-999, 70000, 0])]).toEqual([1, 1, 1, 0]);
  });

  it('matches nothing for NaN, fractions, negatives or an empty class list', () => {
    expect([...enumMask(Float32Array.of(Number.NaN, 2.5, -1, 2), [2])]).toEqual([0, 0, 0, 1]);
    expect([...enumMask(Uint8Array.of(0, 1), [])]).toEqual([0, 0]);
  });
});

describe('nodataMask', () => {
  it('marks the nodata value', () => {
    expect([...nodataMask(Int16Array.of(-999, 5, -999, 0), -999)]).toEqual([1, 0, 1, 0]);
  });

  it('marks NaN when nodata is NaN', () => {
    expect([...nodataMask(Float32Array.of(Number.NaN, 0, 1), Number.NaN)]).toEqual([1, 0, 0]);
  });
});

describe('QA_PIXEL', () => {
  // Bits set, low to high (bit 0 fill, 1 dilated cloud, 2 cirrus, 3 cloud, 4 shadow, 5 snow,
  // 6 clear, 7 water; 8–9 cloud, 10–11 shadow, 12–13 snow/ice, 14–15 cirrus confidence):
  const samples = Uint16Array.of(
    21824, // 6, 8, 10, 12, 14: clear land, every confidence low
    22280, // 3, 8, 9, 10, 12, 14: cloud, cloud confidence 11 = high
    21952, // 6, 7, 8, 10, 12, 14: clear water
    1, // 0: fill
    23824, // 4, 8, 10, 11, 12, 14: cloud shadow, shadow confidence 11 = high
    21762, // 1, 8, 10, 12, 14: dilated cloud (so not clear)
    54596, // 2, 6, 8, 10, 12, 14, 15: cirrus, still clear, cirrus confidence high
  );

  it('marks single-bit flags by name', () => {
    expect([...bitMask(samples, qaPixelFlags(['cloud']))]).toEqual([0, 1, 0, 0, 0, 0, 0]);
    expect([...bitMask(samples, qaPixelFlags(['cloud', 'cirrus']))]).toEqual([0, 1, 0, 0, 0, 0, 1]);
    expect([...bitMask(samples, qaPixelFlags(['fill']))]).toEqual([0, 0, 0, 1, 0, 0, 0]);
    expect([...bitMask(samples, qaPixelFlags(['nodata']))]).toEqual([0, 0, 0, 1, 0, 0, 0]);
    expect([...bitMask(samples, qaPixelFlags(['clear']))]).toEqual([1, 0, 1, 0, 0, 0, 1]);
    expect([...bitMask(samples, qaPixelFlags(['water']))]).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect([...bitMask(samples, qaPixelFlags(['cloud_shadow', 'dilated_cloud']))]).toEqual([0, 0, 0, 0, 1, 1, 0]);
    expect([...bitMask(samples, qaPixelFlags(['snow']))]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('marks a confidence level only where the 2-bit field equals it', () => {
    expect(qaPixelFlags(['cloud_confidence_high'])).toEqual([{ bit: 8, width: 2, value: 3 }]);
    expect([...bitMask(samples, qaPixelFlags(['cloud_confidence_high']))]).toEqual([0, 1, 0, 0, 0, 0, 0]);
    expect([...bitMask(samples, qaPixelFlags(['cloud_confidence_low']))]).toEqual([1, 0, 1, 0, 1, 1, 1]);
    expect([...bitMask(samples, qaPixelFlags(['cloud_confidence_none']))]).toEqual([0, 0, 0, 1, 0, 0, 0]);
    expect([...bitMask(samples, qaPixelFlags(['cloud shadow confidence high']))]).toEqual([0, 0, 0, 0, 1, 0, 0]);
    expect([...bitMask(samples, qaPixelFlags(['cirrus_confidence_high']))]).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(qaPixelFlags(['snow_ice_confidence_medium', 'snow_confidence_reserved'])).toEqual([
      { bit: 12, width: 2, value: 2 },
      { bit: 12, width: 2, value: 2 },
    ]);
  });

  it('takes bit indices and explicit fields', () => {
    expect([...bitMask(samples, [3, 2])]).toEqual([0, 1, 0, 0, 0, 0, 1]);
    expect([...bitMask(samples, [{ bit: 6, value: 0 }])]).toEqual([0, 1, 0, 1, 1, 1, 0]);
    expect([...bitMask(samples, [{ bit: 10, width: 2, value: 3 }, 0])]).toEqual([0, 0, 0, 1, 1, 0, 0]);
    expect([...bitMask(samples, [])]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses fields outside the word or values that do not fit', () => {
    expect(() => bitMask(samples, [40])).toThrow(RangeError);
    expect(() => bitMask(samples, [{ bit: 8, width: 2, value: 4 }])).toThrow(RangeError);
  });

  it('rejects unknown flag names with the valid ones', () => {
    const error = userErrorOf(() => qaPixelFlags(['clouds']));
    expect(error.message).toContain('"clouds"');
    expect(error.message).toContain('dilated_cloud');
    expect(error.message).toContain('cirrus_confidence');
    expect(() => qaPixelFlags(['cloud_confidence_extreme'])).toThrow(UserError);
  });

  it("lists the product definition's twelve fields over 16 bits", () => {
    expect(QA_PIXEL_FIELDS.reduce((bits, f) => bits + f.width, 0)).toBe(16);
  });
});

describe('qaPixelBitsOfFlagsSetting', () => {
  it("gives the bits of odc-stats' default cloud flags and nodata flags", () => {
    const cloudBits = qaPixelBitsOfFlagsSetting({ cloud: 'high_confidence', cirrus: 'high_confidence' }, 'flags');
    expect(cloudBits).toEqual([2, 3]);
    expect(qaPixelBitsOfFlagsSetting({ nodata: false }, 'nodata_flags')).toEqual([0]);
    expect([...bitMask(Uint16Array.of(21824, 22280, 1, 54596), cloudBits)]).toEqual([0, 1, 0, 1]);
  });

  it('gives every bit of a 2-bit field whatever level is named', () => {
    expect(qaPixelBitsOfFlagsSetting({ cloud_confidence: 'high' }, 'flags')).toEqual([8, 9]);
    expect(qaPixelBitsOfFlagsSetting({ cloud_shadow_confidence: 'low', water: 'water' }, 'flags')).toEqual([7, 10, 11]);
  });

  it('rejects unknown fields, values and shapes, naming the key', () => {
    const badValue = userErrorOf(() => qaPixelBitsOfFlagsSetting({ cloud: 'yes' }, 'flags'));
    expect(badValue.message).toContain('flags');
    expect(badValue.message).toContain('"high_confidence"');
    const badField = userErrorOf(() => qaPixelBitsOfFlagsSetting({ clouds: 'high_confidence' }, 'flags'));
    expect(badField.message).toContain("'clouds'");
    expect(badField.message).toContain('cloud_shadow');
    expect(() => qaPixelBitsOfFlagsSetting(['cloud'], 'flags')).toThrow(UserError);
    expect(() => qaPixelBitsOfFlagsSetting(null, 'flags')).toThrow(UserError);
    expect(() => qaPixelBitsOfFlagsSetting({ cloud_shadow_confidence: 'medium' }, 'flags')).toThrow(UserError);
  });
});
