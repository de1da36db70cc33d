/**
 * Reading S3 for the host (catalogues, task caches, run configs, output listings), with one-line
 * errors naming the URI. The AWS SDK is imported at the first read: a command on local files
 * never loads it (~20 MiB and half a second of startup).
 */
import { parseS3Uri } from '../../io/s3-uri.js';
import type { AwsConnection } from '../../shared/aws-connection.js';
import { UserError } from '../../shared/errors.js';
import { firstLine } from '../../shared/first-line.js';
import { httpStatusOf } from '../../io/s3-error-status.js';

export interface S3ReadOptions {
  /** Send requests unsigned, as public buckets allow, without looking for credentials. */
  unsigned?: boolean;
  /** The app's AWS settings, over the environment's. */
  connection?: AwsConnection;
  signal?: AbortSignal;
}

/** The body of the object at `uri`, to read once; `what` names it when it is not there (s3ReadError). */
export async function getS3Object(uri: string, options: S3ReadOptions = {}, what?: string) {
  const { bucket, key } = parseS3Uri(uri);
  try {
    const [{ GetObjectCommand }, { s3Client }] = await Promise.all([import('@aws-sdk/client-s3'), import('../../io/s3-client.js')]);
    const response = await s3Client(options).send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: options.signal,
    });
    if (!response.Body) throw new UserError(`cannot read ${uri}: the object has no body`);
    return response.Body;
  } catch (error) {
    throw s3ReadError(error, uri, what);
  }
}

/** Every key under `prefix`; with a delimiter, only those not below a further delimiter. */
export async function* listS3Keys(
  bucket: string,
  prefix: string,
  options: S3ReadOptions & { delimiter?: string } = {},
): AsyncIterable<string> {
  const [{ ListObjectsV2Command }, { s3Client }] = await Promise.all([import('@aws-sdk/client-s3'), import('../../io/s3-client.js')]);
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

/**
 * A one-line UserError for a failed S3 read; `what` names the missing thing ('catalogue', 'task
 * cache'). Aborts and UserErrors pass through.
 */
export function s3ReadError(error: unknown, uri: string, what = 'catalogue'): unknown {
  if (error instanceof UserError || (error instanceof Error && error.name === 'AbortError')) return error;
  const name = error instanceof Error ? error.name : '';
  const status = httpStatusOf(error);
  const code = (error as { code?: unknown }).code;
  if (name === 'NoSuchKey' || (name === 'NotFound' && status === 404)) return new UserError(`${what} not found: ${uri}`);
  if (name === 'NoSuchBucket') return new UserError(`cannot read ${uri}: the bucket '${parseS3Uri(uri).bucket}' does not exist`);
  if (name === 'AccessDenied' || status === 403) return new UserError(`cannot read ${uri}: access denied`);
  if (name === 'CredentialsProviderError') {
    return new UserError(`cannot read ${uri}: no AWS credentials found (a public bucket can be read unsigned)`);
  }
  if (code === 'ECONNREFUSED') return new UserError(`cannot reach S3 for ${uri} (connection refused)`);
  if (code === 'ENOTFOUND') return new UserError(`cannot reach S3 for ${uri} (host not found)`);
  return new UserError(`cannot read ${uri}: ${firstLine(error)}`);
}
