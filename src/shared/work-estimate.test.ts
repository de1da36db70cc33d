import { describe, expect, it } from 'vitest';
import type { GridSpec } from './grid.js';
import type { StacItem } from './stac.js';
import { TASK_PROCESS_BYTES, datasetReads, describeWorkBytes, estimateWork, largestTaskMemory, rasterAsset } from './work-estimate.js';

const grid: GridSpec = { name: 'test', crs: 'EPSG:3577', resolution: 30, tileShape: 100, tileSize: 3000, origin: { x: 0, y: 0 } };
const MiB = 2 ** 20;

describe('work estimate', () => {
  it('counts pixels × fused observations, the plan reads and the largest task', () => {
    // Two tasks: 5 datasets on 4 days, and 3 datasets on 3 days; the largest dataset has 4
    // bands of 16 bits (8 bytes a pixel).
    const reads = { decodedBytes: 1234.4, fileBytes: null, bands: 4, sampleBytes: 8 };
    const e = estimateWork(grid, [{ datasets: 5, days: 4 }, { datasets: 3, days: 3 }], reads, { reduceThreads: 1 });
    expect(e.pixelObservations).toBe(10_000 * 7);
    expect(e.decodedBytes).toBe(1234);
    expect(e.fileBytes).toBeNull();
    // One chunk (the whole 100 × 100 tile) of 4 days × 8 decoded bytes a pixel, its reduction
    // stack of 4 days × 4 bands × 2 float32, and one stripe of outputs (34 bytes a pixel).
    expect(e.largestTaskBytes).toBe(TASK_PROCESS_BYTES + 10_000 * 4 * 8 + 10_000 * 4 * 4 * 8 + 10_000 * 34);
  });

  it('is zero for no tasks', () => {
    const reads = { decodedBytes: 0, fileBytes: 0, bands: 0, sampleBytes: 0 };
    expect(estimateWork(grid, [], reads, { reduceThreads: 1 })).toEqual({ pixelObservations: 0, decodedBytes: 0, fileBytes: 0, largestTaskBytes: 0 });
  });

  it('holds the chunks alive, the reduction stacks and two stripes of outputs of a large tile', () => {
    // An africa-10 tile of 9600² px, 24 days of 11 bands of 2 bytes; chunks of 512² px.
    const chunk = 512 * 512 * 24 * 22;
    const stack = 32_768 * 24 * 11 * (4 + 4);
    const stripes = 2 * 9600 * 512 * (10 * 2 + 3 * 4 + 2);
    // One thread loads and reduces each chunk in turn.
    expect(largestTaskMemory(9600, 24, 11, 22, { reduceThreads: 1 })).toBe(TASK_PROCESS_BYTES + chunk + stack + stripes);
    // Two reduce threads: the chunk they share and the next being loaded, each thread's heap and stack.
    expect(largestTaskMemory(9600, 24, 11, 22, { reduceThreads: 2 })).toBe(TASK_PROCESS_BYTES + 2 * 40 * 2 ** 20 + 2 * chunk + 2 * stack + stripes);
    // A tile of one chunk of 256² px: one chunk alive whatever the threads, a stack of one batch (half its pixels) per thread, one stripe.
    expect(largestTaskMemory(256, 24, 11, 22, { reduceThreads: 4 })).toBe(
      TASK_PROCESS_BYTES + 4 * 40 * 2 ** 20 + 256 * 256 * 24 * 22 + 4 * stack + 256 * 256 * 34,
    );
  });

  it('reads the part of the tile a footprint covers, at the native resolution or the overview read, in whole blocks', () => {
    const assets = [
      // 30 m onto 30 m pixels, image size unknown: the covered quarter of the tile is a square
      // of 50 px, widened by a 512 px block.
      { sampleBytes: 2, nativeResolution: 30, fileSize: 4000, shape: undefined },
      // 10 m onto 30 m: the 2× overview (20 m) is read, an image of 150² px there, all of it.
      { sampleBytes: 2, nativeResolution: 10, fileSize: 8000, shape: [300, 300] as const },
      // 60 m onto 30 m: its own pixels, 25 across, widened by a block but only 40 rows high.
      { sampleBytes: 1, nativeResolution: 60, fileSize: 1000, shape: [40, 1000] as const },
    ];
    // A quarter of the tile, half the footprint.
    const r = datasetReads(grid, assets, 0.25, 0.5);
    expect(r.decodedBytes).toBeCloseTo(562 * 562 * 2 + 150 * 150 * 2 + 40 * 537 * 1);
    // File bytes: without proj:shape, the file's share of the footprint (half); with it, the
    // share of the image in the blocks read: all of the 2× overview (a quarter of the file), and
    // 40 × 537 of the 40 × 1000 px of the last.
    expect(r.fileBytes).toBeCloseTo(4000 * 0.5 + 8000 * 0.25 + 1000 * 0.537);
    // Without a native resolution, the tile's pixels; without file:size, no file bytes.
    const unknown = { sampleBytes: 2, nativeResolution: undefined, fileSize: undefined, shape: undefined };
    expect(datasetReads(grid, [unknown], 1, 1)).toEqual({ decodedBytes: 612 * 612 * 2, fileBytes: null });
  });

  it('takes sample size, pixel size and file size from the catalogue', () => {
    const item = { type: 'Feature', id: 'i', geometry: null, properties: { 'proj:epsg': 32737, gsd: 10 }, assets: {} } as StacItem;
    expect(rasterAsset({ href: 'a.tif', 'raster:bands': [{ data_type: 'uint8' }], 'proj:transform': [20, 0, 0, 0, -20, 0], 'file:size': 123 }, item)).toEqual({
      sampleBytes: 1,
      nativeResolution: 20,
      fileSize: 123,
      shape: undefined,
    });
    expect(rasterAsset({ href: 'b.tif', 'proj:shape': [10980, 10980] }, item)).toEqual({ sampleBytes: 2, nativeResolution: 10, fileSize: undefined, shape: [10980, 10980] });
    const lonLat = { ...item, properties: { 'proj:epsg': 4326 } };
    expect(rasterAsset({ href: 'c.tif', 'raster:bands': [{ data_type: 'float32' }], 'proj:transform': [0.001, 0, 0, 0, -0.001, 0] }, lonLat)).toEqual({
      sampleBytes: 4,
      nativeResolution: undefined,
      fileSize: undefined,
      shape: undefined,
    });
  });

  it('says what the bytes are', () => {
    expect(describeWorkBytes({ pixelObservations: 1, decodedBytes: 1.2 * 2 ** 30, fileBytes: 180 * MiB, largestTaskBytes: 300 * MiB })).toBe(
      'about 1.20 GiB of pixels to decode (180 MiB of files to read); largest task about 300 MiB of memory',
    );
    expect(describeWorkBytes({ pixelObservations: 1, decodedBytes: 512, fileBytes: null, largestTaskBytes: 2048 })).toBe(
      'about 512 B of pixels to decode; largest task about 2.00 KiB of memory',
    );
  });
});
