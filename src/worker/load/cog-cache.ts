/**
 * The opened GeoTIFFs of a task, kept so that each band of each dataset has its header read
 * once: a small LRU, keyed by href, emptied at the end of the task (with the task's decoded
 * blocks).
 */
import { openCog, type OpenCog } from './open-cog.js';
import { clearDecodedBlocks } from './read-window.js';
import { raceAbort } from '../../shared/race-abort.js';

export interface CachedCogOptions {
  /** S3 without credentials. */
  unsigned?: boolean;
  signal?: AbortSignal;
}

const CACHE_SIZE = 16;
const cache = new Map<string, Promise<OpenCog>>();

/**
 * The opened file for `href`, from the cache when it is there. A failed open is not kept, so a
 * later call tries again. The caller's signal stops its wait, not the open others may share.
 */
export function openCachedCog(href: string, options: CachedCogOptions = {}): Promise<OpenCog> {
  const key = `${options.unsigned ? 'unsigned' : 'signed'} ${href}`;
  let opening = cache.get(key);
  if (opening) {
    cache.delete(key);
  } else {
    opening = openCog(href, { unsigned: options.unsigned });
    opening.catch(() => {
      if (cache.get(key) === opening) cache.delete(key);
    });
  }
  cache.set(key, opening);
  while (cache.size > CACHE_SIZE) {
    const [oldestKey, oldest] = cache.entries().next().value as [string, Promise<OpenCog>];
    cache.delete(oldestKey);
    // Safe while another load still reads it: a closed reader opens again on its next read.
    oldest.then((cog) => cog.close()).catch(() => undefined);
  }
  return raceAbort(opening, options.signal);
}

/** Closes and forgets every cached file, and every decoded block; for the end of a task. */
export async function closeCachedCogs(): Promise<void> {
  clearDecodedBlocks();
  const open = [...cache.values()];
  cache.clear();
  await Promise.all(open.map((opening) => opening.then((cog) => cog.close()).catch(() => undefined)));
}
