import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GeoBox } from '../../shared/geobox.js';
import type { PixelWindow } from '../chunk-coverage.js';
import type { OutputBand, StatsPlugin } from '../plugins/plugin.js';
import { newSampleArray, type SampleArray } from '../raster.js';
import { TileOutputs, type FinishedCog } from './tile-outputs.js';

// A 40 × 24 tile in chunks of 8 (5 across, 3 stripes), written in COG tiles of 16.
const WIDTH = 40;
const HEIGHT = 24;
const CHUNK = 8;
const TILE: GeoBox = { crs: 'EPSG:32737', affine: [30, 0, 500_000, 0, -30, 7_000_000], width: WIDTH, height: HEIGHT };
/** What the halo of a result holds: never to be copied into the tile. */
const HALO_JUNK = 77;

const BANDS: OutputBand[] = [
  { name: 'count', dtype: 'int16', nodata: -999 },
  { name: 'mean', dtype: 'float32', nodata: Number.NaN },
  { name: 'flag', dtype: 'uint8', nodata: null },
];
/** Each band's value at tile pixel (x, y). */
const VALUE: Record<string, (x: number, y: number) => number> = {
  count: (x, y) => x * 100 + y,
  mean: (x, y) => x * 0.5 + y * 0.25,
  flag: (x, y) => ((x + y) % 200) + 1,
};
const FILL: Record<string, number> = { count: -999, mean: Number.NaN, flag: 0 };

const plugin = { name: 'test', inputs: [], measurements: BANDS, reduce: () => ({}) } as unknown as StatsPlugin;

let scratchDir: string;
let outputs: TileOutputs;
beforeEach(() => {
  scratchDir = mkdtempSync(path.join(tmpdir(), 'tile-outputs-'));
  outputs = new TileOutputs(plugin, TILE, { bandOptions: () => ({ blocksize: 16 }) }, scratchDir, CHUNK);
});
afterEach(() => {
  outputs.discard();
  rmSync(scratchDir, { recursive: true, force: true });
});

/** The plugin's bands over `w` grown by `halo` on every side, the halo holding junk. */
function result(w: PixelWindow, halo: number): Record<string, SampleArray> {
  const sourceWidth = w.width + 2 * halo;
  const bands: Record<string, SampleArray> = {};
  for (const band of BANDS) {
    const data = newSampleArray(band.dtype, sourceWidth * (w.height + 2 * halo)).fill(HALO_JUNK);
    for (let y = 0; y < w.height; y++) {
      for (let x = 0; x < w.width; x++) data[(y + halo) * sourceWidth + x + halo] = VALUE[band.name]!(w.col + x, w.row + y);
    }
    bands[band.name] = data;
  }
  return bands;
}

async function pixels(cog: FinishedCog): Promise<number[]> {
  const bytes = await cog.read(0, cog.size);
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const image = await tiff.getImage(0);
  expect([image.getWidth(), image.getHeight()]).toEqual([WIDTH, HEIGHT]);
  const [samples] = (await image.readRasters()) as unknown as [ArrayLike<number>];
  return Array.from(samples);
}

describe('TileOutputs', () => {
  it('writes every band as put, whole chunks and row slices with a halo in any order, nodata where nothing was', async () => {
    const chunks: PixelWindow[] = [];
    for (let row = 0; row < HEIGHT; row += CHUNK) for (let col = 0; col < WIDTH; col += CHUNK) chunks.push({ col, row, width: CHUNK, height: CHUNK });
    // Stripe 1 (rows 8–15) is all nodata; in the others, chunks 1 and 3 of each row are.
    const empty = (c: PixelWindow) => c.row === 8 || c.col === 8 || c.col === 24;
    // Chunks at column 0 come in two row slices (3 and 5 rows), reduced with a halo of 2; the others whole, with a halo of 1.
    const pieces: Array<{ window: PixelWindow; data: Record<string, SampleArray> | null; sourceWidth: number; halo: number }> = [];
    for (const c of chunks) {
      if (empty(c)) pieces.push({ window: c, data: null, sourceWidth: c.width, halo: 0 });
      else if (c.col === 0) {
        for (const slice of [{ ...c, height: 3 }, { ...c, row: c.row + 3, height: 5 }]) pieces.push({ window: slice, data: result(slice, 2), sourceWidth: slice.width + 4, halo: 2 });
      } else pieces.push({ window: c, data: result(c, 1), sourceWidth: c.width + 2, halo: 1 });
    }
    // A fixed shuffle: stripe 2 completes first, stripe 0 with the last piece but one, stripe 1 with the last.
    const order = [16, 3, 9, 0, 12, 7, 14, 1, 5, 10, 15, 2, 11, 6, 13, 4, 8];
    expect([...order].sort((a, b) => a - b)).toEqual(pieces.map((_, i) => i));
    for (const i of order) {
      const { window, data, sourceWidth, halo } = pieces[i]!;
      await outputs.put(window, data, sourceWidth, halo);
    }

    const cogs = await outputs.finishBands();
    for (const band of BANDS) {
      const expected: number[] = [];
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++) {
          const chunk = { col: x - (x % CHUNK), row: y - (y % CHUNK), width: CHUNK, height: CHUNK };
          expected.push(empty(chunk) ? FILL[band.name]! : VALUE[band.name]!(x, y));
        }
      }
      const cog = cogs.get(band.name)!;
      expect(await pixels(cog), band.name).toEqual(expected);
      cog.close();
    }
  });

  it('refuses a piece that crosses a stripe or leaves the tile', async () => {
    await expect(outputs.put({ col: 0, row: 4, width: 8, height: 8 }, null)).rejects.toThrow(/does not lie in one stripe/);
    await expect(outputs.put({ col: 36, row: 0, width: 8, height: 8 }, null)).rejects.toThrow(/does not lie in one stripe/);
    await expect(outputs.put({ col: 0, row: 16, width: 8, height: 9 }, null)).rejects.toThrow(/does not lie in one stripe/);
  });

  it('refuses to finish before every pixel is in, counting pixels, not pieces', async () => {
    // Every chunk of stripe 0 but only its top 4 rows: as many pieces as the stripe has chunks.
    for (let col = 0; col < WIDTH; col += CHUNK) await outputs.put({ col, row: 0, width: CHUNK, height: 4 }, null);
    await expect(outputs.finishBands()).rejects.toThrow(/0 stripes of 3 written/);
  });
});
