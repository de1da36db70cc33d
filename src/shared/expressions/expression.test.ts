import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { parseExpression } from './expression.js';

const N = Number.NaN;

/** The expression over the bands, as a plain list (NaN compares equal to NaN in toEqual). */
function run(text: string, bands: Record<string, number[]>): number[] {
  const length = Object.values(bands)[0]?.length ?? 1;
  const arrays = Object.fromEntries(Object.entries(bands).map(([k, v]) => [k, Float32Array.from(v)]));
  return [...parseExpression(text).evaluate(arrays, length)];
}

describe('parseExpression', () => {
  it('evaluates NDVI, NaN where an input is missing or the sum is 0', () => {
    // (3 − 1)/(3 + 1) = 0.5; (2 − 2)/4 = 0; (1 − 3)/4 = −0.5; missing red; 0/0.
    const ndvi = run('(B08 - B04) / (B08 + B04)', { B04: [1, 2, 3, N, 0], B08: [3, 2, 1, 5, 0] });
    expect(ndvi).toEqual([0.5, 0, -0.5, N, N]);
  });

  it('lists the bands it reads once, in the order they first appear', () => {
    expect(parseExpression('(B08 - B04) / (B08 + B04) + SCL * 0').bands).toEqual(['B08', 'B04', 'SCL']);
    expect(parseExpression('2 * 3').bands).toEqual([]);
  });

  it('follows precedence: 2 + 3 × 4 − 10 / 5 / 2 = 13, −2² as (−2)·(−2)', () => {
    expect(run('2 + 3 * 4 - 10 / 5 / 2', {})).toEqual([13]);
    expect(run('-a * -a - (1 - 3) * 2', { a: [2, -3] })).toEqual([8, 13]);
  });

  it('compares to 1 or 0, and NaN where either side is missing', () => {
    const a = [1, 2, 3, N];
    const b = [2, 2, 2, 2];
    expect(run('a < b', { a, b })).toEqual([1, 0, 0, N]);
    expect(run('a <= b', { a, b })).toEqual([1, 1, 0, N]);
    expect(run('a > b', { a, b })).toEqual([0, 0, 1, N]);
    expect(run('a >= b', { a, b })).toEqual([0, 1, 1, N]);
    expect(run('a == b', { a, b })).toEqual([0, 1, 0, N]);
    expect(run('a != b', { a, b })).toEqual([1, 0, 1, N]);
  });

  it('reads any non-zero value as true in and, or, not; NaN stays missing', () => {
    const a = [0, 0, 2, 2, N, 0];
    const b = [0, -1, 0, 3, 1, N];
    expect(run('a and b', { a, b })).toEqual([0, 0, 0, 1, N, N]);
    expect(run('a && b', { a, b })).toEqual([0, 0, 0, 1, N, N]);
    expect(run('a or b', { a, b })).toEqual([0, 1, 1, 1, N, N]);
    expect(run('a || b', { a, b })).toEqual([0, 1, 1, 1, N, N]);
    expect(run('not a', { a, b })).toEqual([1, 1, 0, 0, N, 1]);
    expect(run('!a or b > 2', { a, b })).toEqual([1, 1, 0, 1, N, N]);
  });

  it('where picks per pixel and reads only the branch it picks', () => {
    // SCL 4 keeps B08, else B04; the unpicked branch may be NaN or a division by zero.
    const SCL = [4, 5, 4, N];
    const B04 = [10, 20, N, 40];
    const B08 = [1, N, 3, 4];
    expect(run('where(SCL == 4, B08, B04)', { SCL, B04, B08 })).toEqual([1, 20, 3, N]);
    expect(run('where(B04 > 15, B08 / 0, 7)', { SCL, B04, B08 })).toEqual([7, N, N, N]);
    expect(run('where(SCL == 4, B08, nan)', { SCL, B04, B08 })).toEqual([1, N, 3, N]);
  });

  it('clips, and has abs, sqrt, log, log10, exp, pow, min and max', () => {
    expect(run('clip(x, 0, 1)', { x: [-0.5, 0.25, 3, N] })).toEqual([0, 0.25, 1, N]);
    expect(run('abs(x)', { x: [-2, 3] })).toEqual([2, 3]);
    expect(run('sqrt(x)', { x: [9, 0.25, -1] })).toEqual([3, 0.5, N]);
    expect(run('log(x)', { x: [1, 0, -1] })).toEqual([0, N, N]);
    expect(run('log10(x)', { x: [1000, 0.01] })).toEqual([3, -2]);
    expect(run('exp(x)', { x: [0] })).toEqual([1]);
    expect(run('pow(x, 2)', { x: [3, -4] })).toEqual([9, 16]);
    expect(run('min(a, b, 5)', { a: [1, 9, 7, N], b: [2, 6, 8, 0] })).toEqual([1, 5, 5, N]);
    expect(run('max(a, b)', { a: [1, 9, N], b: [2, 6, 0] })).toEqual([2, 9, N]);
  });

  it('counts what is not a finite number as missing: x / 0, overflow of float32', () => {
    expect(run('x / y', { x: [1, -1, 0, 6], y: [0, 0, 0, 3] })).toEqual([N, N, N, 2]);
    expect(run('x * 1e30 * 1e30', { x: [1] })).toEqual([N]);
  });

  it('reuses its registers without mixing up operands', () => {
    // a = 2, b = 6: ((6 − 2)/(6 + 2)) × 2 − (6 > 2) + min(a × b, b − a, 10) = 1 − 1 + 4 = 4.
    // a = 5, b = 1: (−4/6) × 2 − 0 + min(5, −4, 10) = −4/3 − 4 = −16/3.
    const result = run('(b - a) / (b + a) * 2 - (b > a) + min(a * b, b - a, 10)', { a: [2, 5], b: [6, 1] });
    expect(result[0]).toBe(4);
    expect(result[1]).toBeCloseTo(-16 / 3, 6);
  });

  it('reads integer arrays and the first `length` values of longer ones', () => {
    const e = parseExpression('B08 - B04 * 0.5');
    expect([...e.evaluate({ B04: Uint16Array.of(100, 200, 300), B08: Int16Array.of(-50, 150, 1) }, 2)]).toEqual([-100, 50]);
  });

  it('folds constants and gives a whole array for an expression of none', () => {
    expect(run('(1 + 2) * 4 - pow(2, 3)', {})).toEqual([4]);
    expect([...parseExpression('1 / 4').evaluate({}, 3)]).toEqual([0.25, 0.25, 0.25]);
  });

  it('names an unknown band with the nearest known one, or the list', () => {
    const known = ['B04', 'B08', 'SCL'];
    expect(() => parseExpression('(B8 - B04)', { name: 'ndvi', knownBands: known })).toThrow(UserError);
    expect(() => parseExpression('(B8 - B04)', { name: 'ndvi', knownBands: known })).toThrow("expression ndvi: unknown band 'B8' at column 2 (did you mean 'B08'?)");
    expect(() => parseExpression('B04 + nir', { name: 'x', knownBands: known })).toThrow("expression x: unknown band 'nir' at column 7 (bands: B04, B08, SCL)");
  });

  it('says which band was not given to evaluate', () => {
    expect(() => parseExpression('a + b', { name: 'sum' }).evaluate({ a: new Float32Array(2) }, 2)).toThrow('expression sum reads band b, which was not given');
  });
});
