/**
 * The sample arrays of a task's chunks, carved out of a few large buffers that are kept and
 * handed out again chunk after chunk. A chunk is hundreds of arrays of a few hundred KiB (every
 * band of every day); allocated one by one, chunk after chunk, they leave the allocator's heap
 * fragmented and the process holding far more than it uses. Buffers of SEGMENT_BYTES are mapped
 * on their own by the allocator, and only their pages that are written take memory.
 */
import { bytesPerSample, newSampleArray, sampleArrayOn, type SampleArray, type SampleType } from './raster.js';

const SEGMENT_BYTES = 64 * 2 ** 20;
/** Arrays start on multiples of 8 bytes, as any sample type needs. */
const ALIGNMENT = 8;

export class SampleArena {
  private readonly segments: ArrayBufferLike[] = [];
  private segment = 0;
  private offset = 0;

  /** `memory` 'shared': the buffers are SharedArrayBuffers, for threads that each read a part of a chunk. */
  constructor(readonly memory: 'own' | 'shared') {}

  /** `length` zeroed samples of `type`, valid until the next `reset`. */
  allocate(type: SampleType, length: number): SampleArray {
    const bytes = length * bytesPerSample(type);
    for (;;) {
      let segment = this.segments[this.segment];
      if (!segment) {
        const size = Math.max(SEGMENT_BYTES, bytes);
        segment = this.memory === 'shared' ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
        this.segments.push(segment);
      }
      const at = Math.ceil(this.offset / ALIGNMENT) * ALIGNMENT;
      if (at + bytes <= segment.byteLength) {
        this.offset = at + bytes;
        return sampleArrayOn(type, segment, at, length).fill(0);
      }
      this.segment++;
      this.offset = 0;
    }
  }

  /** Whether the array's memory is the arena's (and will be handed out again). */
  holds(array: SampleArray): boolean {
    return this.segments.includes(array.buffer);
  }

  /** Every array handed out so far is given up: their memory is handed out again. */
  reset(): void {
    this.segment = 0;
    this.offset = 0;
  }
}

/** `length` zeroed samples of `type`: from `arena` where there is one, else an array of their own. */
export function newSampleArrayIn(arena: SampleArena | undefined, type: SampleType, length: number): SampleArray {
  return arena ? arena.allocate(type, length) : newSampleArray(type, length);
}
