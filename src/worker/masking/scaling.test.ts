import { describe, expect, it } from 'vitest';
import { dnFromReflectance, GEOMEDIAN_SCALING, reflectanceFromDn, USGS_C2_SR_SCALING } from './scaling.js';

const { scale, offset } = GEOMEDIAN_SCALING;

describe('reflectanceFromDn', () => {
  it('applies the geomedian convention: DN × 1e-4 − 1e-4, NaN for nodata', () => {
    const reflectance = reflectanceFromDn(Uint16Array.of(0, 1, 1235, 10_001, 65_535), 0, scale, offset);
    expect(reflectance[0]).toBeNaN();
    expect(reflectance[1]).toBeCloseTo(0, 7);
    expect(reflectance[2]).toBeCloseTo(0.1234, 6);
    expect(reflectance[3]).toBeCloseTo(1, 6);
    expect(reflectance[4]).toBeCloseTo(6.5534, 5);
  });

  it('reads DEA Collection 3 int16 with nodata −999', () => {
    const reflectance = reflectanceFromDn(Int16Array.of(-999, 0, 2500, -50), -999, scale, offset);
    expect(reflectance[0]).toBeNaN();
    expect(reflectance[1]).toBeCloseTo(-0.0001, 7);
    expect(reflectance[2]).toBeCloseTo(0.2499, 6);
    expect(reflectance[3]).toBeCloseTo(-0.0051, 6);
  });

  it('reads USGS Collection 2 surface reflectance: DN × 2.75e-5 − 0.2', () => {
    const reflectance = reflectanceFromDn(Uint16Array.of(0, 7273, 43_636), 0, USGS_C2_SR_SCALING.scale, USGS_C2_SR_SCALING.offset);
    expect(reflectance[0]).toBeNaN();
    // 7273 × 0.0000275 = 0.2000075, the first DN above reflectance 0.
    expect(reflectance[1]).toBeCloseTo(0.0000075, 7);
    expect(reflectance[2]).toBeCloseTo(0.99999, 5);
  });
});

describe('dnFromReflectance', () => {
  it('inverts reflectanceFromDn for every uint16 DN', () => {
    const dn = new Uint16Array(65_536).map((_, i) => i);
    expect(dnFromReflectance(reflectanceFromDn(dn, 0, scale, offset), 0, scale, offset, 'uint16')).toEqual(dn);
  });

  it('inverts reflectanceFromDn for every int16 DN', () => {
    const dn = new Int16Array(65_536).map((_, i) => i - 32_768);
    expect(dnFromReflectance(reflectanceFromDn(dn, -999, scale, offset), -999, scale, offset, 'int16')).toEqual(dn);
  });

  it('writes nodata for NaN', () => {
    expect([...dnFromReflectance(Float32Array.of(Number.NaN, 0.1234), 0, scale, offset, 'uint16')]).toEqual([0, 1235]);
    expect([...dnFromReflectance(Float32Array.of(Number.NaN), -999, scale, offset, 'int16')]).toEqual([-999]);
  });

  it('rounds halves away from zero', () => {
    expect([...dnFromReflectance(Float64Array.of(2.5, -2.5, 2.4999, -0.4, 3.5), 0, 1, 0, 'int16')]).toEqual([3, -3, 2, 0, 4]);
  });

  it('clamps to the range of the type', () => {
    const values = Float64Array.of(-5, 70_000, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    expect([...dnFromReflectance(values, 0, 1, 0, 'uint16')]).toEqual([0, 65_535, 65_535, 0]);
    expect([...dnFromReflectance(Float64Array.of(40_000, -40_000), -999, 1, 0, 'int16')]).toEqual([32_767, -32_768]);
  });

  it('lands reflectance just below 0 on DN 0, the Sentinel-2 nodata', () => {
    expect([...dnFromReflectance(Float32Array.of(-0.0001, -0.00004, 0), 0, scale, offset, 'uint16')]).toEqual([0, 1, 1]);
  });

  it('rounds and clamps to the other integer types, and leaves floats unrounded', () => {
    expect(dnFromReflectance(Float64Array.of(2.5, 300, -3, Number.NaN), 255, 1, 0, 'uint8')).toEqual(Uint8Array.of(3, 255, 0, 255));
    expect(dnFromReflectance(Float64Array.of(-200.5, 70_000), -128, 1, 0, 'int8')).toEqual(Int8Array.of(-128, 127));
    expect(dnFromReflectance(Float64Array.of(0.75, Number.NaN), Number.NaN, 0.5, 0, 'float32')).toEqual(Float32Array.of(1.5, Number.NaN));
  });

  it('refuses a nodata the type cannot hold', () => {
    expect(() => dnFromReflectance(new Float32Array(1), -1, scale, offset, 'uint16')).toThrow(RangeError);
    expect(() => dnFromReflectance(new Float32Array(1), Number.NaN, scale, offset, 'int16')).toThrow(RangeError);
  });
});
