import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { AwsConnection } from '../../shared/aws-connection.js';

// As for S3 (src/io/s3-client.ts): the SDK's notice about Node 22 is for us, not for every user.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

/** The environment variables that choose where SQS requests go. */
export interface SqsEnvironment {
  AWS_ENDPOINT_URL_SQS?: string;
  AWS_ENDPOINT_URL?: string;
  AWS_REGION?: string;
  AWS_DEFAULT_REGION?: string;
}

export interface SqsClientChoice {
  /** The app's settings: each field given wins over the environment's. */
  connection?: AwsConnection;
  /** The SDK's own tries per request; a connection test that should answer at once sets 1. */
  maxAttempts?: number;
}

const DEFAULT_REGION = 'us-west-2';

/**
 * The SQS client configuration the connection and the environment ask for: a custom endpoint
 * (moto, ElasticMQ) from the connection, `AWS_ENDPOINT_URL_SQS` or `AWS_ENDPOINT_URL`;
 * credentials from the connection's profile, else the SDK's default provider chain
 * (environment, web identity of a pod's service account, instance role).
 */
export function sqsClientConfig(env: SqsEnvironment, choice: SqsClientChoice = {}): SQSClientConfig {
  const { connection = {} } = choice;
  const endpoint = connection.endpoint || env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL || undefined;
  const region = connection.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;
  return {
    region,
    ...(endpoint && { endpoint }),
    ...(connection.profile && { profile: connection.profile }),
    ...(choice.maxAttempts !== undefined && { maxAttempts: choice.maxAttempts }),
  };
}

/** A new SQS client; its owner calls `destroy()` when done, so that no socket outlives the work. */
export function createSqsClient(choice: SqsClientChoice = {}): SQSClient {
  return new SQSClient(sqsClientConfig(process.env, choice));
}
