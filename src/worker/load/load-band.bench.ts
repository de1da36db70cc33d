/**
 * Read throughput of loadBand: a 1000×1000 uint16 tiled, deflated file in UTM 37S loaded onto
 * an EPSG:6933 grid of the same size and resolution, per resampling method, from the local disk.
 * The file stays open; its decoded blocks are forgotten before each run unless said otherwise.
 *
 *   node --import tsx src/worker/load/load-band.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { transformer } from '../../shared/crs.js';
import type { GeoBox } from '../../shared/geobox.js';
import { closeCachedCogs, loadBand, type Resampling } from './load-band.js';
import { clearDecodedBlocks } from './read-window.js';
import { encodeTiledTiff } from './test-support/tiled-tiff.js';

const SIDE = 1000;
const dir = mkdtempSync(path.join(tmpdir(), 'load-band-bench-'));
const file = path.join(dir, 'B04.tif');
const data = new Uint16Array(SIDE * SIDE);
for (let i = 0; i < data.length; i++) data[i] = 1000 + ((i * 7) % 3000);
writeFileSync(
  file,
  encodeTiledTiff([{ width: SIDE, height: SIDE, data }], {
    epsg: 32737,
    affine: [10, 0, 500_000, 0, -10, 9_300_000],
    nodata: 0,
    tileSize: 512,
    deflate: true,
  }),
);
const [x, y] = transformer('EPSG:32737', 'EPSG:6933')(505_000, 9_295_000);
const dst: GeoBox = {
  crs: 'EPSG:6933',
  affine: [10, 0, Math.round(x) - 5000, 0, -10, Math.round(y) + 5000],
  width: SIDE,
  height: SIDE,
};

/** The fastest of several runs, after a warm-up: the machine may be busy with other work. */
async function time(label: string, run: () => Promise<unknown>, repeats = 15): Promise<void> {
  await run();
  let seconds = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await run();
    seconds = Math.min(seconds, (performance.now() - start) / 1000);
  }
  const megapixels = (SIDE * SIDE) / 1e6;
  console.log(`${label.padEnd(34)} ${(seconds * 1000).toFixed(0).padStart(5)} ms  ${(megapixels / seconds).toFixed(1)} Mpx/s`);
}

for (const resampling of ['nearest', 'bilinear', 'cubic', 'average'] as Resampling[]) {
  await time(`reprojected, ${resampling}`, () => {
    clearDecodedBlocks();
    return loadBand(file, dst, { resampling });
  });
}
const aligned: GeoBox = { crs: 'EPSG:32737', affine: [10, 0, 500_000, 0, -10, 9_300_000], width: SIDE, height: SIDE };
await time('aligned window copy', () => {
  clearDecodedBlocks();
  return loadBand(file, aligned);
});
await time('aligned window copy, blocks decoded', () => loadBand(file, aligned));
await time('reprojected, nearest, blocks decoded', () => loadBand(file, dst));
await time('reprojected, nearest, file reopened', async () => {
  await closeCachedCogs();
  await loadBand(file, dst);
});
await closeCachedCogs();
rmSync(dir, { recursive: true, force: true });
