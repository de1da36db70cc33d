import { afterEach, describe, expect, it, vi } from 'vitest';
import { BlockCache } from './block-cache.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Reads `keys` in order, each `bytes` big; the keys produced (decoded) rather than reused. */
async function read(cache: BlockCache<string>, keys: Array<[string, boolean]>, bytes = 10): Promise<string[]> {
  const produced: string[] = [];
  for (const [key, ahead] of keys) {
    expect(
      await cache.get(key, bytes, ahead, () => {
        produced.push(key);
        return Promise.resolve(`value of ${key}`);
      }),
    ).toBe(`value of ${key}`);
  }
  return produced;
}

describe('BlockCache', () => {
  it('produces each block once while it fits, and counts', async () => {
    const cache = new BlockCache<string>(30);
    expect(await read(cache, [['a', true], ['b', true], ['a', true], ['c', true], ['b', true]])).toEqual(['a', 'b', 'c']);
    expect(cache.stats()).toEqual({ decoded: 3, reused: 2 });
  });

  it('shares a block still being produced', async () => {
    const cache = new BlockCache<string>(100);
    let calls = 0;
    const produce = () => {
      calls++;
      return new Promise<string>((resolve) => setTimeout(() => resolve('x'), 10));
    };
    expect(await Promise.all([cache.get('k', 1, true, produce), cache.get('k', 1, true, produce)])).toEqual(['x', 'x']);
    expect(calls).toBe(1);
  });

  it('drops a block read for the last time at once, and evicts least recently used first', async () => {
    const cache = new BlockCache<string>(30);
    // c is read for the last time: it takes no room, and a fourth block fits beside a and b.
    await read(cache, [['a', true], ['b', true], ['c', false], ['d', true]]);
    expect(await read(cache, [['a', true], ['b', true], ['d', true], ['c', true]])).toEqual(['c']);
    // c pushed out the least recently used, a; b is now read for the last time and leaves.
    expect(await read(cache, [['b', false], ['a', true], ['b', true]])).toEqual(['a', 'b']);
    expect(cache.stats()).toEqual({ decoded: 7, reused: 4 });
  });

  it('keeps no block larger than the budget, and no failed block', async () => {
    const cache = new BlockCache<string>(30);
    expect(await read(cache, [['big', true], ['big', true]], 40)).toEqual(['big', 'big']);
    await expect(cache.get('bad', 10, true, () => Promise.reject(new Error('corrupt')))).rejects.toThrow('corrupt');
    expect(await read(cache, [['bad', true]])).toEqual(['bad']);
    // The failed block gave its bytes back: three more fit with it.
    expect(await read(cache, [['x', true], ['y', true], ['bad', true]])).toEqual(['x', 'y']);
  });

  it('empties on clear, and after half a minute unused', async () => {
    vi.useFakeTimers();
    const cache = new BlockCache<string>(100);
    await read(cache, [['a', true]]);
    cache.clear();
    expect(await read(cache, [['a', true]])).toEqual(['a']);
    await read(cache, [['b', true]]);
    vi.advanceTimersByTime(20_000);
    expect(await read(cache, [['b', true]])).toEqual([]);
    vi.advanceTimersByTime(20_000);
    expect(await read(cache, [['b', true]])).toEqual([]);
    vi.advanceTimersByTime(31_000);
    expect(await read(cache, [['a', true], ['b', true]])).toEqual(['a', 'b']);
  });
});
