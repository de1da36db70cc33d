/**
 * Decoded blocks kept for the rest of a task, so that a block read by several chunks (the
 * halo of one reaching into its neighbour's blocks, or chunk edges that cut through a block)
 * is decoded once. Bounded by bytes, emptied at the end of the task (closeCachedCogs) and when
 * nothing has used it for a while (a long-lived process that previews files now and then).
 *
 * Eviction: blocks the reader expects to read again (`ahead`: the block reaches past the far
 * edges of the window just read, in the direction a task walks its chunks) stay longer than
 * blocks it has finished with; least recently used first within each kind. Between two chunks
 * a task reads every input again, so a plain LRU smaller than one chunk's blocks of all inputs
 * would evict every block just before its second read.
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
  private readonly ahead = new Map<string, Entry<T>>();
  private readonly behind = new Map<string, Entry<T>>();
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
   * `bytes` of the budget). A failed block is not kept.
   */
  get(key: string, bytes: number, ahead: boolean, produce: () => Promise<T>): Promise<T> {
    this.lastUse = Date.now();
    let entry = this.ahead.get(key) ?? this.behind.get(key);
    if (entry) {
      this.reused++;
      this.ahead.delete(key);
      this.behind.delete(key);
    } else {
      this.decoded++;
      const value = produce();
      const created: Entry<T> = { value, bytes };
      entry = created;
      this.bytes += bytes;
      value.catch(() => this.forget(key, created));
    }
    (ahead ? this.ahead : this.behind).set(key, entry);
    this.evict();
    this.startIdleTimer();
    return entry.value;
  }

  stats(): BlockCacheStats {
    return { decoded: this.decoded, reused: this.reused };
  }

  clear(): void {
    this.ahead.clear();
    this.behind.clear();
    this.bytes = 0;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private forget(key: string, entry: Entry<T>): void {
    for (const kind of [this.ahead, this.behind]) {
      if (kind.get(key) === entry) {
        kind.delete(key);
        this.bytes -= entry.bytes;
      }
    }
  }

  private evict(): void {
    for (const kind of [this.behind, this.ahead]) {
      for (const [key, entry] of kind) {
        if (this.bytes <= this.budget) return;
        kind.delete(key);
        this.bytes -= entry.bytes;
      }
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
