/**
 * odc-algo's `to_rgba` (odc/algo/_rgba.py), which odc-stats draws its rgba COG with from the
 * plugin's `rgb_bands` and `rgb_clamp`: each band is clipped to the clamp and scaled to 0–255 by
 * `(x − low) · (255 / (high − low))`, then cut to a whole number as numpy casts to uint8
 * (towards zero; NaN to 0). The alpha is 255 where the red band has data and 0 where it is
 * nodata or NaN; the green and blue bands' nodata does not clear it, and a pixel without data
 * keeps the colour its clipped value gives.
 *
 * The arithmetic is numpy 2's for a clamp of Python floats (odc-stats' default `(1.0, 3000.0)`):
 * float32 for float32 bands, float64 for the others, so that an integer band at the clamp's top
 * may come out 254 (2999 · fl(255 / 2999) is just under 255). A clamp written as integers makes
 * odc-algo divide integers instead, exact at the top; a parsed YAML number cannot tell the two
 * apart, so this program always takes the default's arithmetic.
 */
import type { Raster } from '../raster.js';

/** `rgb_clamp`: the band values drawn as 0 and as 255. */
export type RgbClamp = readonly [number, number];

/** RGBA pixels (row-major, 4 bytes a pixel) of red, green and blue bands of one size. */
export function toRgba(bands: readonly [Raster, Raster, Raster], clamp: RgbClamp): Uint8Array {
  const pixels = bands[0].data.length;
  if (bands.some((band) => band.data.length !== pixels)) throw new Error('rgba bands differ in size');
  const rgba = new Uint8Array(pixels * 4);
  bands.forEach((band, b) => {
    const toByte = byteScale(band, clamp);
    for (let i = 0; i < pixels; i++) rgba[i * 4 + b] = toByte(band.data[i]!);
  });
  const hasData = redHasData(bands[0]);
  for (let i = 0; i < pixels; i++) if (hasData(bands[0].data[i]!)) rgba[i * 4 + 3] = 255;
  return rgba;
}

/** odc-algo's `to_u8` of one sample, in the arithmetic numpy uses for the band's type. */
function byteScale(band: Raster, [low, high]: RgbClamp): (value: number) => number {
  const factor = 255 / (high - low);
  if (band.data instanceof Float32Array) {
    const [low32, high32, factor32] = [Math.fround(low), Math.fround(high), Math.fround(factor)];
    return (value) => castToByte(Math.fround(Math.fround(clip(value, low32, high32) - low32) * factor32));
  }
  return (value) => castToByte((clip(value, low, high) - low) * factor);
}

/** numpy's clip: NaN stays NaN. */
function clip(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

function castToByte(value: number): number {
  return Number.isNaN(value) ? 0 : Math.trunc(value);
}

/** odc-algo's alpha test on the red band: not NaN (floats) and not its nodata, as the band's type stores it. */
function redHasData(red: Raster): (value: number) => boolean {
  const { data, nodata } = red;
  const isFloat = data instanceof Float32Array || data instanceof Float64Array;
  if (nodata === null) return isFloat ? (value) => !Number.isNaN(value) : () => true;
  const stored = data instanceof Float32Array ? Math.fround(nodata) : nodata;
  return (value) => !Number.isNaN(value) && value !== stored;
}
