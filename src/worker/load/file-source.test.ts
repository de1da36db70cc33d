import { mkdtempSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRangeReader } from './file-source.js';

/** How many descriptors this process has open on `file` (Linux). */
function descriptorsOn(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

describe('FileRangeReader', () => {
  it('reads ranges, short at the end of the file', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'file-source-')), 'bytes');
    writeFileSync(file, Uint8Array.from([1, 2, 3, 4, 5]));
    const reader = new FileRangeReader(file, file);
    expect([...new Uint8Array(await reader.read(1, 2))]).toEqual([2, 3]);
    expect([...new Uint8Array(await reader.read(3, 10))]).toEqual([4, 5]);
    expect(reader.size).toBe(5);
    await reader.close();
    expect(descriptorsOn(file)).toBe(0);
  });

  it('closed while a read is under way, leaves the file closed once that read and any after it are done', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'file-source-')), 'bytes');
    writeFileSync(file, new Uint8Array(1024));
    const reader = new FileRangeReader(file, file);
    const underWay = reader.read(0, 512);
    const closing = reader.close();
    // A read of a load that had not heard of the close yet.
    const after = reader.read(512, 512);
    await Promise.all([underWay, closing, after]);
    expect(descriptorsOn(file)).toBe(0);
    // A read after the close opens the file again, and closes it when done.
    expect((await reader.read(0, 4)).byteLength).toBe(4);
    expect(descriptorsOn(file)).toBe(0);
  });
});
