/**
 * A bound on the tiles being compressed at once on libuv's thread pool, shared by the COG
 * streams of one task: each tile in flight holds its uncompressed bytes, so the bound is what
 * keeps a row of large tiles of many bands from being held whole.
 */
/**
 * Tiles compressed at once by default: twice the threads of libuv's pool (UV_THREADPOOL_SIZE, 4
 * by default), so that the pool is kept busy while this thread cuts the next tiles.
 */
const COMPRESSIONS_AT_ONCE = 2 * (Number(process.env.UV_THREADPOOL_SIZE) || 4);

export class CompressionSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit = COMPRESSIONS_AT_ONCE) {
    if (!(limit >= 1)) throw new Error(`compression slots: limit ${limit} must be at least 1`);
  }

  /** Resolves once a slot is free, and takes it: `release` it when the tile is done. */
  async take(): Promise<void> {
    while (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
  }

  release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}
