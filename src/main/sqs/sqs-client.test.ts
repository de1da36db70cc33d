import { describe, expect, it } from 'vitest';
import { sqsClientConfig } from './sqs-client.js';

describe('sqsClientConfig', () => {
  it('prefers the SQS endpoint of the environment, and the default region without one', () => {
    expect(sqsClientConfig({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:2' })).toEqual({ region: 'us-west-2', endpoint: 'http://127.0.0.1:2' });
  });

  it('lets the connection of the app’s settings win over the environment', () => {
    const env = { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:2', AWS_DEFAULT_REGION: 'eu-west-1' };
    expect(sqsClientConfig(env, { connection: { endpoint: 'http://127.0.0.1:3', region: 'ap-southeast-2', profile: 'fleet' }, maxAttempts: 1 })).toEqual({
      region: 'ap-southeast-2',
      endpoint: 'http://127.0.0.1:3',
      profile: 'fleet',
      maxAttempts: 1,
    });
    expect(sqsClientConfig(env, { connection: { profile: 'fleet' } })).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:2', profile: 'fleet' });
  });
});
