import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { UserError } from '../../shared/errors.js';
import { parseS3Uri, s3Client, s3ReadError } from '../io/s3.js';
import { openTaskCache } from '../run/open-task-cache.js';
import type { TaskCache } from '../taskcache/task-cache.js';

/**
 * A task cache from a path or an s3:// URI, with "task cache not found" when it is not there
 * (rather than the download's own message).
 */
export async function openExistingTaskCache(uri: string, options: { unsigned?: boolean } = {}): Promise<TaskCache> {
  if (uri.startsWith('s3://')) {
    const { bucket, key } = parseS3Uri(uri);
    if (!key || key.endsWith('/')) throw new UserError(`not a task cache URI: ${uri} (expected s3://bucket/path/NAME.db)`);
    try {
      await s3Client(options).send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (e as Error).name === 'NotFound') throw new UserError(`task cache not found: ${uri}`);
      throw s3ReadError(e, uri);
    }
  }
  return openTaskCache(uri, options);
}
