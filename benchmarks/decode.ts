/**
 * Block decoding of COGs: geotiff.js's readRasters (pako inflate, JavaScript predictor, a
 * per-sample copy) against src/worker/load/read-window.ts (node:zlib inflate or our LZW, the
 * predictor in typed loops, whole rows copied), in the same process, alternating.
 *
 *   node --import tsx benchmarks/decode.ts [--side 2048] [--bands 10] [--repeats 3]
 *
 * Files: `--bands` uint16 COGs of `--side`² px, 512 px blocks, DEFLATE with the horizontal
 * predictor (written by src/worker/cog/cog-writer.ts, as GDAL lays COGs out), with smooth
 * reflectance-like content and noise; plus two LZW + predictor 2 copies (gdal3.js) and two
 * float32 DEFLATE + floating-point predictor files. Each file is opened once; times are the
 * fastest of `--repeats` passes over every file, decoded blocks forgotten before each pass.
 *
 * Also: node:zlib's inflate alone on the same blocks (a floor for DEFLATE), geotiff.js with a
 * node:zlib decoder registered by `addDecoder` (so inflate is native and only its predictor and
 * per-sample copy remain), and a task-like pass of 512 px chunks with a 16 px halo over a
 * tile that is not aligned with the blocks, where chunks share blocks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { inflateSync } from 'node:zlib';
import { addDecoder, BaseDecoder } from 'geotiff';
import { encodeCog } from '../src/worker/cog/cog-writer.js';
import { loadGdal } from '../src/worker/cog/test-support/gdal.js';
import { openCog, type OpenCog } from '../src/worker/load/open-cog.js';
import { clearDecodedBlocks, decodedBlockStats, readWindow, type PixelWindow } from '../src/worker/load/read-window.js';
import type { SampleArray } from '../src/worker/raster.js';
import { uniformSource } from '../src/shared/test-support/uniform-source.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes a positive whole number`);
  return value;
}

const SIDE = option('side', 2048);
const BANDS = option('bands', 10);
const REPEATS = option('repeats', 3);
const BLOCK = 512;
const dir = mkdtempSync(path.join(tmpdir(), 'decode-bench-'));


/** Reflectance × 10 000 as Sentinel-2 stores it: fields of a few hundred metres, texture, noise. */
function band(seed: number, float: boolean): SampleArray {
  const uniform = uniformSource(seed);
  const data = float ? new Float32Array(SIDE * SIDE) : new Uint16Array(SIDE * SIDE);
  const base = 800 + 2000 * uniform();
  for (let row = 0; row < SIDE; row++) {
    for (let col = 0; col < SIDE; col++) {
      const field = Math.sin(Math.floor(col / 37) * 12.9898 + Math.floor(row / 41) * 78.233) * 43758.5453;
      const cover = field - Math.floor(field);
      const value = base + 1500 * cover + 200 * Math.sin(col / 13 + row / 29) + 60 * (uniform() - 0.5);
      data[row * SIDE + col] = float ? value / 10_000 : Math.round(value);
    }
  }
  return data;
}

function writeBand(name: string, data: SampleArray): string {
  const file = path.join(dir, `${name}.tif`);
  const geobox = { crs: 'EPSG:32737', affine: [10, 0, 500_000, 0, -10, 9_300_000] as const, width: SIDE, height: SIDE };
  writeFileSync(file, encodeCog({ geobox, data, nodata: 0 }, { blocksize: BLOCK, overviewLevels: [] }));
  return file;
}

interface Timing {
  /** Milliseconds of wall time, and of CPU time (user + system, all threads of the process). */
  wall: number;
  cpu: number;
}

async function time(run: () => Promise<void>): Promise<Timing> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
}

const whole: PixelWindow = [0, 0, SIDE, SIDE];

