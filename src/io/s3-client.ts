/**
 * The S3 clients of a process, one per configuration, for the host and task processes alike.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsConnection } from '../shared/aws-connection.js';
import { s3ClientConfig } from './s3-config.js';

export interface S3ClientOptions {
  /** Send requests unsigned, as public buckets allow, without looking for credentials. */
  unsigned?: boolean;
  /**
   * Whether the SDK retries failed requests itself (the default). Dataset reads retry with the
   * project's own policy (src/worker/load/retry.ts), the same for S3 and HTTP, and turn it off.
   */
  sdkRetries?: boolean;
  /** The app's AWS settings, over the environment's. */
  connection?: AwsConnection;
}

const clients = new Map<string, S3Client>();

// This app runs on Node 20 (better-sqlite3 12 needs it); the SDK's notice that its releases
// after January 2027 need Node 22 is for us, not for every user of every command.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

/** The S3 client for the endpoint and region the connection or else the environment names, shared by callers with the same options. */
export function s3Client(options: S3ClientOptions = {}): S3Client {
  const { key, config } = s3ClientConfig(process.env, {
    unsigned: options.unsigned ?? false,
    ...(options.sdkRetries === false && { maxAttempts: 1 }),
    ...(options.connection && { connection: options.connection }),
  });
  let client = clients.get(key);
  if (!client) {
    client = new S3Client(config);
    clients.set(key, client);
  }
  return client;
}
