/**
 * A tiny run for fleet tests: a catalogue of two days of SCL over a block of 1 km tiles of a
 * custom UTM grid (10 m pixels, 100 × 100 a tile), its task cache, a plugin module that can be
 * told to be slow or to fail on given tiles, and helpers for queues in moto and worker processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { transformer } from '../../../shared/crs.js';
import { encodeCog } from '../../../worker/cog/cog-writer.js';
import { saveTasks } from '../../planner/save-tasks.js';

const GRID = 'EPSG:32737;10;100';
const TILE_METRES = 1000;
const FIRST_TILE = { x: 250, y: 9900 };

/** Writes the catalogue (items.ndjson + one SCL COG a day) and plans it; returns the cache path. */
export async function writeTinyCache(dir: string, columns: number, rows: number): Promise<string> {
  const west = FIRST_TILE.x * TILE_METRES;
  const south = FIRST_TILE.y * TILE_METRES;
  const width = (columns * TILE_METRES) / 10;
  const height = (rows * TILE_METRES) / 10;
  const north = south + rows * TILE_METRES;
  const east = west + columns * TILE_METRES;
  const toLonLat = transformer('EPSG:32737', 'EPSG:4326');
  // Inset a little, so that the footprint's edges do not graze the tiles around the block.
  const inset = 5;
  const ring = [
    [west + inset, south + inset],
    [east - inset, south + inset],
    [east - inset, north - inset],
    [west + inset, north - inset],
    [west + inset, south + inset],
  ].map(([x, y]) => toLonLat(x!, y!));
  const lines: string[] = [];
  for (const [day, cloudy] of [
    ['2021-02-01', false],
    ['2021-03-01', true],
  ] as const) {
    const scl = new Uint8Array(width * height).fill(4);
    if (cloudy) for (let i = 0; i < scl.length; i += 7) scl[i] = 9;
    const file = path.join(dir, 'inputs', day, 'SCL.tif');
    mkdirSync(path.dirname(file), { recursive: true });
    const geobox = { crs: 'EPSG:32737', affine: [10, 0, west, 0, -10, north] as const, width, height };
    writeFileSync(file, encodeCog({ geobox, data: scl, nodata: 0 }, { blocksize: 128 }));
    lines.push(
      JSON.stringify({
        type: 'Feature',
        stac_version: '1.0.0',
        id: `tiny-${day}`,
        collection: 's2_l2a',
        geometry: { type: 'Polygon', coordinates: [ring] },
        bbox: [Math.min(...ring.map((p) => p[0])), Math.min(...ring.map((p) => p[1])), Math.max(...ring.map((p) => p[0])), Math.max(...ring.map((p) => p[1]))],
        properties: { datetime: `${day}T07:30:00Z`, 'proj:epsg': 32737 },
        assets: { SCL: { href: file, type: 'image/tiff; application=geotiff; profile=cloud-optimized' } },
        links: [],
      }),
    );
  }
  const catalog = path.join(dir, 'items.ndjson');
  writeFileSync(catalog, `${lines.join('\n')}\n`);
  const result = await saveTasks({ catalog, inputProducts: ['s2_l2a'], grid: GRID, year: 2021, output: path.join(dir, 'tiny.db') });
  return result.db;
}

/**
 * A plugin module counting the days each pixel was observed. `plugin_config`: `delay_ms` (every
 * chunk), `slow_tiles` ({"X/Y": ms}) and `fail_tiles` (["X/Y"]); `reduce_log` (a file that gets
 * a line "X/Y" as each chunk's reduction starts, to tell a test the task is under way);
 * `slow_writes` and `stalled_writes` ({"X/Y": ms}): each output file of the tile waits, or
 * blocks the task process's thread, that long before it is renamed into place. Its other
 * delays block the thread that reduces, as a heavy computation does.
 */
