import { describe, expect, it } from 'vitest';
import { cleanAwsConnection } from './aws-connection.js';

describe('cleanAwsConnection', () => {
  it('trims the fields and drops the blank ones', () => {
    expect(cleanAwsConnection({ profile: ' science ', region: '', endpoint: ' http://127.0.0.1:5000 ' })).toEqual({ profile: 'science', endpoint: 'http://127.0.0.1:5000' });
    expect(cleanAwsConnection({ profile: '  ', region: 'us-gov-west-1' })).toEqual({ region: 'us-gov-west-1' });
  });

  it('refuses an endpoint that is not an http(s) URL, and a region that is not a region code, in one line', () => {
    expect(() => cleanAwsConnection({ endpoint: '127.0.0.1:5000' })).toThrow("invalid endpoint '127.0.0.1:5000': expected http://HOST:PORT or https://HOST");
    expect(() => cleanAwsConnection({ endpoint: 'http://localhost:4566/queues' })).toThrow(/^invalid endpoint/);
    expect(() => cleanAwsConnection({ region: 'Sydney' })).toThrow("invalid region 'Sydney': expected a region code such as ap-southeast-2");
  });
});
