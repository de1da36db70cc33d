/**
 * Writes an odc-dscache task cache as odc-stats' save-tasks leaves it — odc-dscache's LMDB
 * databases info, groups, ds and udata; JSON values zstd-compressed at level 6, with the
 * dictionary when one is given — in LMDB 0.9's file format, as py-lmdb writes it: meta pages 0
 * and 1, then each database's B+tree (leaf pages, branch pages above them, overflow pages for
 * large values), named databases as F_SUBDATA entries of the main database. For tests of the
 * reader; `mdb_dump` and py-lmdb read its files.
 */
import { writeFileSync } from 'node:fs';
import { loadZstd } from '../../io/zstd.js';

export interface DscacheFixtureDataset {
  id: string;
  product: string;
  uris: string[];
  /** The dataset's EO3 document. */
  metadata: Record<string, unknown>;
}

export interface DscacheFixture {
  /** The grid's name as save-tasks was given it, and its datacube GridSpec document (Y, X order). */
  grid: { name: string; crs: string; tile_size: [number, number]; resolution: [number, number]; origin: [number, number] };
  /** Written to info 'stats/config'; `{grid: NAME, freq: 'annual'}` when absent. */
  config?: Record<string, unknown>;
  products?: Record<string, Record<string, unknown>>;
  datasets: DscacheFixtureDataset[];
  /** Dataset ids of each task, by 'PERIOD/X/Y'. */
  tasks: Record<string, string[]>;
  dictionary?: Uint8Array;
  /** Written to info 'version'; odc-dscache's '0001' when absent. */
  version?: string;
}

/** odc-dscache's group name of a task: GRID/PERIOD/X/Y with X and Y as Python's `{:+05d}`. */
export function dscacheGroupName(grid: string, task: string): string {
  const [period = '', x = '', y = ''] = task.split('/');
  const signed = (n: number) => `${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(4, '0')}`;
  return `${grid}/${period}/${signed(Number(x))}/${signed(Number(y))}`;
}

