/**
 * A JPEG-compressed RGBA tile as GDAL writes one: the colours as a baseline JPEG (YCbCr, no
 * chroma subsampling, which is what jpeg-js writes, so the TIFF says YCbCrSubSampling 1 × 1),
 * and the alpha, which JPEG cannot hold, as a 1-bit mask tile (TIFF transparency mask:
 * 1 where alpha is not 0), rows packed most significant bit first, deflated.
 */
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';

/** `rgba`: a square tile of `tileSize` pixels, 4 bytes each. */
export function jpegOfRgbaTile(rgba: Uint8Array, tileSize: number, quality: number): Uint8Array {
  // jpeg-js reads 4 bytes a pixel and leaves the 4th out.
  const { data } = jpeg.encode({ width: tileSize, height: tileSize, data: rgba }, quality);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function maskOfRgbaTile(rgba: Uint8Array, tileSize: number, zlevel: number): Uint8Array {
  const rowBytes = Math.ceil(tileSize / 8);
  const bits = new Uint8Array(rowBytes * tileSize);
  for (let y = 0; y < tileSize; y++) {
    for (let x = 0; x < tileSize; x++) {
      const at = y * rowBytes + (x >> 3);
      if (rgba[(y * tileSize + x) * 4 + 3] !== 0) bits[at] = bits[at]! | (0x80 >> (x & 7));
    }
  }
  return deflateSync(bits, { level: zlevel });
}
