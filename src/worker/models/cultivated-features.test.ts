import { describe, expect, it } from 'vitest';
import { CULTIVATED_FEATURE_COUNT, cultivatedFeatures } from './cultivated-features.js';

const features = (values: number[]) => {
  const out = new Float32Array(CULTIVATED_FEATURE_COUNT + 1).fill(-1);
  cultivatedFeatures(values, out, 1);
  return Array.from(out);
};

describe('cultivated features', () => {
  it("normalise the six bands by their norm and derive DEA's indices from them", () => {
    // blue 200 and five bands of 100: norm 300, so blue 2/3 and the others 1/3.
    const [before, ...f] = features([200, 100, 100, 100, 100, 100, 0.5, 400, 0.25]);
    expect(before).toBe(-1);
    const expected = [
      2 / 3, // blue
      1 / 3, // green
      1 / 3, // swir 1
      1 / 3, // swir 2
      0.5, // sdev
      0.04, // edev ÷ 10 000
      0.25, // bcdev
      0, // MNDWI (g − s1) ÷ (g + s1)
      0, // BUI
      -0.2, // BSI ((s1 + r) − (n + b)) ÷ ((s1 + r) + (n + b)) = (2/3 − 1) ÷ (2/3 + 1)
      0.0315 * (2 / 3) + (0.2021 + 0.3102 + 0.1594 - 0.6806 - 0.6109) / 3, // TCW = −0.1856
      0, // NDMI
      (2 + 2.5 - 3 - 0.25) / 3, // AWEI_sh = b + 2.5g − 1.5(n + s1) − 0.25 s2
      (1 / 3 + 0.3) / (2 / 3), // BAEI = (r + 0.3) ÷ (g + s1)
      0, // NDSI
    ];
    expect(f).toHaveLength(15);
    f.forEach((value, k) => expect(value, `feature ${k}`).toBeCloseTo(expected[k]!, 6));
  });

  it('are NaN where a reflectance band is missing, and zero bands are divided by 1e-8 (no NaN)', () => {
    expect(features([Number.NaN, 100, 100, 100, 100, 100, 0, 0, 0]).slice(1).filter((v) => Number.isNaN(v))).toHaveLength(12);
    const zero = features([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(zero.slice(1, 5)).toEqual([0, 0, 0, 0]);
  });
});
