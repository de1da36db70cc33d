import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { transformer } from '../shared/crs.js';
import { parseTemporalRange } from '../shared/daterange.js';
import type { ObservationOutcome } from '../shared/pixel-story.js';
import type { TaskDatasetRef, WorkerTask } from '../shared/task-messages.js';
import { encodeCog } from './cog/cog-writer.js';
import { tellPixelStory } from './pixel-story.js';
import { runTask } from './run-task.js';
import { cogPixel } from './test-support/cog-pixel.js';

/** 1 km tiles of 10 m pixels in UTM 37S: the datasets below align with the tile pixel for pixel. */
const GRID = 'EPSG:32737;10;100';
const WEST = 250_000;
const NORTH = 9_901_000;
const SIZE = 100;
/** The pixel whose story is told. */
const COL = 50;
const ROW = 50;

let dir: string;

function cog(dataset: string, band: string, data: Uint8Array | Uint16Array): string {
  const file = path.join(dir, dataset, `${band}.tif`);
  mkdirSync(path.dirname(file), { recursive: true });
  const geobox = { crs: 'EPSG:32737', affine: [10, 0, WEST, 0, -10, NORTH] as const, width: SIZE, height: SIZE };
  writeFileSync(file, encodeCog({ geobox, data, nodata: 0 }, { blocksize: 64 }));
  return file;
}

/** A band of `fill`, with the rectangles [x0, x1) × [y0, y1) given their own value. */
function band<T extends Uint8Array | Uint16Array>(make: (n: number) => T, fill: number, ...rects: Array<[number, number, number, number, number]>): T {
  const a = make(SIZE * SIZE);
  a.fill(fill);
  for (const [x0, y0, x1, y1, v] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) a[y * SIZE + x] = v;
  return a;
}
const u8 = (n: number) => new Uint8Array(n);
const u16 = (n: number) => new Uint16Array(n);

function day(id: string, solarDay: string, scl: Uint8Array, red = band(u16, 1000), nir = band(u16, 3000)): TaskDatasetRef {
  return { id, collection: 's2_l2a', solarDay, assets: { SCL: cog(id, 'SCL', scl), B04: cog(id, 'B04', red), B08: cog(id, 'B08', nir) } };
}

function task(datasets: TaskDatasetRef[], location: string): WorkerTask {
  return {
    id: { period: '2021--P1Y', x: 250, y: 9900 },
    period: parseTemporalRange('2021--P1Y'),
    grid: GRID,
    datasets,
    // gm-s2's default masking: cloud shadows, medium and high probability cloud and cirrus, opened by 2 then dilated by 5.
    plugin: 'gm-s2',
    pluginConfig: { bands: ['B04', 'B08'] },
    product: { name: 'gm_test', shortName: 'gm', version: '1.0.0', productFamily: 'geomedian', regionCodeFormat: 'x{x:02d}y{y:02d}', href: 'https://example.invalid/gm_test', properties: {} },
    location,
    cogOptions: { common: { blocksize: 64 }, overrides: {} },
    overwrite: true,
    unsigned: false,
    chunkSize: 64,
  };
}

describe('tellPixelStory', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pixel-story-'));
  });

  it("tells each observation's fate at the pixel by the plugin's masking, and the outputs the run writes there", async () => {
    const datasets = [
      // Vegetation everywhere: used.
      day('clear', '2021-01-05', band(u8, 4)),
      // High probability cloud over a 20 px square around the pixel: its own class, which opening 2 keeps.
      day('cloud', '2021-02-05', band(u8, 4, [40, 40, 60, 60, 9])),
      // A shadow 7 × 10 px whose nearest edge is 3 px east of the pixel: opening 2 keeps it, dilation 5 reaches the pixel.
      day('near-shadow', '2021-03-05', band(u8, 4, [53, 45, 60, 55, 3])),
      // Medium probability cloud on the pixel alone: opening 2 removes so small a patch, so the pixel is used.
      day('speck', '2021-04-05', band(u8, 4, [COL, ROW, COL + 1, ROW + 1, 8])),
      // SCL's no data on the pixel.
      day('missing', '2021-05-05', band(u8, 4, [COL, ROW, COL + 1, ROW + 1, 0])),
      // Clear, but no red on the pixel (the band's nodata 0).
      day('no-red', '2021-06-05', band(u8, 4), band(u16, 1000, [COL, ROW, COL + 1, ROW + 1, 0])),
    ];
    const location = path.join(dir, 'out');
    const t = task(datasets, location);
    const [lon, lat] = transformer('EPSG:32737', 'EPSG:4326')(WEST + 10 * (COL + 0.5), NORTH - 10 * (ROW + 0.5));

    const story = await tellPixelStory(t, lon, lat);

    expect([story.col, story.row]).toEqual([COL, ROW]);
    expect(story.task).toBe('2021--P1Y/250/9900');
    expect(story.observations.map((o) => o.day)).toEqual(['2021-01-05', '2021-02-05', '2021-03-05', '2021-04-05', '2021-05-05', '2021-06-05']);
    expect(story.observations.map((o) => o.verdict?.outcome)).toEqual<ObservationOutcome[]>(['clear', 'cloud', 'filtered', 'clear', 'nodata', 'nodata']);
    const details = story.observations.map((o) => o.verdict?.detail ?? '');
    expect(details[1]).toContain("SCL 9 'cloud high probability'");
    expect(details[2]).toContain("SCL 4 'vegetation' is not cloud; masked by opening 2 then dilation 5");
    expect(details[3]).toContain('removed by opening 2 then dilation 5');
    expect(details[4]).toContain("SCL 0 'no data'");
    expect(details[5]).toBe('B04 has no data');
    expect(story.observations[5]!.values).toEqual({ B04: null, B08: 3000, SCL: 4 });
    expect(story.observations[0]!.datasets).toEqual(['clear']);
    // odc-stats' geomedian scaling: reflectance = (DN − 1) / 10 000.
    expect(story.scaling).toEqual({ scale: 0.0001, offset: -0.0001 });
    // Two clear observations of red 1000, NIR 3000: their median is that point.
    expect(story.outputs).toMatchObject({ B04: 1000, B08: 3000, COUNT: 2 });

    // The run writes the same at the pixel.
    const outcome = await runTask(t);
    const file = (name: string) => outcome.outputs.find((o) => o.endsWith(`_${name}.tif`))!;
    for (const name of ['B04', 'B08', 'COUNT', 'SMAD']) {
      const written = await cogPixel(file(name), COL, ROW);
      expect(story.outputs[name] ?? Number.NaN, name).toBe(written);
    }
  });

  it('refuses a point outside the tile in one line', async () => {
    const t = task([day('only', '2021-01-05', band(u8, 4))], path.join(dir, 'out2'));
    const [lon, lat] = transformer('EPSG:32737', 'EPSG:4326')(WEST - 500, NORTH - 500);
    await expect(tellPixelStory(t, lon, lat)).rejects.toThrow(/is outside tile 250,9900$/);
  });
});
