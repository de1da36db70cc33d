import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeoBox } from '../../shared/geobox.js';
import { renderRgb } from '../quicklook/render.js';
import { newSampleArray, type SampleArray, type SampleType } from '../raster.js';
import { CogStream, type CogBody } from './cog-stream.js';
import { encodeCog, encodeRgbaCog, type CogOptions } from './cog-writer.js';
import { checkCogLayout } from './test-support/cog-validate.js';
import { loadZstdForTiles } from './tiles.js';
import { loadWebpForTiles } from './webp-tile.js';

let folder: string;
let n = 0;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'cog-stream-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
// encodeCog and encodeRgbaCog, the references, need the codecs loaded; the streams load them themselves.
beforeAll(() => Promise.all([loadZstdForTiles(), loadWebpForTiles()]));

const scratch = () => ({ scratchPath: path.join(folder, `scratch-${++n}`) });

function geobox(width: number, height: number): GeoBox {
  return { crs: 'EPSG:32737', affine: [30, 0, 500_000, 0, -30, 7_000_000], width, height };
}

/** A pattern with runs of nodata (and NaN for floats) scattered over it. */
function pattern(type: SampleType, width: number, height: number, nodata: number | null): SampleArray {
  const data = newSampleArray(type, width * height);
  for (let i = 0; i < data.length; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    data[i] = type.startsWith('float') ? Math.sin(x / 9) * 50 + y / 3 : (x * 7 + y * 13) % 120;
    if ((x * 3 + y * 5) % 17 === 0 && nodata !== null) data[i] = nodata;
    if ((x + y * 2) % 23 === 0 && type.startsWith('float')) data[i] = Number.NaN;
  }
  return data;
}

/** Feeds `data` to the stream in pieces of the given row counts, cycling through them. */
async function feed(stream: CogStream, data: SampleArray, rowSamples: number, pieces: number[]): Promise<void> {
  let row = 0;
  const rows = data.length / rowSamples;
  for (let i = 0; row < rows; i++) {
    const take = Math.min(pieces[i % pieces.length]!, rows - row);
    await stream.writeRows(data.subarray(row * rowSamples, (row + take) * rowSamples));
    row += take;
  }
}

async function bytesOf(body: CogBody): Promise<Uint8Array> {
  // In uneven ranges, to exercise reads across segments.
  const out = new Uint8Array(body.size);
  for (let at = 0, step = 1; at < body.size; at += step, step = (step * 7 + 3) % 5000 + 1) out.set(await body.read(at, step), at);
  return out;
}

