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

  it('evicts least recently used first, blocks read for the last time before those read again', async () => {
    const cache = new BlockCache<string>(30);
    // a and b expected again, c finished with; d pushes one out: c, although the newest.
    await read(cache, [['a', true], ['b', true], ['c', false], ['d', true]]);
    expect(await read(cache, [['a', true], ['b', true], ['c', true]])).toEqual(['c']);
    // Now all ahead: least recently used (d) goes for c.
    expect(await read(cache, [['d', true]])).toEqual(['d']);
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
