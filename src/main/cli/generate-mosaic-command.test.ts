/**
 * `odc-stats generate-mosaic` in a real process, on the outputs of two finished tasks: two
 * adjacent tiles of 64 × 64 pixels of 30 m (EPSG:3577) whose COGs have overviews, mosaicked at
 * 120 m, so that each mosaic pixel is a pixel of the tasks' 4× overviews, checked by hand.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { encodeCog } from '../../worker/cog/cog-writer.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';

const SIDE = 64;
const TILE_METRES = SIDE * 30;
/** Tile x10y20's north-west corner; x11y20 lies east of it. Both on multiples of 120 m. */
const WEST = 19_200;
const NORTH = -36_480;

/** red: 10·row + col (+ 1000 in the second tile), float32, its overviews averaged; count: 3 and 5, uint8. */
function writeTask(root: string, tile: string, west: number, redBase: number, count: number, period = '2021--P1Y', start = '2021-01-01T00:00:00Z'): void {
  const dir = path.join(root, tile.slice(0, 3), tile.slice(3), period);
  mkdirSync(dir, { recursive: true });
  const geobox = { crs: 'EPSG:3577', affine: [30, 0, west, 0, -30, NORTH] as const, width: SIDE, height: SIDE };
  const red = new Float32Array(SIDE * SIDE);
  for (let row = 0; row < SIDE; row++) for (let col = 0; col < SIDE; col++) red[row * SIDE + col] = redBase + 10 * row + col;
  // The second tile's north-west 4 × 4 pixels are missing.
  if (redBase > 0) for (let row = 0; row < 4; row++) red.fill(Number.NaN, row * SIDE, row * SIDE + 4);
  writeFileSync(path.join(dir, 'red.tif'), encodeCog({ geobox, data: red, nodata: Number.NaN }, { blocksize: 16, overviewResampling: 'average' }));
  writeFileSync(path.join(dir, 'count.tif'), encodeCog({ geobox, data: new Uint8Array(SIDE * SIDE).fill(count), nodata: 255 }, { blocksize: 16 }));
  const cog = 'image/tiff; application=geotiff; profile=cloud-optimized';
  const item = {
    type: 'Feature',
    stac_version: '1.0.0',
    id: `gm_${tile}_${period}`,
    geometry: { type: 'Polygon', coordinates: [[[132, -19], [132.02, -19], [132.02, -19.02], [132, -19.02], [132, -19]]] },
    properties: { datetime: start, start_datetime: start, 'odc:product': 'gm', 'proj:epsg': 3577, 'proj:shape': [SIDE, SIDE], 'proj:transform': [30, 0, west, 0, -30, NORTH] },
    assets: { red: { href: 'red.tif', type: cog }, count: { href: 'count.tif', type: cog } },
    links: [],
  };
  writeFileSync(path.join(dir, `gm_${tile}_${period}.stac-item.json`), JSON.stringify(item));
}

function finishedRun(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'generate-mosaic-'));
  writeTask(path.join(dir, 'out'), 'x10y20', WEST, 0, 3);
  writeTask(path.join(dir, 'out'), 'x11y20', WEST + TILE_METRES, 1000, 5);
  return dir;
}

async function readCog(file: string) {
  const bytes = readFileSync(file);
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const image = await tiff.getImage();
  const [data] = (await image.readRasters()) as unknown as [ArrayLike<number>];
  const compression = image.fileDirectory.getValue('Compression');
  return { width: image.getWidth(), height: image.getHeight(), origin: image.getOrigin(), resolution: image.getResolution(), compression, data: Array.from(data) };
}

describe('generate-mosaic', () => {
  it("mosaics two tasks' bands at 120 m from their 4× overviews, one COG a band", async () => {
    const dir = finishedRun();
    const r = await runCli(['generate-mosaic', 'out/*/*/2021--P1Y/*.stac-item.json', 'mosaic.tif', '--bands', 'red,count'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(linesOf(r.stdout)).toEqual(['Mosaic of 2 items, 32 × 16 pixels of 120 in EPSG:3577:', '  red: mosaic_red.tif', '  count: mosaic_count.tif']);

    const red = await readCog(path.join(dir, 'mosaic_red.tif'));
    // 2 × 1920 m by 1920 m at 120 m, from the union's north-west corner.
    expect([red.width, red.height, red.origin.slice(0, 2), red.resolution.slice(0, 2)]).toEqual([32, 16, [WEST, NORTH], [120, -120]]);
    // ZSTD, as odc-stats writes the mosaic (TIFF compression 50000).
    expect(red.compression).toBe(50_000);
    // Mosaic pixel (i, j) is the mean of a tile's rows 4j..4j+3 and columns 4i..4i+3:
    // 10·(4j + 1.5) + (4i + 1.5) = 40j + 4i + 16.5; the second tile's block (0, 0) is missing.
    const expected: number[] = [];
    for (let j = 0; j < 16; j++) {
      for (let i = 0; i < 32; i++) expected.push(i < 16 ? 40 * j + 4 * i + 16.5 : i === 16 && j === 0 ? Number.NaN : 1000 + 40 * j + 4 * (i - 16) + 16.5);
    }
    expect(red.data).toEqual(expected);

    const count = await readCog(path.join(dir, 'mosaic_count.tif'));
    expect(count.data).toEqual(Array.from({ length: 32 * 16 }, (_, p) => (p % 32 < 16 ? 3 : 5)));
  });

  it('reads a folder of items, and writes OUTPUT itself for one band', async () => {
    const dir = finishedRun();
    const r = await runCli(['generate-mosaic', 'out', 'count.tif', '--bands', 'count', '--resolution', '240'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const count = await readCog(path.join(dir, 'count.tif'));
    expect([count.width, count.height]).toEqual([16, 8]);
    expect(count.data).toEqual(Array.from({ length: 16 * 8 }, (_, p) => (p % 16 < 8 ? 3 : 5)));
  });

  it.each([
    [['out', 'm.tif', '--bands', 'nir'], "item gm_x10y20_2021--P1Y has no band 'nir' (its assets: red, count)"],
    [['out/**/*.stac-item.json', 'm.tif', '--bands', 'red'], "the items are of 2 times (2021-01-01T00:00:00Z, 2022-01-01T00:00:00Z, …): a mosaic is of one period; give a glob of one period's items"],
    [['out', 'm.tif', '--bands', 'red', '--resolution', '0.01'], /^the mosaic would be 384000 × 192000 pixels, 274\.7 GiB a band, more than the 1 GiB held in memory: give a --resolution of at least 1$/],
    [['out', 's3://bucket/m.tif', '--bands', 'red'], 'OUTPUT s3://bucket/m.tif must be a local file: write the mosaic here and copy it where it belongs'],
  ])('refuses %j in one line', async (args, message) => {
    const dir = finishedRun();
    writeTask(path.join(dir, 'out'), 'x12y20', WEST + 2 * TILE_METRES, 0, 1, '2022--P1Y', '2022-01-01T00:00:00Z');
    const glob = args[0] === 'out' ? ['out/*/*/2021--P1Y/*.stac-item.json', ...args.slice(1)] : args;
    const r = await runCli(['generate-mosaic', ...glob], { cwd: dir });
    expect(r.code).toBe(1);
    const [line, ...rest] = linesOf(r.stderr);
    expect(rest).toEqual([]);
    if (typeof message === 'string') expect(line).toBe(`odc-stats: error: ${message}`);
    else expect(line!.replace('odc-stats: error: ', '')).toMatch(message);
  });
});
