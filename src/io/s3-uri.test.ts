import { describe, expect, it } from 'vitest';
import { parseS3Uri, s3LocationOf } from './s3-uri.js';

describe('S3 URIs', () => {
  it('split into bucket and key', () => {
    expect(parseS3Uri('s3://bucket/a/b c.json')).toEqual({ bucket: 'bucket', key: 'a/b c.json' });
    expect(parseS3Uri('s3://bucket')).toEqual({ bucket: 'bucket', key: '' });
    expect(s3LocationOf('s3://bucket/')).toEqual({ bucket: 'bucket', key: '' });
  });

  it('are told from other URIs', () => {
    expect(s3LocationOf('https://bucket/key')).toBeUndefined();
    expect(s3LocationOf('s3:///key')).toBeUndefined();
    expect(() => parseS3Uri('https://bucket/key')).toThrow('not an S3 URI: https://bucket/key');
  });
});
