import { describe, expect, it } from 'vitest';
import { s3Client } from './s3-client.js';

describe('s3Client', () => {
  it('is shared by callers with the same options', () => {
    expect(s3Client()).toBe(s3Client({ unsigned: false, sdkRetries: true }));
    expect(s3Client({ unsigned: true })).not.toBe(s3Client());
    expect(s3Client({ sdkRetries: false })).not.toBe(s3Client());
  });
});
