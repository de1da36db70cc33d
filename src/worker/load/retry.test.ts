import { describe, expect, it } from 'vitest';
import { TransientReadError, withRetry } from './retry.js';

describe('withRetry', () => {
  it('tries again after transient errors, waiting longer each time', async () => {
    const times: number[] = [];
    const result = await withRetry(
      async () => {
        times.push(Date.now());
        if (times.length < 3) throw new TransientReadError('HTTP 503');
        return 'read';
      },
      { baseDelayMs: 40 },
    );
    expect(result).toBe('read');
    expect(times).toHaveLength(3);
    // Waits of 20–40 ms, then 40–80 ms.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(18);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(38);
  });

  it('throws the last transient error after the given number of tries', async () => {
    let attempts = 0;
    const failing = withRetry(
      async () => {
        attempts++;
        throw new TransientReadError(`failure ${attempts}`);
      },
      { tries: 4, baseDelayMs: 1 },
    );
    await expect(failing).rejects.toThrow('failure 4');
    expect(attempts).toBe(4);
  });

  it('does not retry other errors', async () => {
    let attempts = 0;
    const failing = withRetry(async () => {
      attempts++;
      throw new Error('not found');
    });
    await expect(failing).rejects.toThrow('not found');
    expect(attempts).toBe(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const started = Date.now();
    const failing = withRetry(
      async () => {
        attempts++;
        throw new TransientReadError('HTTP 503');
      },
      { baseDelayMs: 10_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(failing).rejects.toMatchObject({ name: 'AbortError' });
    expect(attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
