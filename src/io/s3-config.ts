import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type { AwsConnection } from '../shared/aws-connection.js';

/** The environment variables that choose where S3 requests go. */
export interface S3Environment {
  AWS_ENDPOINT_URL_S3?: string;
  AWS_ENDPOINT_URL?: string;
  AWS_REGION?: string;
  AWS_DEFAULT_REGION?: string;
}

export interface S3ClientChoice {
  /** Send requests unsigned, as public buckets allow, without looking for credentials. */
  unsigned?: boolean;
  /** The SDK's own tries per request; callers with their own retry policy set 1. */
  maxAttempts?: number;
  /** The app's settings: each field given wins over the environment's. */
  connection?: AwsConnection;
}

const DEFAULT_REGION = 'us-west-2';

// One scheme that resolves no identity and passes requests through unchanged. Replacing the
// SigV4 schemes (rather than only the signer) keeps the SDK from searching for credentials,
// which off AWS would end in a probe of the EC2 metadata service.
const unsignedRequests: Pick<S3ClientConfig, 'httpAuthSchemes' | 'httpAuthSchemeProvider'> = {
  httpAuthSchemeProvider: () => [{ schemeId: 'smithy.api#noAuth' }],
  httpAuthSchemes: [
    {
      schemeId: 'smithy.api#noAuth',
      identityProvider: () => async () => ({}),
      signer: { sign: async (request) => request },
    },
  ],
};

/**
 * The S3 client configuration the connection and the environment ask for (a custom endpoint
 * such as moto or MinIO is addressed path-style), and a key that differs whenever the
 * configuration does, for callers that keep one client per configuration.
 */
export function s3ClientConfig(env: S3Environment, choice: S3ClientChoice = {}): { key: string; config: S3ClientConfig } {
  const { connection = {} } = choice;
  const endpoint = connection.endpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const region = connection.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;
  const unsigned = choice.unsigned ?? false;
  return {
    key: JSON.stringify([endpoint, region, unsigned, choice.maxAttempts ?? null, connection.profile ?? null]),
    config: {
      region,
      ...(connection.profile && { profile: connection.profile }),
      ...(choice.maxAttempts !== undefined && { maxAttempts: choice.maxAttempts }),
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      ...(unsigned ? unsignedRequests : {}),
    },
  };
}