function uuidBytes(id: string): Buffer {
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

export async function writeDscache(file: string, fixture: DscacheFixture): Promise<void> {
  const zstd = await loadZstd();
  const compressed = (value: unknown) => Buffer.from(zstd.compress(Buffer.from(JSON.stringify(value)), 6, fixture.dictionary));
  const { name, ...gridspec } = fixture.grid;
  const info: Array<[string, Buffer]> = [
    ['version', Buffer.from(fixture.version ?? '0001')],
    [`grid/${name}`, compressed(gridspec)],
    ['stats/config', compressed(fixture.config ?? { grid: name, freq: 'annual' })],
    ...Object.entries(fixture.products ?? {}).map(([product, definition]): [string, Buffer] => [`product/${product}`, compressed(definition)]),
  ];
  if (fixture.dictionary) info.push(['zdict', Buffer.from(fixture.dictionary)]);
  writeLmdb(file, {
    info: info.map(([k, v]) => [Buffer.from(k), v]),
    groups: Object.entries(fixture.tasks).map(([task, ids]) => [Buffer.from(dscacheGroupName(name, task)), Buffer.concat(ids.map(uuidBytes))]),
    ds: fixture.datasets.map((d) => [uuidBytes(d.id), compressed({ uris: d.uris, product: d.product, metadata: d.metadata })]),
    udata: [],
  });
}

const PAGE_SIZE = 4096;
const PAGE_HEADER = 16;
const NODE_HEADER = 8;
/** Values larger than this go to overflow pages (LMDB's limit for 4 KiB pages is a little above). */
const MAX_INLINE_VALUE = 2000;
const P_BRANCH = 0x01;
const P_LEAF = 0x02;
const P_OVERFLOW = 0x04;
const P_META = 0x08;
const F_BIGDATA = 0x01;
const F_SUBDATA = 0x02;
const MDB_INTEGERKEY = 0x08;
const P_INVALID = 0xffff_ffff_ffff_ffffn;

interface TreeStats {
  depth: number;
  branch: number;
  leaf: number;
  overflow: number;
  entries: number;
  root: bigint;
}

interface PageNode {
  key: Buffer;
  flags: number;
  /** Leaf: value size; branch: child page. */
  number: number;
  /** Leaf: inline value, or the overflow page number as 8 bytes. */
  data: Buffer;
}

/** Writes an environment of named databases (entries in any order; keys unique) in LMDB 0.9's format. */
function writeLmdb(file: string, databases: Record<string, Array<[Buffer, Buffer]>>): void {
  const pages: Buffer[] = [Buffer.alloc(PAGE_SIZE), Buffer.alloc(PAGE_SIZE)];
  const newPages = (count: number, flags: number): number => {
    const first = pages.length;
    for (let i = 0; i < count; i++) pages.push(Buffer.alloc(PAGE_SIZE));
    const page = pages[first]!;
    page.writeBigUInt64LE(BigInt(first), 0);
    page.writeUInt16LE(flags, 10);
    return first;
  };
  const tree = (entries: Array<[Buffer, Buffer]>, leafFlags = 0): TreeStats => {
    const stats: TreeStats = { depth: 0, branch: 0, leaf: 0, overflow: 0, entries: entries.length, root: P_INVALID };
    if (entries.length === 0) return stats;
    const sorted = [...entries].sort(([a], [b]) => Buffer.compare(a, b));
    let level: Array<{ key: Buffer; pgno: number }> = packPages(
      sorted.map(([key, value]) => {
        if (value.length <= MAX_INLINE_VALUE) return { key, flags: leafFlags, number: value.length, data: value };
        const count = Math.ceil((PAGE_HEADER + value.length) / PAGE_SIZE);
        const pgno = newPages(count, P_OVERFLOW);
        // One value across consecutive pages, the header only on the first.
        const joined = Buffer.alloc(count * PAGE_SIZE);
        pages[pgno]!.copy(joined, 0, 0, PAGE_HEADER);
        joined.writeUInt32LE(count, 12);
        value.copy(joined, PAGE_HEADER);
        for (let i = 0; i < count; i++) pages[pgno + i] = joined.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
        stats.overflow += count;
        const pointer = Buffer.alloc(8);
        pointer.writeBigUInt64LE(BigInt(pgno));
        return { key, flags: F_BIGDATA, number: value.length, data: pointer };
      }),
      P_LEAF,
      newPages,
      pages,
    );
    stats.leaf = level.length;
    stats.depth = 1;
    while (level.length > 1) {
      level = packPages(
        level.map(({ key, pgno }, i) => ({ key: i === 0 ? Buffer.alloc(0) : key, flags: 0, number: pgno, data: Buffer.alloc(0) })),
        P_BRANCH,
        newPages,
        pages,
      );
      stats.branch += level.length;
      stats.depth++;
    }
    stats.root = BigInt(level[0]!.pgno);
    return stats;
  };
  const main = tree(
    Object.entries(databases).map(([name, entries]) => [Buffer.from(name), dbRecord(tree(entries))]),
    F_SUBDATA,
  );
  const free = dbRecord({ depth: 0, branch: 0, leaf: 0, overflow: 0, entries: 0, root: P_INVALID });
  free.writeUInt32LE(PAGE_SIZE, 0);
  free.writeUInt16LE(MDB_INTEGERKEY, 4);
  for (const pgno of [0, 1]) {
    const meta = pages[pgno]!;
    meta.writeBigUInt64LE(BigInt(pgno), 0);
    meta.writeUInt16LE(P_META, 10);
    meta.writeUInt32LE(0xbeefc0de, 16);
    meta.writeUInt32LE(1, 20);
    meta.writeBigUInt64LE(BigInt(pages.length * PAGE_SIZE), 32);
    free.copy(meta, 40);
    dbRecord(main).copy(meta, 88);
    meta.writeBigUInt64LE(BigInt(pages.length - 1), 136);
    meta.writeBigUInt64LE(1n, 144);
  }
  writeFileSync(file, Buffer.concat(pages));
}

function dbRecord(stats: TreeStats): Buffer {
  const record = Buffer.alloc(48);
  record.writeUInt16LE(stats.depth, 6);
  record.writeBigUInt64LE(BigInt(stats.branch), 8);
  record.writeBigUInt64LE(BigInt(stats.leaf), 16);
  record.writeBigUInt64LE(BigInt(stats.overflow), 24);
  record.writeBigUInt64LE(BigInt(stats.entries), 32);
  record.writeBigUInt64LE(stats.root, 40);
  return record;
}

/** Lays nodes in key order into as many pages of `flags` as they need; each page's first key and number. */
function packPages(nodes: PageNode[], flags: number, newPages: (count: number, flags: number) => number, pages: Buffer[]): Array<{ key: Buffer; pgno: number }> {
  const packed: Array<{ key: Buffer; pgno: number }> = [];
  let page: Buffer | undefined;
  let lower = 0;
  let upper = 0;
  for (const node of nodes) {
    const size = (NODE_HEADER + node.key.length + node.data.length + 1) & ~1;
    if (page === undefined || lower + 2 > upper - size) {
      const pgno = newPages(1, flags);
      page = pages[pgno]!;
      lower = PAGE_HEADER;
      upper = PAGE_SIZE;
      packed.push({ key: node.key, pgno });
    }
    upper -= size;
    page.writeUInt16LE(node.number & 0xffff, upper);
    page.writeUInt16LE(Math.floor(node.number / 0x1_0000) & 0xffff, upper + 2);
    page.writeUInt16LE(flags === P_BRANCH ? Math.floor(node.number / 0x1_0000_0000) : node.flags, upper + 4);
    page.writeUInt16LE(node.key.length, upper + 6);
    node.key.copy(page, upper + NODE_HEADER);
    node.data.copy(page, upper + NODE_HEADER + node.key.length);
    page.writeUInt16LE(upper, lower);
    lower += 2;
    page.writeUInt16LE(lower, 12);
    page.writeUInt16LE(upper, 14);
  }
  return packed;
}
