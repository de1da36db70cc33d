import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeCachedCogs, openCachedCog } from './cog-cache.js';
import { DatasetReadError } from './dataset-read-error.js';
import { encodeTiledTiff } from './test-support/tiled-tiff.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cog-cache-'));
});

afterAll(async () => {
  await closeCachedCogs();
  rmSync(dir, { recursive: true, force: true });
});

function writeTiff(name: string, value: number): string {
  const file = path.join(dir, name);
  const data = new Uint8Array(16).fill(value);
  writeFileSync(file, encodeTiledTiff([{ width: 4, height: 4, data }], { epsg: 32737, affine: [10, 0, 0, 0, -10, 0] }));
  return file;
}

describe('openCachedCog', () => {
  it('gives the same opened file for the same href', async () => {
    const file = writeTiff('same.tif', 1);
    expect(await openCachedCog(file)).toBe(await openCachedCog(file));
  });

  it('does not keep a failed open', async () => {
    const file = path.join(dir, 'later.tif');
    await expect(openCachedCog(file)).rejects.toBeInstanceOf(DatasetReadError);
    writeTiff('later.tif', 2);
    expect((await openCachedCog(file)).sampleType).toBe('uint8');
  });

  it('keeps the header of every file, but few of them open, reading closed ones again', async () => {
    await closeCachedCogs();
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    const files = Array.from({ length: 40 }, (_, k) => writeTiff(`many-${k}.tif`, k));
    const cogs = [];
    for (const file of files) cogs.push(await openCachedCog(file));
    expect(openFiles() - before).toBeLessThanOrEqual(16);
    // Its handle closed long ago, the first file keeps its header and reads again.
    const first = cogs[0]!;
    expect(await openCachedCog(files[0]!)).toBe(first);
    const pixels = await first.levels[0]!.image.readRasters({ samples: [0], interleave: false });
    expect(Array.from(pixels[0]!)).toEqual(new Array(16).fill(0));
    expect(openFiles() - before).toBeLessThanOrEqual(17);
  });
});
