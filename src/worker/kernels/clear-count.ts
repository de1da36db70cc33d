/** Clear-observation counts: how many of a pixel's masks are set. */

/**
 * Number of non-zero entries per pixel of a `[time][pixel]` stack of masks (entry (t, p) at
 * `t * pixels + p`; any non-zero byte counts as true).
 */
export function countTrue(masks: Uint8Array, times: number, pixels: number): Uint16Array {
  if (!Number.isSafeInteger(times) || times < 0 || !Number.isSafeInteger(pixels) || pixels < 0) {
    throw new RangeError(`times (${times}) and pixels (${pixels}) must be integers ≥ 0`);
  }
  if (times > 0xffff) throw new RangeError(`${times} time steps: at most 65535 (counts are Uint16)`);
  if (masks.length !== times * pixels) {
    throw new RangeError(`masks has ${masks.length} entries; ${times} times × ${pixels} pixels needs ${times * pixels}`);
  }
  const counts = new Uint16Array(pixels);
  for (let t = 0, row = 0; t < times; t++, row += pixels) {
    for (let p = 0; p < pixels; p++) counts[p] += masks[row + p] === 0 ? 0 : 1;
  }
  return counts;
}
