import { describe, expect, it } from 'vitest';
import { SampleArena } from './sample-arena.js';

describe('SampleArena', () => {
  it('hands out zeroed arrays of the type asked for that do not overlap', () => {
    const arena = new SampleArena('own');
    const a = arena.allocate('uint8', 3);
    const b = arena.allocate('float64', 2);
    const c = arena.allocate('uint16', 5);
    expect([a, b, c].map((x) => x.constructor.name)).toEqual(['Uint8Array', 'Float64Array', 'Uint16Array']);
    a.fill(255);
    b.fill(-1);
    c.fill(7);
    expect([...a]).toEqual([255, 255, 255]);
    expect([...b]).toEqual([-1, -1]);
    expect([...c]).toEqual([7, 7, 7, 7, 7]);
    // The float64 array starts on a multiple of 8 bytes after the 3 bytes before it.
    expect(b.byteOffset).toBe(8);
  });

  it('hands the same memory out again after a reset, zeroed', () => {
    const arena = new SampleArena('own');
    const first = arena.allocate('int16', 10).fill(-3);
    arena.reset();
    const again = arena.allocate('int16', 10);
    expect(again.buffer).toBe(first.buffer);
    expect(again.byteOffset).toBe(first.byteOffset);
    expect([...again]).toEqual(new Array(10).fill(0));
  });

  it('says which arrays are views of its memory', () => {
    const arena = new SampleArena('shared');
    const band = arena.allocate('uint16', 8);
    expect(arena.holds(band.subarray(2, 4))).toBe(true);
    expect(arena.holds(band.slice())).toBe(false);
    expect(arena.holds(new Uint16Array(8))).toBe(false);
  });

  it('puts threads\' arrays on SharedArrayBuffers, and an array larger than a segment in one of its own', () => {
    const arena = new SampleArena('shared');
    const small = arena.allocate('float32', 4);
    expect(small.buffer).toBeInstanceOf(SharedArrayBuffer);
    const large = arena.allocate('uint8', 65 * 2 ** 20);
    expect(large.buffer).not.toBe(small.buffer);
    expect(large.byteOffset).toBe(0);
    expect(large.byteLength).toBe(65 * 2 ** 20);
    // The arena goes on after it: the large one's buffer is full.
    const after = arena.allocate('uint8', 1);
    expect(after.buffer).not.toBe(large.buffer);
    expect(after.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});
