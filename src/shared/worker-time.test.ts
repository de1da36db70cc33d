import { describe, expect, it } from 'vitest';
import { formatWorkerTime } from './worker-time.js';

describe('formatWorkerTime', () => {
  it('says hours from a tenth of an hour, minutes below, and nothing under a minute', () => {
    expect(formatWorkerTime(27)).toBe('about 27 worker-hours');
    expect(formatWorkerTime(3.24)).toBe('about 3.2 worker-hours');
    expect(formatWorkerTime(0.1)).toBe('about 0.1 worker-hours');
    expect(formatWorkerTime(0.05)).toBe('about 3 worker-minutes');
    expect(formatWorkerTime(1 / 120)).toBe('under a worker-minute');
  });
});
