import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cogPixel } from '../../worker/test-support/cog-pixel.js';
import { writeSampleCatalog, type SampleLayout } from './sample-catalog.js';
import { coverAt, dnOf, observedReflectance, sclOf, skyAt, surfaceReflectance, textureAt } from './sample-scene.js';

/** 64 px of 10 m, two bands, every other pass cut by the swath edge: small enough to write three times. */
const LAYOUT: SampleLayout = {
  pixelMetres: 10,
  pixels: 64,
  tiles: { T: { west: 288_000, north: 9_888_000 } },
  bands: ['B04', 'B08'],
  blocksize: 32,
  partialPasses: true,
};
const DATES = 5;

function tifs(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.tif'))
    .sort();
}

describe('writeSampleCatalog', () => {
  it('writes the same catalogue on threads as on one, its pixels those of the synthetic scene', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sample-catalog-'));
    const one = await writeSampleCatalog(path.join(dir, 'one'), { dates: DATES, layout: LAYOUT });
    const progress: number[] = [];
    const two = await writeSampleCatalog(path.join(dir, 'two'), { dates: DATES, layout: LAYOUT, threads: 2, onItem: (done) => progress.push(done) });

    expect(two.items).toEqual(one.items);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    const files = tifs(path.join(dir, 'one'));
    expect(files).toHaveLength(DATES * 3);
    expect(tifs(path.join(dir, 'two'))).toEqual(files);
    for (const f of files) expect(readFileSync(path.join(dir, 'two', f)).equals(readFileSync(path.join(dir, 'one', f))), f).toBe(true);

    // Pixel (40, 7) of each date, from the scene's functions of position and date.
    const [x, y] = [288_000 + 40.5 * 10, 9_888_000 - 7.5 * 10];
    for (const item of two.items) {
      const date = one.items.indexOf(one.items.find((i) => i.id === item.id)!);
      const time = new Date(item.properties.datetime!);
      const dayOfYear = Math.floor((time.getTime() - Date.UTC(2021, 0, 1)) / 86_400_000) + 1;
      const folder = path.join(dir, 'two', 's2_l2a', item.id);
      const sky = skyAt(date, x, y);
      expect(await cogPixel(path.join(folder, 'SCL.tif'), 40, 7)).toBe(sclOf(sky, coverAt(x, y)));
      const red = dnOf(observedReflectance(surfaceReflectance('B04', coverAt(x, y), Math.fround(textureAt(x, y)), dayOfYear), sky));
      expect(await cogPixel(path.join(folder, 'B04.tif'), 40, 7)).toBe(red);
      // West of the swath edge, a partial pass has no data.
      const west = await cogPixel(path.join(folder, 'B04.tif'), 2, 7);
      if (date % 2 === 1) expect(west).toBe(0);
      else expect(west).toBeGreaterThan(0);
    }
  }, 60_000);

  it("fails with the thread's error when a thread cannot write its items", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sample-catalog-'));
    const root = path.join(dir, 'catalog');
    // A file where the second pass's folder goes: the thread writing it cannot make it.
    const [, second] = (await writeSampleCatalog(path.join(dir, 'probe'), { dates: 2, layout: LAYOUT })).items;
    mkdirSync(path.join(root, 's2_l2a'), { recursive: true });
    writeFileSync(path.join(root, 's2_l2a', second!.id), 'not a folder');
    const failure = writeSampleCatalog(root, { dates: DATES, layout: LAYOUT, threads: 2 });
    await expect(failure).rejects.toThrow(/EEXIST|ENOTDIR/);
    // With its code and path, as the CLI needs to tell a user's one line from a bug.
    await expect(failure).rejects.toMatchObject({ code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/), path: expect.stringContaining(second!.id) });
  }, 60_000);
});
