/**
 * The swipe's halves: the part of a preview image on one side of a meridian. Previews are Web
 * Mercator boxes, in which x is proportional to longitude, so a meridian cuts one at a column;
 * the cut is rounded to the nearest column, so that every pixel drawn is a whole one.
 */
import type { PreviewImage } from '../../shared/api.js';

export type SwipeSide = 'left' | 'right';

export interface ImageCrop {
  /** The image's columns kept: from `from` up to, not including, `to`. */
  from: number;
  to: number;
  coordinates: PreviewImage['coordinates'];
}

/** The columns of an image `width` pixels wide on `side` of longitude `lon`, with their corners; null when none is. */
export function cropAtMeridian(coordinates: PreviewImage['coordinates'], width: number, lon: number, side: SwipeSide): ImageCrop | null {
  const [[west, north], [east], [, south]] = coordinates;
  const cut = Math.min(width, Math.max(0, Math.round(((lon - west) / (east - west)) * width)));
  const [from, to] = side === 'left' ? [0, cut] : [cut, width];
  if (to <= from) return null;
  const lonAt = (column: number) => west + (column / width) * (east - west);
  const [left, right] = [lonAt(from), lonAt(to)];
  return {
    from,
    to,
    coordinates: [
      [left, north],
      [right, north],
      [right, south],
      [left, south],
    ],
  };
}

const decodedImages = new Map<string, Promise<HTMLImageElement>>();
/** Images decoded lately; previews are replaced on every change of stretch, so older ones are let go. */
const DECODED_KEPT = 8;

export function decodeImage(url: string): Promise<HTMLImageElement> {
  let decoded = decodedImages.get(url);
  if (!decoded) {
    const image = new Image();
    image.src = url;
    decoded = image.decode().then(() => image);
    decodedImages.set(url, decoded);
    for (const old of [...decodedImages.keys()].slice(0, -DECODED_KEPT)) decodedImages.delete(old);
  }
  return decoded;
}

/** Columns `from` to `to` of a decoded image, as a PNG data URL. */
export function cropImage(image: HTMLImageElement, from: number, to: number): string {
  const canvas = document.createElement('canvas');
  canvas.width = to - from;
  canvas.height = image.naturalHeight;
  canvas.getContext('2d')!.drawImage(image, from, 0, to - from, image.naturalHeight, 0, 0, to - from, image.naturalHeight);
  return canvas.toDataURL('image/png');
}