describe('CogStream', () => {
  const cases: Array<{ type: SampleType; width: number; height: number; nodata: number | null; options: CogOptions; pieces: number[] }> = [
    { type: 'uint16', width: 300, height: 200, nodata: 0, options: { blocksize: 64, overviewResampling: 'nearest' }, pieces: [64] },
    { type: 'uint16', width: 300, height: 217, nodata: 0, options: { blocksize: 64, overviewResampling: 'average' }, pieces: [48, 1, 100] },
    { type: 'float32', width: 250, height: 301, nodata: Number.NaN, options: { blocksize: 32, overviewResampling: 'average' }, pieces: [7, 64] },
    { type: 'int16', width: 129, height: 131, nodata: -999, options: { blocksize: 16, overviewResampling: 'mode', overviewLevels: [3, 5, 7] }, pieces: [13] },
    { type: 'uint8', width: 100, height: 90, nodata: null, options: { blocksize: 64, compress: 'none' }, pieces: [90] },
    { type: 'float64', width: 70, height: 400, nodata: null, options: { blocksize: 16, overviewResampling: 'average', zlevel: 1 }, pieces: [5, 3] },
    { type: 'int16', width: 200, height: 170, nodata: -999, options: { blocksize: 32, compress: 'LZW' }, pieces: [50] },
    { type: 'float32', width: 130, height: 100, nodata: Number.NaN, options: { blocksize: 32, compress: 'zstd', zstdLevel: 3 }, pieces: [30] },
  ];
  for (const c of cases) {
    it(`${c.type} ${c.width}×${c.height} ${c.options.overviewResampling ?? 'nearest'} in pieces of ${c.pieces.join(', ')} rows: the bytes encodeCog writes`, async () => {
      const data = pattern(c.type, c.width, c.height, c.nodata);
      const expected = encodeCog({ geobox: geobox(c.width, c.height), data, nodata: c.nodata }, c.options);
      const stream = CogStream.band(geobox(c.width, c.height), c.type, c.nodata, c.options, scratch());
      await feed(stream, data, c.width, c.pieces);
      const body = await stream.finish();
      const bytes = await bytesOf(body);
      body.close();
      expect(checkCogLayout(bytes).errors).toEqual([]);
      expect(bytes.length).toBe(expected.length);
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(expected))).toBe(0);
    });
  }

  it('sparse tiles (all nodata) left out as encodeCog leaves them out, whatever order the tiles are compressed in', async () => {
    const [w, h] = [300, 260];
    const data = new Float32Array(w * h).fill(Number.NaN);
    // Data in one corner only: most tiles of every level are NaN alone.
    for (let y = 200; y < 260; y++) for (let x = 250; x < 300; x++) data[y * w + x] = x + y;
    const expected = encodeCog({ geobox: geobox(w, h), data, nodata: Number.NaN }, { blocksize: 32, overviewResampling: 'average' });
    const stream = CogStream.band(geobox(w, h), 'float32', Number.NaN, { blocksize: 32, overviewResampling: 'average' }, scratch());
    await feed(stream, data, w, [37]);
    const body = await stream.finish();
    const bytes = await bytesOf(body);
    body.close();
    const layout = checkCogLayout(bytes);
    expect(layout.errors).toEqual([]);
    expect(layout.images[0]!.tileByteCounts.filter((n) => n === 0).length).toBeGreaterThan(60);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(expected))).toBe(0);
  });

  const rgbaCases: CogOptions[] = [{ blocksize: 32 }, { blocksize: 32, compress: 'jpeg', jpegQuality: 90 }, { blocksize: 32, compress: 'webp', webpLevel: 80 }];
  for (const options of rgbaCases) {
    it(`RGBA with average overviews, ${options.compress ?? 'deflate'}: the bytes encodeRgbaCog writes`, async () => {
      const [w, h] = [200, 150];
      const bands = [0, 1, 2].map((k) => ({ geobox: geobox(w, h), data: pattern('uint16', w, h, 0).map((v) => v + k), nodata: 0 }));
      const rgba = renderRgb(bands as [never, never, never], { min: 0, max: 120 });
      const expected = encodeRgbaCog(rgba, geobox(w, h), options);
      const stream = CogStream.rgba(geobox(w, h), options, scratch());
      await feed(stream, rgba, w * 4, [40, 9]);
      const body = await stream.finish();
      const bytes = await bytesOf(body);
      body.close();
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(expected))).toBe(0);
    });
  }

  it('keeps the smallest level at least as large as asked, or the full resolution', async () => {
    // 1000 × 600 in tiles of 64: overviews 500, 250, 125, 63 wide.
    const data = pattern('uint16', 1000, 600, 0);
    const stream = CogStream.band(geobox(1000, 600), 'uint16', 0, { blocksize: 64 }, { ...scratch(), keepLevelOfSize: 200 });
    expect(stream.keptLevel()).toBeUndefined();
    await feed(stream, data, 1000, [64]);
    const kept = stream.keptLevel()!;
    expect([kept.geobox.width, kept.geobox.height]).toEqual([250, 150]);
    expect(kept.geobox.affine).toEqual([120, 0, 500_000, 0, -120, 7_000_000]);
    // Nearest overview of factor 4: every 4th sample of every 4th row.
    expect(kept.data[3 * 250 + 5]).toBe(data[12 * 1000 + 20]);
    stream.discard();

    const small = CogStream.band(geobox(100, 50), 'uint16', 0, { blocksize: 64 }, { ...scratch(), keepLevelOfSize: 200 });
    await small.writeRows(pattern('uint16', 100, 50, 0));
    expect(small.keptLevel()!.geobox.width).toBe(100);
    small.discard();
  });

  it('gathers a row of tiles in the rows file beside the scratch file, not in memory, and removes both', async () => {
    // 300 px wide uint16 in tiles of 64: 5 tiles a row at full resolution (64 × 64 × 2 bytes of room
    // each), 3 at 150 px, 2 at 75 px, 1 at 38 px.
    const options = scratch();
    const stream = CogStream.band(geobox(300, 200), 'uint16', 0, { blocksize: 64 }, options);
    await stream.writeRows(pattern('uint16', 300, 40, 0));
    expect(statSync(`${options.scratchPath}.rows`).size).toBeLessThanOrEqual((5 + 3 + 2 + 1) * 64 * 64 * 2);
    await stream.writeRows(pattern('uint16', 300, 200, 0).subarray(300 * 40));
    const body = await stream.finish();
    expect(existsSync(`${options.scratchPath}.rows`)).toBe(false);
    body.close();
    expect(existsSync(options.scratchPath)).toBe(false);

    const discarded = scratch();
    const unfinished = CogStream.band(geobox(300, 200), 'uint16', 0, { blocksize: 64 }, discarded);
    await unfinished.writeRows(pattern('uint16', 300, 70, 0));
    unfinished.discard();
    expect([existsSync(discarded.scratchPath), existsSync(`${discarded.scratchPath}.rows`)]).toEqual([false, false]);
  });

  it('refuses rows that are not whole, or too many, and a finish before the last row', async () => {
    const stream = CogStream.band(geobox(10, 10), 'uint8', null, { blocksize: 16 }, scratch());
    await expect(stream.writeRows(new Uint8Array(15))).rejects.toThrow(/whole rows/);
    await stream.writeRows(new Uint8Array(50));
    await expect(stream.finish()).rejects.toThrow(/5 rows of 10/);
    await expect(stream.writeRows(new Uint8Array(60))).rejects.toThrow(/whole rows/);
    stream.discard();
  });
});
