/** Task outputs on S3 (see ./sink.ts): single PUTs or multipart uploads, which S3 makes whole or nothing. */
import { DeleteObjectCommand, HeadBucketCommand, HeadObjectCommand, type ObjectCannedACL } from '@aws-sdk/client-s3';
import { s3Client } from '../../io/s3-client.js';
import { uploadObject } from '../../io/s3-upload.js';
import { s3LocationOf } from '../../io/s3-uri.js';
import type { OutputSink, SinkOptions } from './sink.js';
import { httpStatusOf } from '../../io/s3-error-status.js';

export function s3Sink(options: SinkOptions): OutputSink {
  const client = s3Client({ unsigned: options.unsigned ?? false });
  const acl = options.s3Acl as ObjectCannedACL | undefined;
  const objectAt = (uri: string) => {
    const location = s3LocationOf(uri);
    if (!location?.key) throw new Error(`not an s3:// URI: ${uri}`);
    return location;
  };
  return {
    async exists(uri) {
      try {
        const { bucket, key } = objectAt(uri);
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (e) {
        const status = httpStatusOf(e);
        if (status === 404 || (e as Error).name === 'NotFound' || (e as Error).name === 'NoSuchKey') return false;
        throw e;
      }
    },
    async remove(uri) {
      const { bucket, key } = objectAt(uri);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async probe(location) {
      const Bucket = s3LocationOf(location)?.bucket;
      if (!Bucket) throw new Error('not an s3://BUCKET/PATH location');
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (e) {
        const status = httpStatusOf(e);
        // Writing may be allowed where looking at the bucket is not: the writes will tell.
        if (status === 403) return;
        if (status === 404 || (e as Error).name === 'NotFound' || (e as Error).name === 'NoSuchBucket') throw new Error(`no bucket ${Bucket}`);
        throw e;
      }
    },
    async write(uri, body, contentType) {
      const target = { ...objectAt(uri), contentType, ...(acl && { acl }) };
      await uploadObject(client, target, { size: body.byteLength, read: async (offset, length) => body.subarray(offset, offset + length) });
    },
    async writeFrom(uri, body, contentType) {
      await uploadObject(client, { ...objectAt(uri), contentType, ...(acl && { acl }) }, body);
    },
  };
}