async function withGeotiff(cogs: OpenCog[], windows: PixelWindow[] = [whole]): Promise<void> {
  for (const cog of cogs) {
    for (const window of windows) await cog.levels[0]!.image.readRasters({ window, samples: [0], interleave: false });
  }
}

async function withOurs(cogs: OpenCog[], windows: PixelWindow[] = [whole], forgetEachWindow = false): Promise<void> {
  clearDecodedBlocks();
  for (const window of windows) {
    if (forgetEachWindow) clearDecodedBlocks();
    for (const cog of cogs) await readWindow(cog, cog.levels[0]!, window);
  }
}

/** node:zlib inflate of every uint16 block's bytes, nothing else. */
async function inflateOnly(cogs: OpenCog[]): Promise<void> {
  for (const cog of cogs) {
    const image = cog.levels[0]!.image;
    const directory = image.getFileDirectory();
    const count = Math.ceil(SIDE / BLOCK) ** 2;
    for (let index = 0; index < count; index++) {
      const offset = Number(await directory.loadValueIndexed('TileOffsets', index));
      const length = Number(await directory.loadValueIndexed('TileByteCounts', index));
      const [bytes] = await image.source.fetch([{ offset, length }]);
      // One output chunk the size of the block, as read-window.ts asks for.
      inflateSync(new Uint8Array(bytes!), { chunkSize: BLOCK * BLOCK * 2 + 64 });
    }
  }
}

/**
 * The least wall and the least CPU time of REPEATS runs of each, alternating so that all see
 * the same machine load. On a busy machine CPU time is the steadier measure: the process's
 * threads are not charged for the time others run.
 */
async function fastest(runs: Record<string, () => Promise<void>>): Promise<Record<string, Timing>> {
  const best: Record<string, Timing> = {};
  for (const run of Object.values(runs)) await run(); // warm-up
  for (let k = 0; k < REPEATS; k++) {
    for (const [label, run] of Object.entries(runs)) {
      const { wall, cpu } = await time(run);
      const sofar = best[label] ?? { wall: Infinity, cpu: Infinity };
      best[label] = { wall: Math.min(sofar.wall, wall), cpu: Math.min(sofar.cpu, cpu) };
    }
  }
  return best;
}

function report(title: string, megabytes: number, times: Record<string, Timing>, baseline: string): void {
  console.log(`\n${title} (${megabytes.toFixed(0)} MB decoded per pass)`);
  console.log(`  ${''.padEnd(48)} ${'CPU ms'.padStart(7)} ${'MB/s'.padStart(6)} ${'wall ms'.padStart(8)}  CPU-time ratio`);
  const reference = times[baseline]!.cpu;
  for (const [label, { wall, cpu }] of Object.entries(times)) {
    const ratio = label === baseline ? '' : `  ${(reference / cpu).toFixed(2)}× less than ${baseline}`;
    const throughput = ((megabytes / cpu) * 1000).toFixed(0);
    console.log(`  ${label.padEnd(48)} ${cpu.toFixed(0).padStart(7)} ${throughput.padStart(6)} ${wall.toFixed(0).padStart(8)}${ratio}`);
  }
}

