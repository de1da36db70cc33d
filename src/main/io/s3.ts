import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { UserError } from '../../shared/errors.js';
import { s3ClientConfig } from '../../shared/s3-config.js';

export interface S3ReadOptions {
  /** Send requests unsigned, as public buckets allow, without looking for credentials. */
  unsigned?: boolean;
  signal?: AbortSignal;
}

const clients = new Map<string, S3Client>();

// This app runs on Node 20 (better-sqlite3 12 needs it); the SDK's notice that its releases
// after January 2027 need Node 22 is for us, not for every user of every command.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

/** The S3 client for the endpoint and region the environment names, one per configuration. */
export function s3Client(options: { unsigned?: boolean } = {}): S3Client {
  const { key, config } = s3ClientConfig(process.env, options);
  let client = clients.get(key);
  if (!client) {
    client = new S3Client(config);
    clients.set(key, client);
  }
  return client;
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new UserError(`not an S3 URI: ${uri}`);
  return { bucket: match[1], key: match[2] };
}

/** The body of the object at `uri`, to read once. */
export async function getS3Object(uri: string, options: S3ReadOptions = {}) {
  const { bucket, key } = parseS3Uri(uri);
  try {
    const response = await s3Client(options).send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: options.signal,
    });
    if (!response.Body) throw new UserError(`cannot read ${uri}: the object has no body`);
    return response.Body;
  } catch (error) {
    throw s3ReadError(error, uri);
  }
}

/** Every key under `prefix`; with a delimiter, only those not below a further delimiter. */
export async function* listS3Keys(
  bucket: string,
  prefix: string,
  options: S3ReadOptions & { delimiter?: string } = {},
): AsyncIterable<string> {
  let continuationToken: string | undefined;
  do {
    const command = new ListObjectsV2Command({
      Bucket: bucket,
      Prefix: prefix,
      Delimiter: options.delimiter,
      ContinuationToken: continuationToken,
    });
    let page;
    try {
      page = await s3Client(options).send(command, { abortSignal: options.signal });
    } catch (error) {
      throw s3ReadError(error, `s3://${bucket}/${prefix}`);
    }
    for (const object of page.Contents ?? []) if (object.Key !== undefined) yield object.Key;
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken);
}

/** The one-line UserError for a failed S3 request; aborts and UserErrors pass through. */
/** A one-line UserError for a failed S3 read; `what` names the missing thing ('catalogue', 'task cache'). */
export function s3ReadError(error: unknown, uri: string, what = 'catalogue'): unknown {
  if (error instanceof UserError || (error instanceof Error && error.name === 'AbortError')) return error;
  const name = error instanceof Error ? error.name : '';
  const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
  const code = (error as { code?: unknown }).code;
  if (name === 'NoSuchKey' || (name === 'NotFound' && status === 404)) return new UserError(`${what} not found: ${uri}`);
  if (name === 'NoSuchBucket') return new UserError(`cannot read ${uri}: the bucket '${parseS3Uri(uri).bucket}' does not exist`);
  if (name === 'AccessDenied' || status === 403) return new UserError(`cannot read ${uri}: access denied`);
  if (name === 'CredentialsProviderError') {
    return new UserError(`cannot read ${uri}: no AWS credentials found (a public bucket can be read unsigned)`);
  }
  if (code === 'ECONNREFUSED') return new UserError(`cannot reach S3 for ${uri} (connection refused)`);
  if (code === 'ENOTFOUND') return new UserError(`cannot reach S3 for ${uri} (host not found)`);
  const message = error instanceof Error ? error.message : String(error);
  return new UserError(`cannot read ${uri}: ${message.split('\n')[0]}`);
}
