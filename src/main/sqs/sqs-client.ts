import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';

// As for S3 (src/io/s3-client.ts): the SDK's notice about Node 22 is for us, not for every user.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

/** The environment variables that choose where SQS requests go. */
export interface SqsEnvironment {
  AWS_ENDPOINT_URL_SQS?: string;
  AWS_ENDPOINT_URL?: string;
  AWS_REGION?: string;
  AWS_DEFAULT_REGION?: string;
}

const DEFAULT_REGION = 'us-west-2';

/**
 * The SQS client configuration the environment asks for: a custom endpoint (moto, ElasticMQ)
 * from `AWS_ENDPOINT_URL_SQS` or `AWS_ENDPOINT_URL`; credentials from the SDK's default
 * provider chain (environment, web identity of a pod's service account, instance role).
 */
function sqsClientConfig(env: SqsEnvironment): SQSClientConfig {
  const endpoint = env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL || undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;
  return { region, ...(endpoint && { endpoint }) };
}

/** A new SQS client; its owner calls `destroy()` when done, so that no socket outlives the work. */
export function createSqsClient(env: SqsEnvironment = process.env): SQSClient {
  return new SQSClient(sqsClientConfig(env));
}
