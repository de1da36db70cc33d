/**
 * Read-only access to an LMDB environment in LMDB 0.9's on-disk format (data version 1), the
 * format py-lmdb writes odc-dscache files in. The npm bindings' prebuilt binaries use LMDB's
 * newer data version 2 and cannot open these files, so the B+tree is walked here: pages read
 * on demand, nothing mapped or locked (as odc-dscache opens read-only with lock=False).
 *
 * Layout (64-bit little-endian): a 16-byte page header (pgno u64, pad u16, flags u16, lower
 * u16, upper u16; an overflow page has a u32 page count in place of lower/upper). Pages 0 and
 * 1 are meta pages; the one with the larger transaction id is current. A branch or leaf page
 * holds u16 node offsets after its header; a node is lo u16, hi u16, flags u16, key size u16,
 * then the key and (leaf) the value. A branch node's child page is lo | hi << 16 | flags << 32;
 * a leaf value's size is lo | hi << 16, its bytes inline or, with F_BIGDATA, on the overflow
 * page whose number is inline. Named databases are leaf entries of the main database with
 * F_SUBDATA whose value is the database record (48 bytes).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

const PAGE_HEADER = 16;
const NODE_HEADER = 8;
const MAGIC = 0xbeefc0de;
const DATA_VERSION = 1;
const P_BRANCH = 0x01;
const P_LEAF = 0x02;
const P_LEAF2 = 0x20;
const F_BIGDATA = 0x01;
const F_SUBDATA = 0x02;
const F_DUPDATA = 0x04;
/** Offsets in a meta page: magic, version, the free and main database records, transaction id. */
const META = { magic: 16, version: 20, freeDb: 40, mainDb: 88, txnid: 144 } as const;
/** Offsets in a database record. */
const DB = { pageSize: 0, flags: 4, entries: 32, root: 40, size: 48 } as const;
const MDB_DUPSORT = 0x04;
const P_INVALID = 0xffff_ffff_ffff_ffffn;
const CACHED_PAGES = 512;

/** Whether the bytes start an LMDB 0.9 data file (a meta page with LMDB's magic). */
export function isLmdbHeader(head: Buffer): boolean {
  return head.length >= META.magic + 4 && head.readUInt32LE(META.magic) === MAGIC;
}

/** The data file of an environment given as a file or as a folder holding data.mdb. */
export function lmdbDataFile(file: string): string {
  return statSync(file).isDirectory() ? path.join(file, 'data.mdb') : file;
}

export class LmdbError extends Error {}

export class LmdbEnvironment {
  private readonly pages = new Map<number, Buffer>();
  private readonly main: LmdbDatabase;

  private constructor(
    private readonly fd: number,
    readonly pageSize: number,
    mainRecord: Buffer,
  ) {
    this.main = new LmdbDatabase(this, mainRecord);
  }

