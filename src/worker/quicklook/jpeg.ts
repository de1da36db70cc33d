/** JPEG encoding of quicklook images, for odc-stats' `_thumbnail.jpg`. */
import { encode } from 'jpeg-js';

/** GDAL's JPEG quality by default, with which eodatasets3 writes thumbnails. */
const THUMBNAIL_QUALITY = 75;

/**
 * A baseline JPEG of `width × height` pixels from RGBA pixels (row-major, 4 bytes a pixel). JPEG
 * has no transparency: each pixel is laid over black by its alpha, so that missing data is black,
 * as in eodatasets3's thumbnails.
 */
export function encodeJpeg(rgba: Uint8Array, width: number, height: number, quality = THUMBNAIL_QUALITY): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`JPEG size ${width} × ${height} must be positive integers`);
  }
  if (rgba.length !== width * height * 4) {
    throw new Error(`JPEG pixels: ${rgba.length} bytes given, ${width} × ${height} RGBA needs ${width * height * 4}`);
  }
  const opaque = Buffer.alloc(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const alpha = rgba[i + 3]!;
    for (let c = 0; c < 3; c++) opaque[i + c] = Math.round((rgba[i + c]! * alpha) / 255);
    opaque[i + 3] = 255;
  }
  return new Uint8Array(encode({ data: opaque, width, height }, quality).data);
}
