import { createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { AwsConnection } from '../../shared/aws-connection.js';
import { UserError } from '../../shared/errors.js';
import { parseS3Uri } from '../../io/s3-uri.js';
import { getS3Object, s3ReadError } from '../io/s3.js';
import { DscacheTaskCache, isLmdb } from '../taskcache/dscache-task-cache.js';
import { TaskCache } from '../taskcache/task-cache.js';

const downloaded = new Map<string, string>();

/** What a run reads of a task cache: this application's SQLite file or odc-stats' odc-dscache file alike. */
export type TaskCacheReader = Pick<TaskCache, 'meta' | 'tasks' | 'task' | 'datasetsOf' | 'datasetCount' | 'close'>;

/** A local task cache, told apart by its first bytes: an LMDB file is odc-stats' odc-dscache, anything else SQLite. */
export function openLocalTaskCache(file: string): Promise<TaskCacheReader> {
  return isLmdb(file) ? DscacheTaskCache.open(file) : Promise.resolve(TaskCache.open(file));
}

/**
 * Opens a task cache from a path or an s3:// URI. A remote cache is downloaded once per
 * process into the temporary folder and reused (a worker draining a queue sees the same
 * cache in many messages).
 */
export async function openTaskCache(uri: string, options: { unsigned?: boolean; connection?: AwsConnection } = {}): Promise<TaskCacheReader> {
  if (!uri.startsWith('s3://')) return openLocalTaskCache(uri);
  let local = downloaded.get(uri);
  if (!local) {
    const { key } = parseS3Uri(uri);
    if (!key || key.endsWith('/')) throw new UserError(`not a task cache URI: ${uri} (expected s3://bucket/path/NAME.db)`);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'odc-stats-cache-'));
    local = path.join(dir, path.basename(key));
    try {
      await pipeline((await getS3Object(uri, options, 'task cache')) as Readable, createWriteStream(local));
    } catch (e) {
      await fs.rm(dir, { recursive: true, force: true });
      throw s3ReadError(e, uri, 'task cache');
    }
    downloaded.set(uri, local);
  }
  return openLocalTaskCache(local);
}
