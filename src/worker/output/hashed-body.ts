/**
 * A file's SHA-1 taken as a sink reads its body to write it, so that a streamed COG is not read
 * a second time for its checksum. The sink may read in any order (an S3 upload's parts at
 * once): the hash takes the bytes read in order from the start, and `digest` reads again only
 * what came out of order or was not read.
 */
import { createHash } from 'node:crypto';
import type { CogBody } from '../cog/cog-stream.js';

const PIECE_BYTES = 8 * 1024 * 1024;

export function hashedBody(body: CogBody): { body: CogBody; digest(): Promise<string> } {
  const hash = createHash('sha1');
  let hashed = 0;
  return {
    body: {
      size: body.size,
      read: async (offset, length) => {
        const bytes = await body.read(offset, length);
        if (offset <= hashed && offset + bytes.length > hashed) {
          hash.update(bytes.subarray(hashed - offset));
          hashed = offset + bytes.length;
        }
        return bytes;
      },
    },
    async digest() {
      while (hashed < body.size) {
        const bytes = await body.read(hashed, Math.min(PIECE_BYTES, body.size - hashed));
        hash.update(bytes);
        hashed += bytes.length;
      }
      return hash.digest('hex');
    },
  };
}
