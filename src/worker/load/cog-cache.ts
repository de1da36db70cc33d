/**
 * The opened GeoTIFFs of a task, kept so that each band of each dataset has its header read
 * once per task, keyed by href, emptied at the end of the task (with the task's decoded
 * blocks). A gm-s2 chunk reads hundreds of files, more than a process should hold open, so
 * headers and file handles are kept apart: every header stays (up to HEADERS_KEPT), and only
 * the HANDLES_OPEN most recently used files keep a handle; a closed one reopens on its next read.
 */
import { openCog, type OpenCog } from './open-cog.js';
import { clearDecodedBlocks } from './read-window.js';
import { raceAbort } from '../../shared/race-abort.js';

export interface CachedCogOptions {
  /** S3 without credentials. */
  unsigned?: boolean;
  signal?: AbortSignal;
}

const HEADERS_KEPT = 4096;
const HANDLES_OPEN = 16;
/** Opened files by key, least recently used first. */
const cache = new Map<string, Promise<OpenCog>>();
/** The keys whose handle may be open, least recently used first. */
const withHandle = new Set<string>();

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
      if (cache.get(key) !== opening) return;
      cache.delete(key);
      withHandle.delete(key);
    });
  }
  cache.set(key, opening);
  withHandle.delete(key);
  withHandle.add(key);
  for (const oldKey of withHandle) {
    if (withHandle.size <= HANDLES_OPEN) break;
    withHandle.delete(oldKey);
    // Safe while another load still reads it: a closed reader opens again on its next read.
    cache.get(oldKey)?.then((cog) => cog.close()).catch(() => undefined);
  }
  for (const [oldKey, old] of cache) {
    if (cache.size <= HEADERS_KEPT) break;
    cache.delete(oldKey);
    withHandle.delete(oldKey);
    old.then((cog) => cog.close()).catch(() => undefined);
  }
  return raceAbort(opening, options.signal);
}

/** Closes and forgets every cached file, and every decoded block; for the end of a task. */
export async function closeCachedCogs(): Promise<void> {
  clearDecodedBlocks();
  const open = [...cache.values()];
  cache.clear();
  withHandle.clear();
  await Promise.all(open.map((opening) => opening.then((cog) => cog.close()).catch(() => undefined)));
}