console.log(`node ${process.version}; ${BANDS} + 2 + 2 files of ${SIDE}² px, ${BLOCK} px blocks; fastest of ${REPEATS}`);
const started = performance.now();
const deflateFiles = Array.from({ length: BANDS }, (_, k) => writeBand(`B${k + 1}`, band(k + 1, false)));
const floatFiles = [1, 2].map((k) => writeBand(`F${k}`, band(100 + k, true)));
const gdal = await loadGdal();
const lzwFiles: string[] = [];
for (const [k, source] of deflateFiles.slice(0, 2).entries()) {
  const bytes = await gdal.translate(source, ['-of', 'GTiff', '-co', 'TILED=YES', '-co', `BLOCKXSIZE=${BLOCK}`, '-co', `BLOCKYSIZE=${BLOCK}`, '-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=2'], `lzw${k}`);
  const file = path.join(dir, `lzw${k}.tif`);
  writeFileSync(file, bytes);
  lzwFiles.push(file);
}
console.log(`files written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const deflate = await Promise.all(deflateFiles.map((file) => openCog(file)));
const lzw = await Promise.all(lzwFiles.map((file) => openCog(file)));
const floats = await Promise.all(floatFiles.map((file) => openCog(file)));
const megabytes = (files: number, bytesPerSample: number) => (files * SIDE * SIDE * bytesPerSample) / 1e6;

report(
  'uint16, DEFLATE + horizontal predictor',
  megabytes(BANDS, 2),
  await fastest({
    'geotiff.js readRasters (pako)': () => withGeotiff(deflate),
    'read-window.ts (node:zlib)': () => withOurs(deflate),
    'node:zlib inflateSync alone': () => inflateOnly(deflate),
  }),
  'geotiff.js readRasters (pako)',
);
report(
  'uint16, LZW + horizontal predictor',
  megabytes(2, 2),
  await fastest({ 'geotiff.js readRasters': () => withGeotiff(lzw), 'read-window.ts': () => withOurs(lzw) }),
  'geotiff.js readRasters',
);
report(
  'float32, DEFLATE + floating-point predictor',
  megabytes(2, 4),
  await fastest({ 'geotiff.js readRasters (pako)': () => withGeotiff(floats), 'read-window.ts (node:zlib)': () => withOurs(floats) }),
  'geotiff.js readRasters (pako)',
);

// A task's chunks: a tile of (SIDE − 512)² px at (200, 300) in the files, 512 px chunks read
// with a 16 px halo, row by row, every band for each chunk (as run-task.ts reads them).
const HALO = 16;
const chunks: PixelWindow[] = [];
for (let row = 300; row < SIDE - 212; row += 512) {
  for (let col = 200; col < SIDE - 312; col += 512) {
    chunks.push([col - HALO, row - HALO, Math.min(SIDE, col + 512 + HALO), Math.min(SIDE, row + 512 + HALO)]);
  }
}
const before = decodedBlockStats();
await withOurs(deflate, chunks);
const after = decodedBlockStats();
const chunkedMegabytes =
  (BANDS * chunks.reduce((sum, [x0, y0, x1, y1]) => sum + (x1 - x0) * (y1 - y0), 0) * 2) / 1e6;
report(
  `uint16 DEFLATE, ${chunks.length} chunks of 512 px + ${HALO} px halo: ${after.decoded - before.decoded} blocks decoded for ${after.decoded - before.decoded + after.reused - before.reused} block reads`,
  chunkedMegabytes,
  await fastest({
    'geotiff.js readRasters per chunk (pako)': () => withGeotiff(deflate, chunks),
    'read-window.ts, blocks decoded per chunk': () => withOurs(deflate, chunks, true),
    'read-window.ts, blocks decoded once': () => withOurs(deflate, chunks),
  }),
  'geotiff.js readRasters per chunk (pako)',
);

// Last: this replaces geotiff.js's DEFLATE decoder for the rest of the process.
class NodeZlibDecoder extends BaseDecoder {
  override decodeBlock(buffer: ArrayBuffer): ArrayBuffer {
    const out = inflateSync(new Uint8Array(buffer));
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}
addDecoder([8, 32946], () => Promise.resolve(NodeZlibDecoder));
report(
  'uint16, DEFLATE + horizontal predictor, geotiff.js with node:zlib',
  megabytes(BANDS, 2),
  await fastest({
    'geotiff.js readRasters (node:zlib by addDecoder)': () => withGeotiff(deflate),
    'read-window.ts (node:zlib)': () => withOurs(deflate),
  }),
  'geotiff.js readRasters (node:zlib by addDecoder)',
);

await Promise.all([...deflate, ...lzw, ...floats].map((cog) => cog.close()));
rmSync(dir, { recursive: true, force: true });
