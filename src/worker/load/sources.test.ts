import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../io/s3-client.js';
import { motoForTests } from '../../main/test-support/moto-for-tests.js';
import { useMotoEnvironment } from '../../main/test-support/moto-server.js';
import { serveDirectory } from '../../main/test-support/static-server.js';
import type { GeoBox } from '../../shared/geobox.js';
import { closeCachedCogs, DatasetReadError, loadBand } from './load-band.js';
import { S3RangeReader } from './s3-source.js';
import { BLOCK_SIZE } from './tiff-byte-source.js';
import { encodeTiledTiff } from './test-support/tiled-tiff.js';
import { serveFiles, type RangeServer } from './test-support/range-server.js';

const UTM = 'EPSG:32737';
const ORIGIN = [10, 0, 500_000, 0, -10, 9_300_000] as const;
const SIDE = 2048;
const TILE = 256;

let dir: string;
let files: RangeServer;
let large: Uint8Array;

motoForTests();

function largeImage(): Uint16Array {
  const data = new Uint16Array(SIDE * SIDE);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 65_000;
  return data;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'load-sources-'));
  large = encodeTiledTiff([{ width: SIDE, height: SIDE, data: largeImage() }], {
    epsg: 32737,
    affine: ORIGIN,
    tileSize: TILE,
    nodata: 65_535,
  });
  writeFileSync(path.join(dir, 'large.tif'), large);
  writeFileSync(path.join(dir, 'not-a-tiff.tif'), 'just text, not a TIFF at all');
  files = await serveFiles(
    new Map([
      ['large.tif', large],
      ['not-a-tiff.tif', new TextEncoder().encode('plain text')],
      // What a path-style S3 GetObject of s3://flaky/large.tif asks for.
      ['flaky/large.tif', large],
    ]),
  );
  const s3 = s3Client();
  await s3.send(new CreateBucketCommand({ Bucket: 'scenes' }));
  await s3.send(new PutObjectCommand({ Bucket: 'scenes', Key: 'k/large.tif', Body: large }));
  await s3.send(new PutObjectCommand({ Bucket: 'scenes', Key: 'k/public.tif', Body: large, ACL: 'public-read' }));
});

