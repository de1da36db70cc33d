import { readFileSync } from 'node:fs';
import { fromArrayBuffer } from 'geotiff';

/** The value of pixel (col, row) of a GeoTIFF's first band, read back by geotiff.js. */
export async function cogPixel(file: string, col: number, row: number): Promise<number> {
  const bytes = readFileSync(file);
  const image = await (await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))).getImage();
  const [band] = (await image.readRasters({ window: [col, row, col + 1, row + 1] })) as unknown as [ArrayLike<number>];
  return band[0]!;
}