export function writeTestPlugin(dir: string): string {
  const file = path.join(dir, 'test-plugin.mjs');
  writeFileSync(
    file,
    `import { appendFileSync, promises as fs } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const block = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
let writesHeldBack = false;

// The worker's writes go through fs.promises.rename (src/io/atomic-file.ts): held back here by tile.
function holdBackWrites(slow, stalled) {
  const rename = fs.rename;
  fs.rename = async (from, to) => {
    const [, x, y] = /_x(\\d+)y(\\d+)_/.exec(String(to)) ?? [];
    const tile = x + '/' + y;
    if (slow[tile]) await new Promise((resolve) => setTimeout(resolve, slow[tile]));
    if (stalled[tile]) block(stalled[tile]);
    return rename(from, to);
  };
}

export default function testPlugin(config) {
  // Writes are renamed on a process's main thread, never on a reduce thread. A host's own files
  // (task caches, heartbeats) are not named by tile, so only a task process's writes wait.
  if (isMainThread && !writesHeldBack) holdBackWrites(config.slow_writes ?? {}, config.stalled_writes ?? {});
  writesHeldBack = true;
  return {
    name: 'test-observed',
    inputs: [{ name: 'SCL', resampling: 'nearest' }],
    measurements: [
      { name: 'observed', dtype: 'uint16', nodata: 0 },
      { name: 'days', dtype: 'uint8', nodata: 0 },
    ],
    reduce(chunk) {
      const [, , west, , yStep, north] = chunk.geobox.affine;
      const tile = Math.floor(west / ${TILE_METRES}) + '/' + Math.floor((north + yStep * chunk.geobox.height) / ${TILE_METRES});
      if (config.reduce_log) appendFileSync(config.reduce_log, tile + '\\n');
      if ((config.fail_tiles ?? []).includes(tile)) throw new Error('tile ' + tile + ' fails on purpose');
      const ms = (config.slow_tiles ?? {})[tile] ?? config.delay_ms ?? 0;
      if (ms > 0) block(ms);
      const n = chunk.geobox.width * chunk.geobox.height;
      const observed = new Uint16Array(n);
      for (const day of chunk.bands.SCL) for (let i = 0; i < n; i++) if (day[i] !== 0) observed[i]++;
      return { observed, days: new Uint8Array(n).fill(chunk.days.length) };
    },
  };
}
`,
  );
  return file;
}

export async function createQueue(sqs: SQSClient, name: string, options: { deadLetterArn?: string; maxReceiveCount?: number } = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      ...(options.deadLetterArn && {
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: options.deadLetterArn, maxReceiveCount: options.maxReceiveCount ?? 10 }) },
      }),
    }),
  );
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!['QueueArn']! };
}

export async function queueCounts(sqs: SQSClient, url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes['ApproximateNumberOfMessages']), inFlight: Number(Attributes['ApproximateNumberOfMessagesNotVisible']) };
}

export interface LogEvent {
  time: string;
  level: string;
  worker: string;
  event: string;
  task?: string;
  receiveCount?: number;
  [detail: string]: unknown;
}

export interface WorkerProcess {
  process: ChildProcess;
  events: LogEvent[];
  stderr: () => string;
  /** Resolves with the event that first matches. */
  waitFor(match: (e: LogEvent) => boolean): Promise<LogEvent>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const CLI = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

/**
 * `odc-stats worker` as its own process group, as in a pod: killing the group kills the worker
 * and its task process together.
 */
export function startWorker(args: string[]): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'worker', ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  const events: LogEvent[] = [];
  const waiters: Array<{ match: (e: LogEvent) => boolean; resolve: (e: LogEvent) => void }> = [];
  let partial = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as LogEvent;
      events.push(event);
      for (const w of [...waiters]) {
        if (w.match(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return {
    process: child,
    events,
    stderr: () => stderr,
    waitFor: (match) =>
      new Promise((resolve) => {
        const seen = events.find(match);
        if (seen) resolve(seen);
        else waiters.push({ match, resolve });
      }),
    exited,
  };
}

/** Kills a worker started by startWorker and its task process, as a pod's end would. */
export function killGroup(worker: WorkerProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-worker.process.pid!, signal);
  } catch {
    // Gone already.
  }
}
