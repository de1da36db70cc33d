/**
 * Decoded blocks kept for the rest of a task, so that a block read by several chunks (the
 * halo of one reaching into its neighbour's blocks, or chunk edges that cut through a block)
 * is decoded once. Bounded by bytes, emptied at the end of the task (closeCachedCogs) and when
 * nothing has used it for a while (a long-lived process that previews files now and then).
 *
 * A block the reader will not read again (`readAgain` false: it does not reach past the far
 * edges of the window just read, in the direction a task walks its chunks) is dropped at once,
 * so that a task's cache holds only the blocks its next chunks share with the last ones (the
 * halo, chunk edges through blocks); the rest stays until the budget needs room, least recently
 * used first.
 */

interface Entry<T> {
  value: Promise<T>;
  bytes: number;
}

/** How long an unused cache keeps its blocks. */
const IDLE_MS = 30_000;

export interface BlockCacheStats {
  /** Blocks produced (decoded), and reads served from the cache. */
  decoded: number;
  reused: number;
}

export class BlockCache<T> {
  /** Least recently used first. */
  private readonly kept = new Map<string, Entry<T>>();
  private bytes = 0;
  private decoded = 0;
  private reused = 0;
  private lastUse = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private budget: number) {}

  /** Bounds the cache by `budget` bytes from now on (evicting at once what no longer fits). */
  resize(budget: number): void {
    this.budget = budget;
    this.evict();
  }

  /**
   * The block under `key`, from the cache or else from `produce` (whose value then takes
   * `bytes` of the budget if it is to be read again). A failed block is not kept.
   */
  get(key: string, bytes: number, readAgain: boolean, produce: () => Promise<T>): Promise<T> {
    this.lastUse = Date.now();
    let entry = this.kept.get(key);
    if (entry) {
      this.reused++;
      this.kept.delete(key);
      this.bytes -= entry.bytes;
    } else {
      this.decoded++;
      entry = { value: produce(), bytes };
    }
    if (readAgain) {
      const kept = entry;
      this.kept.set(key, kept);
      this.bytes += kept.bytes;
      kept.value.catch(() => this.forget(key, kept));
      this.evict();
      this.startIdleTimer();
    }
    return entry.value;
  }

  stats(): BlockCacheStats {
    return { decoded: this.decoded, reused: this.reused };
  }

  clear(): void {
    this.kept.clear();
    this.bytes = 0;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private forget(key: string, entry: Entry<T>): void {
    if (this.kept.get(key) !== entry) return;
    this.kept.delete(key);
    this.bytes -= entry.bytes;
  }

  private evict(): void {
    for (const [key, entry] of this.kept) {
      if (this.bytes <= this.budget) return;
      this.kept.delete(key);
      this.bytes -= entry.bytes;
    }
  }

  private startIdleTimer(): void {
    if (this.idleTimer) return;
    const check = () => {
      const idle = Date.now() - this.lastUse;
      if (idle >= IDLE_MS) this.clear();
      else this.idleTimer = setTimeout(check, IDLE_MS - idle).unref();
    };
    this.idleTimer = setTimeout(check, IDLE_MS).unref();
  }
}
