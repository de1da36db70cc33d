import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { httpStatusOf } from './s3-error-status.js';

describe('httpStatusOf', () => {
  it("reads an SDK error's HTTP status, and nothing from other errors", () => {
    const denied = new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } });
    expect(httpStatusOf(denied)).toBe(403);
    expect(httpStatusOf(new Error('ECONNREFUSED'))).toBeUndefined();
    expect(httpStatusOf(null)).toBeUndefined();
    expect(httpStatusOf('a string')).toBeUndefined();
  });
});
