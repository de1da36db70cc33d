import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discardAllPendingSync, isTemporaryOf, temporaryPathFor, writeFileAtomic } from './atomic-file.js';

describe('atomic writes', () => {
  it('writes the final name only when complete and leaves no temporary file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atomic-'));
    const target = path.join(dir, 'out.csv');
    await writeFileAtomic(target, 'a,b\n1,2\n');
    expect(readFileSync(target, 'utf8')).toBe('a,b\n1,2\n');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  it('discards pending temporary files on interruption', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atomic-'));
    const tmp = temporaryPathFor(path.join(dir, 'tasks.db'));
    writeFileSync(tmp, 'partial');
    expect(path.basename(tmp).startsWith('.tasks.db.')).toBe(true);
    discardAllPendingSync();
    expect(existsSync(tmp)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('knows the temporaries of a name, and only those', () => {
    const tmp = path.basename(temporaryPathFor(path.join(os.tmpdir(), 'x.tif')));
    discardAllPendingSync();
    expect(isTemporaryOf(tmp, 'x.tif')).toBe(true);
    expect(isTemporaryOf(tmp, 'x')).toBe(false);
    expect(isTemporaryOf('.x.tif.notes.tmp', 'x.tif')).toBe(false);
  });
});
