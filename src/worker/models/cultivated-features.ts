/**
 * The features DEA's cultivated model reads (odc-stats `lc_treelite_cultivated.py`,
 * `generate_features`), from a pixel's geomedian: the six reflectance bands divided by their
 * Euclidean norm; of them blue, green, SWIR 1 and SWIR 2, then `sdev`, `edev` ÷ 10 000 and
 * `bcdev`, then eight indices of the normalised bands: MNDWI, BUI, BSI, TCW, NDMI, AWEI_sh,
 * BAEI and NDSI. Computed in float32, as odc-stats computes them.
 */

/** The bands the features are made of, by their DEA names. */
export const CULTIVATED_BANDS = ['nbart_blue', 'nbart_green', 'nbart_red', 'nbart_nir', 'nbart_swir_1', 'nbart_swir_2', 'sdev', 'edev', 'bcdev'] as const;

export const CULTIVATED_FEATURE_COUNT = 15;

const f32 = Math.fround;

/** (a − b) ÷ (a + b) in float32. */
const normalisedDifference = (a: number, b: number) => f32(f32(a - b) / f32(a + b));

/**
 * Writes the pixel's 15 features at `out[at…]`; `v` holds the pixel's values in CULTIVATED_BANDS'
 * order, NaN where missing (a missing reflectance band makes every normalised feature NaN).
 */
export function cultivatedFeatures(v: ArrayLike<number>, out: Float32Array, at: number): void {
  const norm = f32(Math.hypot(v[0]!, v[1]!, v[2]!, v[3]!, v[4]!, v[5]!));
  const scale = Math.max(norm, 1e-8);
  const [b, g, r, n, s1, s2] = [0, 1, 2, 3, 4, 5].map((k) => f32(v[k]! / scale)) as [number, number, number, number, number, number];
  const features = [
    b,
    g,
    s1,
    s2,
    v[6]!,
    f32(v[7]! / 1e4),
    v[8]!,
    normalisedDifference(g, s1),
    f32(normalisedDifference(s1, n) - normalisedDifference(n, r)),
    f32(f32(f32(s1 + r) - f32(n + b)) / f32(f32(s1 + r) + f32(n + b))),
    0.0315 * b + 0.2021 * g + 0.3102 * r + 0.1594 * n - 0.6806 * s1 - 0.6109 * s2,
    normalisedDifference(n, s1),
    b + 2.5 * g - 1.5 * (n + s1) - 0.25 * s2,
    f32(f32(r + 0.3) / f32(g + s1)),
    normalisedDifference(g, s1),
  ];
  out.set(features, at);
}
