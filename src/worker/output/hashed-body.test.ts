import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CogBody } from '../cog/cog-stream.js';
import { hashedBody } from './hashed-body.js';

/** A body over `bytes` that records the ranges read. */
function recordedBody(bytes: Uint8Array): CogBody & { reads: Array<[number, number]> } {
  const reads: Array<[number, number]> = [];
  return {
    size: bytes.length,
    reads,
    read: (offset, length) => {
      reads.push([offset, length]);
      return Promise.resolve(bytes.slice(offset, offset + length));
    },
  };
}

const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) % 251);
const expected = createHash('sha1').update(bytes).digest('hex');

describe('hashedBody', () => {
  it('hashes what is read in order, without reading it again', async () => {
    const source = recordedBody(bytes);
    const { body, digest } = hashedBody(source);
    for (let at = 0; at < body.size; at += 300) await body.read(at, Math.min(300, body.size - at));
    expect(await digest()).toBe(expected);
    expect(source.reads).toEqual([[0, 300], [300, 300], [600, 300], [900, 100]]);
  });

  it('reads again only what came out of order or was not read, and overlapping reads count once', async () => {
    const source = recordedBody(bytes);
    const { body, digest } = hashedBody(source);
    await body.read(0, 400);
    await body.read(200, 400); // overlaps: hashed up to 600
    await body.read(800, 200); // ahead of the hash: read again by digest
    expect(await digest()).toBe(expected);
    expect(source.reads.slice(3)).toEqual([[600, 400]]);
  });
});
