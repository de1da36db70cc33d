import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transformer } from '../../shared/crs.js';
import { encodeCog } from '../../worker/cog/cog-writer.js';
import { describeOutput, inspectOutputs, outputHistogram, previewOutput } from './outputs.js';

/** A 40×40 output of 1 km pixels in EPSG:6933 with a COUNT band equal to col + 100·row, and an RGB. */
const SIZE = 40;
const ORIGIN = { x: 3_456_000, y: -192_000 };
const RES = 1000;

describe('previews and the pixel inspector', () => {
  let dir: string;
  let stacItem: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'outputs-'));
    const geobox = { crs: 'EPSG:6933', affine: [RES, 0, ORIGIN.x, 0, -RES, ORIGIN.y] as const, width: SIZE, height: SIZE };
    const count = new Uint16Array(SIZE * SIZE).map((_, i) => (i % SIZE) + 100 * Math.floor(i / SIZE));
    const flat = (v: number) => new Uint16Array(SIZE * SIZE).fill(v);
    const bands: Record<string, Uint16Array> = { COUNT: count, B04: flat(500), B03: flat(400), B02: flat(300) };
    const assets: Record<string, unknown> = {};
    for (const [band, data] of Object.entries(bands)) {
      await writeFile(path.join(dir, `t_${band}.tif`), encodeCog({ geobox, data, nodata: band === 'COUNT' ? null : 0 }, { blocksize: 256 }));
      assets[band] = { href: `t_${band}.tif`, roles: ['data'] };
    }
    const toLonLat = transformer('EPSG:6933', 'EPSG:4326');
    const [w, n] = toLonLat(ORIGIN.x, ORIGIN.y);
    const [e, s] = toLonLat(ORIGIN.x + SIZE * RES, ORIGIN.y - SIZE * RES);
    stacItem = path.join(dir, 't.stac-item.json');
    await writeFile(
      stacItem,
      JSON.stringify({
        type: 'Feature',
        bbox: [w, s, e, n],
        properties: { 'odc:region_code': 'x36y-02', 'proj:epsg': 6933, 'proj:shape': [SIZE, SIZE], 'proj:transform': [RES, 0, ORIGIN.x, 0, -RES, ORIGIN.y, 0, 0, 1] },
        assets,
      }),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('describes the bands and finds the RGB triple', async () => {
    const info = await describeOutput(stacItem);
    expect(info.bands).toEqual(['COUNT', 'B04', 'B03', 'B02']);
    expect(info.rgb).toEqual(['B04', 'B03', 'B02']);
  });

  it('names the product, version and output location of an item laid out as odc-stats does', async () => {
    const location = path.join(dir, 'outputs', 's2_gm', '1.0.0');
    const folder = path.join(location, 'x36', 'y-02', '2021--P1Y');
    await mkdir(folder, { recursive: true });
    const laidOut = path.join(folder, 'gm_x36y-02_2021--P1Y.stac-item.json');
    await writeFile(
      laidOut,
      JSON.stringify({ bbox: [0, 0, 1, 1], properties: { 'odc:region_code': 'x36y-02', 'odc:product': 's2_gm', 'odc:dataset_version': '1.0.0' }, assets: {} }),
    );
    expect(await describeOutput(laidOut)).toMatchObject({ product: 's2_gm', version: '1.0.0', location });
    // An item elsewhere: its own folder.
    expect(await describeOutput(stacItem)).toMatchObject({ product: '', version: '', location: dir });
  });

  it('counts a band into bins and finds its 2nd and 98th percentiles', async () => {
    // COUNT is col + 100·row: each row r holds 100r … 100r+39, so each quarter of 0–3939 holds ten rows.
    const histogram = await outputHistogram({ stacItem, band: 'COUNT', bins: 4 });
    expect(histogram.counts).toEqual([400, 400, 400, 400]);
    expect([histogram.min, histogram.max]).toEqual([0, 3939]);
    // Ranks 0.02·1599 = 31.98 (between 31 and 32) and 0.98·1599 = 1567.02 (between 3907 and 3908).
    expect(histogram.p2).toBeCloseTo(31.98, 9);
    expect(histogram.p98).toBeCloseTo(3907.02, 9);
  });

  it('refuses a histogram of a band the output lacks, or of no bins', async () => {
    await expect(outputHistogram({ stacItem, band: 'NDVI', bins: 4 })).rejects.toThrow("the output has no band 'NDVI' (bands: COUNT, B04, B03, B02)");
    await expect(outputHistogram({ stacItem, band: 'COUNT', bins: 0 })).rejects.toThrow('a histogram has 1 to 1024 bins, not 0');
  });

  it('reads every band at a lon/lat from the pixel that holds it', async () => {
    const [lon, lat] = transformer('EPSG:6933', 'EPSG:4326')(ORIGIN.x + 7.5 * RES, ORIGIN.y - 12.5 * RES);
    const [found] = await inspectOutputs([stacItem], lon, lat);
    expect(found!.values).toEqual({ COUNT: 7 + 100 * 12, B04: 500, B03: 400, B02: 300 });
    expect(await inspectOutputs([stacItem], 0, 0)).toEqual([]);
  });

  it('renders a band through a ramp onto the map as a PNG with its corners', async () => {
    const image = await previewOutput({ stacItem, bands: ['COUNT'], size: 64, range: { min: 0, max: 4000 } });
    expect(image.url).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(image.range).toEqual({ min: 0, max: 4000 });
    const [[l, t], , [r, b]] = image.coordinates;
    const info = await describeOutput(stacItem);
    expect(l).toBeCloseTo(info.bbox[0], 6);
    expect(t).toBeCloseTo(info.bbox[3], 6);
    expect(r).toBeGreaterThan(l);
    expect(b).toBeLessThan(t);
  });

  it('says which output is missing', async () => {
    await expect(describeOutput(path.join(dir, 'gone.stac-item.json'))).rejects.toThrow(/output not found/);
  });
});