afterAll(async () => {
  await closeCachedCogs();
  await files?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// A destination in another CRS over the middle of the file, so that reads are windowed and
// resampled.
const REPROJECTED: GeoBox = { crs: 'EPSG:6933', affine: [20, 0, 3_770_000, 0, -20, -815_000], width: 200, height: 150 };

describe('loadBand from each kind of href', () => {
  it('gives identical arrays from a path, HTTP and S3', async () => {
    const local = await loadBand(path.join(dir, 'large.tif'), REPROJECTED, { resampling: 'bilinear' });
    const valid = Array.from(local.data).filter((value) => value !== 65_535).length;
    expect(valid).toBeGreaterThan(1000);
    const served = await serveDirectory(dir);
    try {
      const http = await loadBand(`${served.url}large.tif`, REPROJECTED, { resampling: 'bilinear' });
      expect(http.data).toEqual(local.data);
    } finally {
      await served.stop();
    }
    const s3 = await loadBand('s3://scenes/k/large.tif', REPROJECTED, { resampling: 'bilinear' });
    expect(s3.data).toEqual(local.data);
    const unsigned = await loadBand('s3://scenes/k/public.tif', REPROJECTED, { resampling: 'bilinear', unsigned: true });
    expect(unsigned.data).toEqual(local.data);
  });

  it('requests only the byte ranges of the tiles a small window needs', async () => {
    files.requests.length = 0;
    // 100×100 pixels inside one 256×256 tile (row 3, column 2 of tiles).
    const dst: GeoBox = {
      crs: UTM,
      affine: [10, 0, 500_000 + (2 * TILE + 50) * 10, 0, -10, 9_300_000 - (3 * TILE + 60) * 10],
      width: 100,
      height: 100,
    };
    const raster = await loadBand(`${files.url}large.tif`, dst);
    const expected = largeImage();
    expect(raster.data[0]).toBe(expected[(3 * TILE + 60) * SIDE + 2 * TILE + 50]);
    const sent = files.requests.reduce((total, request) => total + request.bytesSent, 0);
    const tileBytes = TILE * TILE * 2;
    expect(files.requests.every((request) => request.range !== undefined && request.status === 206)).toBe(true);
    // The header's blocks and the one tile; the file is 8 MiB.
    expect(sent).toBeLessThanOrEqual(tileBytes + 2 * BLOCK_SIZE);
    expect(sent).toBeLessThan(large.length / 20);
  });

  it('retries HTTP 503 and dropped connections, then reads', async () => {
    await closeCachedCogs();
    files.requests.length = 0;
    files.failNext(2, 503);
    files.dropNext(1);
    const dst: GeoBox = { crs: UTM, affine: ORIGIN, width: 4, height: 1 };
    const raster = await loadBand(`${files.url}large.tif`, dst);
    expect(Array.from(raster.data)).toEqual(Array.from(largeImage().subarray(0, 4)));
    expect(files.requests.slice(0, 3).map((request) => request.status)).toEqual([0, 503, 503]);
  });

  it('retries S3 throttling (SlowDown) and server errors', async () => {
    await closeCachedCogs();
    // The range server stands in for S3 here: moto cannot be told to fail.
    const restoreMoto = useMotoEnvironment(files.url.replace(/\/$/, ''));
    try {
      files.requests.length = 0;
      const slowDown =
        '<?xml version="1.0" encoding="UTF-8"?>' +
        '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
      files.failNext(2, 503, slowDown);
      files.failNext(1, 500);
      const raster = await loadBand('s3://flaky/large.tif', { crs: UTM, affine: ORIGIN, width: 4, height: 1 });
      expect(Array.from(raster.data)).toEqual(Array.from(largeImage().subarray(0, 4)));
      expect(files.requests.slice(0, 4).map((request) => [request.path, request.status])).toEqual([
        ['flaky/large.tif', 503],
        ['flaky/large.tif', 503],
        ['flaky/large.tif', 500],
        ['flaky/large.tif', 206],
      ]);
    } finally {
      restoreMoto();
      await closeCachedCogs();
    }
  });

  it('reads the header once per file while the file stays open, and each tile once', async () => {
    await closeCachedCogs();
    files.requests.length = 0;
    const href = `${files.url}large.tif`;
    await loadBand(href, { crs: UTM, affine: ORIGIN, width: 4, height: 1 });
    const first = files.requests.length;
    const nextTile: [number, number, number, number, number, number] = [10, 0, ORIGIN[2] + TILE * 10, 0, -10, ORIGIN[5]];
    await loadBand(href, { crs: UTM, affine: nextTile, width: 4, height: 1 });
    // The second load fetches only its tile.
    expect(files.requests.length).toBe(first + 1);
    expect(files.requests.at(-1)!.bytesSent).toBe(TILE * TILE * 2);
    // The first tile again: decoded already.
    await loadBand(href, { crs: UTM, affine: ORIGIN, width: 4, height: 1 });
    expect(files.requests.length).toBe(first + 1);
  });

  it('gives up on a server that keeps failing, naming the file', async () => {
    await closeCachedCogs();
    files.failNext(4, 503);
    const href = `${files.url}large.tif`;
    const error = await loadBand(href, { crs: UTM, affine: ORIGIN, width: 4, height: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetReadError);
    expect((error as Error).message).toBe(`cannot read ${href}: HTTP 503 Service Unavailable (4 tries)`);
  });

  it('names a missing or non-TIFF file over HTTP and S3', async () => {
    const dst: GeoBox = { crs: UTM, affine: ORIGIN, width: 4, height: 1 };
    const failure = (href: string): Promise<DatasetReadError> =>
      loadBand(href, dst).then(
        () => {
          throw new Error(`${href} loaded`);
        },
        (error: unknown) => error as DatasetReadError,
      );
    const missingHttp = await failure(`${files.url}nothing.tif`);
    expect(missingHttp).toBeInstanceOf(DatasetReadError);
    expect(missingHttp.message).toBe(`cannot read ${files.url}nothing.tif: not found (HTTP 404 Not Found)`);
    const missingS3 = await failure('s3://scenes/k/B04.tif');
    expect(missingS3).toBeInstanceOf(DatasetReadError);
    expect(missingS3.message).toBe('cannot read s3://scenes/k/B04.tif: no such object');
    expect(missingS3.href).toBe('s3://scenes/k/B04.tif');
    const noBucket = await failure('s3://nobucket/B04.tif');
    expect(noBucket.message).toBe("cannot read s3://nobucket/B04.tif: no such bucket 'nobucket'");
    const text = await failure(`${files.url}not-a-tiff.tif`);
    expect(text).toBeInstanceOf(DatasetReadError);
    expect(text.message).toMatch(/: not a GeoTIFF \(/);
  });
});

describe('S3RangeReader', () => {
  it('reads ranges, short at the end of the object and empty past it', async () => {
    const reader = new S3RangeReader('s3://scenes/k/large.tif');
    expect(new Uint8Array(await reader.read(10, 6))).toEqual(large.subarray(10, 16));
    expect(reader.size).toBe(large.length);
    expect((await reader.read(large.length - 4, 100)).byteLength).toBe(4);
    expect((await reader.read(large.length + 10, 100)).byteLength).toBe(0);
  });
});
