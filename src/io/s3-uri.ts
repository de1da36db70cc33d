/**
 * `s3://BUCKET/KEY` URIs, split into bucket and key, for the host and task processes alike.
 */
import { UserError } from '../shared/errors.js';

export interface S3Location {
  bucket: string;
  /** The key, without the slash after the bucket; '' for the bucket itself. */
  key: string;
}

/** The bucket and key of an s3:// URI, or undefined for anything else. */
export function s3LocationOf(uri: string): S3Location | undefined {
  const [, bucket, key = ''] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri) ?? [];
  return bucket === undefined ? undefined : { bucket, key };
}

/** The bucket and key of a URI a user gave as s3://; a one-line UserError for anything else. */
export function parseS3Uri(uri: string): S3Location {
  const location = s3LocationOf(uri);
  if (!location) throw new UserError(`not an S3 URI: ${uri}`);
  return location;
}
