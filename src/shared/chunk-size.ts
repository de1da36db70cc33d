/**
 * The side of the square blocks a task is computed in, so that one task's working memory fits
 * its share of `memory_limit`. Per pixel of a block a task holds every input band of every
 * observation as loaded (up to 4 bytes a sample) and its float32 stack for the reduction.
 */
const MIN_CHUNK = 64;
const MAX_CHUNK = 1024;
const BYTES_PER_SAMPLE = 4 + 4;

export function chunkSizeFor(memoryBytes: number, inputBands: number, observations: number): number {
  const perPixel = Math.max(1, inputBands * Math.max(1, observations) * BYTES_PER_SAMPLE);
  // Half the budget: a stripe of outputs (tile width × one chunk, streamed to COGs), encoding and the runtime need the rest.
  const side = Math.floor(Math.sqrt(memoryBytes / 2 / perPixel) / MIN_CHUNK) * MIN_CHUNK;
  return Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, side));
}