  /** Opens the environment's data file; throws LmdbError when it is not LMDB 0.9 data. */
  static open(file: string): LmdbEnvironment {
    const fd = openSync(lmdbDataFile(file), 'r');
    try {
      const first = Buffer.alloc(META.txnid + 8);
      if (readSync(fd, first, 0, first.length, 0) < first.length || !isLmdbHeader(first)) throw new LmdbError('not an LMDB data file');
      const version = first.readUInt32LE(META.version);
      if (version !== DATA_VERSION) throw new LmdbError(`LMDB data version ${version}; only version ${DATA_VERSION} (LMDB 0.9, as py-lmdb writes) is read`);
      const pageSize = first.readUInt32LE(META.freeDb + DB.pageSize);
      if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw new LmdbError(`LMDB page size ${pageSize} is not a power of two`);
      const second = Buffer.alloc(first.length);
      const hasSecond = readSync(fd, second, 0, second.length, pageSize) === second.length && isLmdbHeader(second);
      const current = hasSecond && second.readBigUInt64LE(META.txnid) > first.readBigUInt64LE(META.txnid) ? second : first;
      return new LmdbEnvironment(fd, pageSize, current.subarray(META.mainDb, META.mainDb + DB.size));
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** A named database, or undefined when the environment has none of that name. */
  database(name: string): LmdbDatabase | undefined {
    const record = this.main.get(Buffer.from(name, 'utf8'), F_SUBDATA);
    return record === undefined ? undefined : new LmdbDatabase(this, record);
  }

  close(): void {
    closeSync(this.fd);
    this.pages.clear();
  }

  /** @internal */
  page(pgno: number): Buffer {
    let page = this.pages.get(pgno);
    if (page === undefined) {
      page = this.read(pgno * this.pageSize, this.pageSize);
      if (this.pages.size >= CACHED_PAGES) this.pages.delete(this.pages.keys().next().value!);
      this.pages.set(pgno, page);
    }
    return page;
  }

  /** @internal */
  read(position: number, length: number): Buffer {
    const bytes = Buffer.alloc(length);
    if (readSync(this.fd, bytes, 0, length, position) !== length) throw new LmdbError(`LMDB file ends before byte ${position + length}`);
    return bytes;
  }
}

interface Node {
  key: Buffer;
  flags: number;
  /** Branch: child page. Leaf: value size. */
  number: number;
  /** Leaf: the inline bytes after the key. */
  inline: Buffer;
}

export class LmdbDatabase {
  readonly entries: number;
  private readonly root: number | undefined;

  constructor(
    private readonly env: LmdbEnvironment,
    record: Buffer,
  ) {
    if (record.length !== DB.size) throw new LmdbError('LMDB database record of the wrong size');
    if (record.readUInt16LE(DB.flags) & MDB_DUPSORT) throw new LmdbError('LMDB databases with duplicate keys are not read');
    this.entries = Number(record.readBigUInt64LE(DB.entries));
    const root = record.readBigUInt64LE(DB.root);
    this.root = root === P_INVALID ? undefined : Number(root);
  }

  /** The value stored under `key` (keys compare as bytes), or undefined. */
  get(key: Buffer, wantFlags = 0): Buffer | undefined {
    if (this.root === undefined) return undefined;
    let pgno = this.root;
    for (;;) {
      const page = this.env.page(pgno);
      const nodes = nodesOf(page, pgno);
      if (isBranch(page)) {
        pgno = nodes[childIndex(nodes, key)]!.number;
        continue;
      }
      const node = nodes.find((n) => n.key.equals(key));
      if (!node || (node.flags & F_SUBDATA) !== wantFlags) return undefined;
      return this.value(node);
    }
  }

  /** Entries in key order, from the first key ≥ `start` (all without). */
  *range(start?: Buffer): Generator<[Buffer, Buffer]> {
    if (this.root !== undefined) yield* this.walk(this.root, start);
  }

  private *walk(pgno: number, start: Buffer | undefined): Generator<[Buffer, Buffer]> {
    const page = this.env.page(pgno);
    const nodes = nodesOf(page, pgno);
    if (isBranch(page)) {
      const first = start === undefined ? 0 : childIndex(nodes, start);
      for (let i = first; i < nodes.length; i++) yield* this.walk(nodes[i]!.number, i === first ? start : undefined);
      return;
    }
    for (const node of nodes) {
      if (start === undefined || Buffer.compare(node.key, start) >= 0) yield [node.key, this.value(node)];
    }
  }

  private value(node: Node): Buffer {
    if (node.flags & F_DUPDATA) throw new LmdbError('LMDB entries with duplicate values are not read');
    if (!(node.flags & F_BIGDATA)) return node.inline.subarray(0, node.number);
    const overflow = Number(node.inline.readBigUInt64LE(0));
    return this.env.read(overflow * this.env.pageSize + PAGE_HEADER, node.number);
  }
}

function isBranch(page: Buffer): boolean {
  return (page.readUInt16LE(10) & P_BRANCH) !== 0;
}

function nodesOf(page: Buffer, pgno: number): Node[] {
  const flags = page.readUInt16LE(10);
  if (!(flags & (P_BRANCH | P_LEAF)) || flags & P_LEAF2) throw new LmdbError(`LMDB page ${pgno} is not a branch or leaf page (flags ${flags})`);
  const lower = page.readUInt16LE(12);
  const nodes: Node[] = [];
  for (let p = PAGE_HEADER; p + 2 <= lower; p += 2) {
    const at = page.readUInt16LE(p);
    const lo = page.readUInt16LE(at);
    const hi = page.readUInt16LE(at + 2);
    const nodeFlags = page.readUInt16LE(at + 4);
    const keySize = page.readUInt16LE(at + 6);
    const key = page.subarray(at + NODE_HEADER, at + NODE_HEADER + keySize);
    const branch = (flags & P_BRANCH) !== 0;
    nodes.push({
      key,
      flags: branch ? 0 : nodeFlags,
      number: branch ? lo + hi * 0x1_0000 + nodeFlags * 0x1_0000_0000 : lo + hi * 0x1_0000,
      inline: page.subarray(at + NODE_HEADER + keySize),
    });
  }
  return nodes;
}

/** The branch child whose keys may hold `key`: the last whose separator is ≤ it (the first has none). */
function childIndex(nodes: Node[], key: Buffer): number {
  let low = 1;
  let high = nodes.length - 1;
  let found = 0;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (Buffer.compare(nodes[mid]!.key, key) <= 0) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}
