import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTemporalRange } from '../shared/daterange.js';
import type { TaskDatasetRef, WorkerTask } from '../shared/task-messages.js';
import { encodeCog } from './cog/cog-writer.js';
import { viewLatestClear, viewObservation } from './observation-view.js';

/** 1 km tiles of 10 m pixels in UTM 37S; the datasets cover the tile. */
const WEST = 250_000;
const NORTH = 9_901_000;
const SIZE = 100;

let dir: string;

function cog(dataset: string, band: string, data: Uint8Array | Uint16Array): string {
  const file = path.join(dir, dataset, `${band}.tif`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, encodeCog({ geobox: { crs: 'EPSG:32737', affine: [10, 0, WEST, 0, -10, NORTH], width: SIZE, height: SIZE }, data, nodata: 0 }, { blocksize: 64 }));
  return file;
}

/** A day of red, green and blue DNs, SCL 4 but cloud (9) on columns [0, cloudTo). */
function day(id: string, solarDay: string, [red, green, blue]: [number, number, number], cloudTo: number): TaskDatasetRef {
  const scl = new Uint8Array(SIZE * SIZE).fill(4);
  for (let y = 0; y < SIZE; y++) scl.fill(9, y * SIZE, y * SIZE + cloudTo);
  const band = (v: number) => new Uint16Array(SIZE * SIZE).fill(v);
  return { id, collection: 's2_l2a', solarDay, assets: { SCL: cog(id, 'SCL', scl), B04: cog(id, 'B04', band(red)), B03: cog(id, 'B03', band(green)), B02: cog(id, 'B02', band(blue)) } };
}

function task(datasets: TaskDatasetRef[]): WorkerTask {
  return {
    id: { period: '2021--P1Y', x: 250, y: 9900 },
    period: parseTemporalRange('2021--P1Y'),
    grid: 'EPSG:32737;10;100',
    datasets,
    plugin: 'gm-s2',
    pluginConfig: { bands: ['B04', 'B03', 'B02'] },
    product: { name: 'gm_test', shortName: 'gm', version: '1.0.0', productFamily: 'geomedian', regionCodeFormat: 'x{x:02d}y{y:02d}', href: 'https://example.invalid/gm_test', properties: {} },
    location: path.join(dir, 'out'),
    cogOptions: { common: {}, overrides: {} },
    overwrite: true,
    unsigned: false,
  };
}

function pixelOf(url: string, x: number, y: number): number[] {
  const png = decode(Buffer.from(url.slice('data:image/png;base64,'.length), 'base64'));
  const at = (y * png.width + x) * 4;
  return [...png.data.subarray(at, at + 4)];
}

describe('observation views', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'observation-view-'));
  });

  // Reflectance (DN − 1) / 10 000 from 0 to 0.3 is 0 to 255: DN 1001 → 85, 2001 → 170, 3001 → 255, 1501 → 128.
  const earlier = () => day('earlier', '2021-01-05', [1001, 2001, 3001], 0);
  const later = () => day('later', '2021-02-05', [1501, 1501, 1501], 50);

  it("draws a day's true colour, its cloud classes and what the filters leave out, with their shares", async () => {
    const view = await viewObservation(task([earlier(), later()]), '2021-02-05');
    expect(view.days).toEqual(['2021-01-05', '2021-02-05']);
    expect(pixelOf(view.rgb!, 80, 50)).toEqual([128, 128, 128, 255]);
    // Cloud on the western half; the dilation by 5 leaves out a few columns more.
    expect(pixelOf(view.classes!, 20, 50)[3]).toBeGreaterThan(0);
    expect(pixelOf(view.classes!, 80, 50)[3]).toBe(0);
    expect(pixelOf(view.masked!, 52, 50)[3]).toBeGreaterThan(0);
    expect(view.shares!.cloudClasses).toBeGreaterThan(0.45);
    expect(view.shares!.cloudClasses).toBeLessThan(0.55);
    expect(view.shares!.masked - view.shares!.cloudClasses).toBeGreaterThan(0.03);
    await expect(viewObservation(task([earlier()]), '2021-03-01')).rejects.toThrow('task 2021--P1Y/250/9900 has no observation on 2021-03-01');
  });

  it('fills each pixel from its latest clear observation, reading days from the last', async () => {
    const view = await viewLatestClear(task([earlier(), later()]));
    expect(view.day).toBeUndefined();
    // West: cloud on the later day, so the earlier one; east: the later one.
    expect(pixelOf(view.rgb!, 20, 50)).toEqual([85, 170, 255, 255]);
    expect(pixelOf(view.rgb!, 80, 50)).toEqual([128, 128, 128, 255]);
    expect(view.latest).toEqual({ clearShare: 1, daysRead: 2 });
    // A later day clear everywhere fills the view alone.
    expect((await viewLatestClear(task([earlier(), day('clear', '2021-03-05', [1501, 1501, 1501], 0)]))).latest).toEqual({ clearShare: 1, daysRead: 1 });
  });
});
