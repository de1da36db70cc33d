import { describe, expect, it } from 'vitest';
import { s3ClientConfig } from './s3-config.js';

const ENV = { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_REGION: 'eu-west-1' };

describe('s3ClientConfig', () => {
  it('takes the endpoint and region from the environment', () => {
    expect(s3ClientConfig(ENV).config).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', forcePathStyle: true });
  });

  it('lets each field of the connection win over the environment, and gives it a client of its own', () => {
    const connection = { profile: 'science', region: 'ap-southeast-2', endpoint: 'http://127.0.0.1:5000' };
    expect(s3ClientConfig(ENV, { connection }).config).toEqual({ region: 'ap-southeast-2', profile: 'science', endpoint: 'http://127.0.0.1:5000', forcePathStyle: true });
    expect(s3ClientConfig(ENV, { connection: { profile: 'science' } }).config).toEqual({ region: 'eu-west-1', profile: 'science', endpoint: 'http://127.0.0.1:4566', forcePathStyle: true });
    expect(s3ClientConfig(ENV, { connection: { profile: 'science' } }).key).not.toBe(s3ClientConfig(ENV).key);
    expect(s3ClientConfig(ENV, { connection: { region: 'eu-west-1' } }).key).toBe(s3ClientConfig(ENV).key);
  });
});
