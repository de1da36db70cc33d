/** PNG encoding of quicklook images. */
import { encode } from 'fast-png';

/** An 8-bit RGBA PNG of `width × height` pixels, `rgba` row-major, 4 bytes a pixel. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`PNG size ${width} × ${height} must be positive integers`);
  }
  if (rgba.length !== width * height * 4) {
    throw new Error(`PNG pixels: ${rgba.length} bytes given, ${width} × ${height} RGBA needs ${width * height * 4}`);
  }
  return encode({ width, height, data: rgba, channels: 4, depth: 8 });
}
