import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GeoBox } from '../shared/geobox.js';
import { tileFootprintLonLat } from '../shared/geometry.js';
import { parseGrid, tileGeobox, type GridSpec } from '../shared/grid.js';
import { bandFileName, bandPath, previewFileName, previewPath, quicklookFileName, quicklookPath, sha1Path, stacItemPath } from '../shared/output-layout.js';
import { cogOptionsForBand, type CogBandOptions } from '../shared/run-config.js';
import { UserError } from '../shared/errors.js';
import type { StacItem } from '../shared/stac.js';
import type { TaskDatasetRef, TaskOutcome, TaskProgress, WorkerTask } from '../shared/task-messages.js';
import type { CogOptions as CogWriterOptions } from './cog/cog-writer.js';
import { firstLine } from '../shared/first-line.js';
import { closeCachedCogs, loadBand } from './load/load-band.js';
import { setDecodedBlockBudget } from './load/read-window.js';
import { openCachedCog } from './load/cog-cache.js';
import { fuseSameDay } from './load/fuse.js';
import { renderStacItem } from './output/stac-item.js';
import { sinkFor, type OutputSink } from './output/sink.js';
import { removeUnfinishedOutputs } from './output/unfinished-outputs.js';
import { loadPlugin } from './plugins/registry.js';
import type { InputType, ObservationChunk, OutputBand, StatsPlugin } from './plugins/plugin.js';
import { TileOutputs, type FinishedCog } from './output/tile-outputs.js';
import { newSampleArray, sampleTypeOf, type Raster, type SampleArray } from './raster.js';
import { chunksCovered, footprintInCrs, footprintTouches, tileChunks } from './chunk-coverage.js';
import { reducerFor } from './reduce-threads.js';

const DEFAULT_CHUNK = 512;
const DEFAULT_BLOCKSIZE = 512;
const HASH_PIECE_BYTES = 8 * 1024 * 1024;
const LOADS_AT_ONCE = 8;
const COG_TYPE = 'image/tiff; application=geotiff; profile=cloud-optimized';

export interface RunTaskControl {
  signal?: AbortSignal;
  onProgress?: (progress: TaskProgress) => void;
}

/**
 * Computes one task: loads its datasets chunk by chunk onto the tile, reduces them with the
 * plugin, and writes one COG per band, a preview, the checksums and, last, the STAC item —
 * so a task whose item exists is complete. A task with an item already is skipped unless
 * `overwrite`. A task that fails or is aborted (`signal`) removes what it wrote.
 */
export async function runTask(task: WorkerTask, control: RunTaskControl = {}): Promise<TaskOutcome> {
  const started = performance.now();
  const sink = sinkFor(task.location, { ...(task.s3Acl && { s3Acl: task.s3Acl }), unsigned: task.unsigned });
  const itemPath = stacItemPath(task.location, task.product, task.id);
  const seconds = () => (performance.now() - started) / 1000;
  control.signal?.throwIfAborted();
  if (!task.overwrite && (await sink.exists(itemPath))) {
    return { status: 'skipped', stacItem: itemPath, outputs: [], seconds: seconds() };
  }
  setDecodedBlockBudget(task.blockCacheBytes);
  const plugin = await withInputTypes(await loadPlugin(task.plugin, task.pluginConfig), task);
  const grid = atResolution(parseGrid(task.grid), task.resolution);
  const tile = tileGeobox(grid, task.id);
  const bandOptions = (band: OutputBand) => writerOptions(cogOptionsForBand(task.cogOptions, band.name), band.overviewResampling);
  const chunkSize = alignedChunkSize(task.chunkSize ?? DEFAULT_CHUNK, plugin.measurements.map((b) => bandOptions(b).blocksize ?? DEFAULT_BLOCKSIZE));
  const scratchDir = await fs.mkdtemp(path.join(os.tmpdir(), 'odc-stats-task-'));
  const outputs = new TileOutputs(plugin, tile, bandOptions, scratchDir, chunkSize);
  try {
    await computeOutputs(task, plugin, tile, chunkSize, outputs, control);
    return await writeOutputs(task, plugin, tile, grid, outputs, sink, control, seconds);
  } catch (e) {
    try {
      await removeUnfinishedOutputs(task, plugin.measurements.map((b) => b.name));
    } catch (cleanup) {
      throw new Error(`${firstLine(e)}; its partial outputs could not be removed: ${firstLine(cleanup)}`, { cause: e });
    }
    throw e;
  } finally {
    outputs.discard();
    await fs.rm(scratchDir, { recursive: true, force: true });
    await closeCachedCogs();
  }
}

/**
 * The plugin settled for the types of its inputs, read from the headers of the first dataset
 * that has each band, when its outputs keep them (gm-generic); any other plugin as it is.
 */
async function withInputTypes(plugin: StatsPlugin, task: WorkerTask): Promise<StatsPlugin> {
  if (!plugin.withInputTypes) return plugin;
  const types: Record<string, InputType> = {};
  try {
    for (const input of plugin.inputs) {
      const href = task.datasets.find((d) => d.assets[input.name])?.assets[input.name];
      if (href === undefined) continue;
      const cog = await openCachedCog(href, { unsigned: task.unsigned });
      types[input.name] = { dtype: cog.sampleType, nodata: cog.nodata };
    }
    return plugin.withInputTypes(types);
  } catch (e) {
    await closeCachedCogs();
    throw e;
  }
}

/**
 * The chunk size rounded down to a multiple of the COG block size, so that a stripe of chunks
 * makes whole rows of COG tiles; a chunk smaller than a block (a tight memory limit) stays.
 */
function alignedChunkSize(chunkSize: number, blocksizes: number[]): number {
  const block = Math.max(...blocksizes);
  return chunkSize >= block ? Math.floor(chunkSize / block) * block : chunkSize;
}

/** One file of a task's outputs: its name in the checksums, where it goes, and what it holds. */
interface OutputFile {
  name: string;
  uri: string;
  body: Uint8Array | FinishedCog;
  contentType: string;
  /** Its SHA-1, once written. */
  sha1?: string;
}

/**
 * Writes the task's files, the STAC item last. An item from before (with `overwrite`) goes
 * first, so that a set cut short never looks finished.
 */
async function writeOutputs(
  task: WorkerTask,
  plugin: StatsPlugin,
  tile: GeoBox,
  grid: GridSpec,
  outputs: TileOutputs,
  sink: OutputSink,
  control: RunTaskControl,
  seconds: () => number,
): Promise<TaskOutcome> {
  const itemPath = stacItemPath(task.location, task.product, task.id);
  const write = async (file: OutputFile) => {
    control.signal?.throwIfAborted();
    if (file.body instanceof Uint8Array) {
      await sink.write(file.uri, file.body, file.contentType);
      file.sha1 = createHash('sha1').update(file.body).digest('hex');
    } else {
      try {
        await sink.writeFrom(file.uri, file.body, file.contentType);
        file.sha1 = await sha1Of(file.body);
      } finally {
        file.body.close();
      }
    }
  };
  control.onProgress?.({ stage: 'writing', done: 0, total: 1 });
  if (task.overwrite) await sink.remove(itemPath);
  const written: OutputFile[] = [];
  for await (const file of imageFiles(task, plugin, outputs)) {
    await write(file);
    written.push(file);
  }
  const item = renderTaskItem(task, plugin, tile, grid, new Set(written.map((f) => f.name)));
  const itemFile = textFile(itemPath, JSON.stringify(item, null, 2), 'application/json');
  const sums = checksumsFile(task, [...written, itemFile]);
  await write(sums);
  // Last: the item's presence is what says the task is finished.
  await write(itemFile);
  control.onProgress?.({ stage: 'writing', done: 1, total: 1 });
  return { status: 'finished', stacItem: itemPath, outputs: [...written.map((w) => w.uri), sums.uri, itemPath], seconds: seconds() };
}

/** One COG per band, then the quicklook COG and the preview where the plugin has them, each made when its turn comes. */
async function* imageFiles(task: WorkerTask, plugin: StatsPlugin, outputs: TileOutputs): AsyncGenerator<OutputFile> {
  const cogs = await outputs.finishBands();
  for (const band of plugin.measurements) {
    yield {
      name: bandFileName(task.product, task.id, band.name),
      uri: bandPath(task.location, task.product, task.id, band.name),
      body: cogs.get(band.name)!,
      contentType: COG_TYPE,
    };
  }
  const rgba = await outputs.rgbaCog();
  if (rgba) {
    const name = quicklookFileName(task.product, task.id);
    yield { name, uri: quicklookPath(task.location, task.product, task.id), body: rgba, contentType: COG_TYPE };
  }
  const preview = outputs.preview();
  if (preview) {
    const name = previewFileName(task.product, task.id, 'png');
    yield { name, uri: previewPath(task.location, task.product, task.id, 'png'), body: preview, contentType: 'image/png' };
  }
}

/** The task's STAC item; `written` names the files written, which says whether it has a quicklook and a preview. */
function renderTaskItem(task: WorkerTask, plugin: StatsPlugin, tile: GeoBox, grid: GridSpec, written: Set<string>): StacItem {
  const previewName = previewFileName(task.product, task.id, 'png');
  const quicklookName = quicklookFileName(task.product, task.id);
  return renderStacItem({
    product: task.product,
    task: task.id,
    period: task.period,
    grid,
    bands: plugin.measurements.map((b) => ({
      name: b.name,
      dtype: b.dtype,
      nodata: b.nodata,
      href: bandFileName(task.product, task.id, b.name),
      shape: [tile.height, tile.width] as const,
      transform: tile.affine,
    })),
    inputs: task.datasets.map((d) => ({ id: d.id, collection: d.collection, ...(d.itemHref && { href: d.itemHref }) })),
    footprintLonLat: tileFootprintLonLat(grid, task.id),
    created: new Date().toISOString(),
    ...(written.has(previewName) && { previewHref: previewName }),
    ...(written.has(quicklookName) && { quicklookHref: quicklookName }),
  });
}

/** The SHA-1 of a ranged body, read in order. */
async function sha1Of(body: FinishedCog): Promise<string> {
  const hash = createHash('sha1');
  for (let offset = 0; offset < body.size; offset += HASH_PIECE_BYTES) hash.update(await body.read(offset, Math.min(HASH_PIECE_BYTES, body.size - offset)));
  return hash.digest('hex');
}

/** The SHA-1 of each file, as `sha1sum` lists them. */
function checksumsFile(task: WorkerTask, files: OutputFile[]): OutputFile {
  const sha1 = (f: OutputFile) => f.sha1 ?? (f.body instanceof Uint8Array ? createHash('sha1').update(f.body).digest('hex') : '');
  const sums = files.map((f) => `${sha1(f)}  ${f.name}`).join('\n');
  return textFile(sha1Path(task.location, task.product, task.id), `${sums}\n`, 'text/plain');
}

/** A text file, named in the checksums by the last part of its URI. */
function textFile(uri: string, text: string, contentType: string): OutputFile {
  return { name: uri.slice(uri.lastIndexOf('/') + 1), uri, body: new TextEncoder().encode(text), contentType };
}

/** The grid with its tiles cut into pixels of another size; the tiles themselves stay. */
function atResolution(grid: GridSpec, resolution: number | undefined): GridSpec {
  if (resolution === undefined || resolution === grid.resolution) return grid;
  const tileShape = grid.tileSize / resolution;
  if (!Number.isInteger(tileShape)) {
    throw new UserError(`resolution ${resolution} does not divide the ${grid.tileSize} m tiles of ${grid.name} into whole pixels`);
  }
  return { ...grid, resolution, tileShape };
}

/**
 * The plugin's output bands over the whole tile, computed chunk by chunk, each chunk handed to
 * `outputs` as it finishes. With reduce threads (`task.reduceThreads`), chunks are loaded here
 * while earlier ones are reduced there, as many at once as there are threads.
 */
async function computeOutputs(task: WorkerTask, plugin: StatsPlugin, tile: GeoBox, chunkSize: number, outputs: TileOutputs, control: RunTaskControl): Promise<void> {
  const days = groupByDay(task.datasets);
  const footprints = new Map(task.datasets.map((d) => [d, footprintInCrs(d.footprint, tile.crs)]));
  const halo = plugin.halo ?? 0;
  const chunks = tileChunks(tile.width, tile.height, chunkSize);
  const windows = chunks.map((c) => ({ col: c.col - halo, row: c.row - halo, width: c.width + 2 * halo, height: c.height + 2 * halo }));
  const covered = chunksCovered(tile, [...footprints.values()], windows);
  const reducer = await reducerFor(plugin, { plugin: task.plugin, pluginConfig: task.pluginConfig }, task.reduceThreads ?? 1);
  const reducing = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  // Outputs take one chunk at a time, in whatever order the reductions end.
  let outputsFree = Promise.resolve();
  const put = (...args: Parameters<TileOutputs['put']>) => (outputsFree = outputsFree.then(() => outputs.put(...args)));
  let done = 0;
  const progress = () => control.onProgress?.({ stage: 'computing', done, total: chunks.length });
  try {
    for (const [i, c] of chunks.entries()) {
      // Reads served from the task's caches resolve without a turn of the event loop: give it one
      // per chunk, so that a cancel or the host's end (IPC) is heard within a chunk.
      await new Promise<void>((resolve) => setImmediate(resolve));
      control.signal?.throwIfAborted();
      if (failure) break;
      progress();
      // No dataset has data here: the chunk's outputs stay nodata.
      if (!covered[i]) {
        await put(c, null);
        done++;
        continue;
      }
      const window = windows[i]!;
      const reaches = (d: TaskDatasetRef) => footprintTouches(tile, footprints.get(d) ?? null, window);
      const padded = subGeobox(tile, window.col, window.row, window.width, window.height);
      const observations = await loadObservations(task, plugin, days, padded, halo, reaches, control.signal);
      while (reducing.size >= reducer.capacity) await Promise.race(reducing);
      if (failure) break;
      const job: Promise<void> = reducer
        .reduce(observations)
        .then((bands) => put(c, bands, padded.width, halo))
        .then(() => {
          done++;
          progress();
        })
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => reducing.delete(job));
      reducing.add(job);
    }
    await Promise.all(reducing);
    if (failure) throw failure.error;
    await outputsFree;
  } catch (e) {
    // Nothing of the task may go on after it: reductions stop, and no chunk is put after this.
    await reducer.close();
    await Promise.allSettled(reducing);
    throw e;
  }
  progress();
}

/**
 * The chunk's observations, one per day. Datasets whose footprint does not reach the chunk
 * (`reaches`) are not read: a day none of whose datasets reaches it is all nodata, of the type
 * and nodata the other days' bands have (read after all where a band has no nodata).
 */
async function loadObservations(
  task: WorkerTask,
  plugin: StatsPlugin,
  days: Array<[string, TaskDatasetRef[]]>,
  geobox: GeoBox,
  halo: number,
  reaches: (dataset: TaskDatasetRef) => boolean,
  signal: AbortSignal | undefined,
): Promise<ObservationChunk> {
  const bands: Record<string, SampleArray[]> = {};
  const nodata: Record<string, number | null> = {};
  const inner = subGeobox(geobox, halo, halo, geobox.width - 2 * halo, geobox.height - 2 * halo);
  const load = async (input: StatsPlugin['inputs'][number], datasets: TaskDatasetRef[]): Promise<Raster> => {
    const withoutHalo = input.halo === false && halo > 0;
    const rasters: Raster[] = [];
    for (const dataset of datasets) {
      const href = dataset.assets[input.name];
      if (!href) throw new UserError(`dataset ${dataset.id} has no asset '${input.name}' that plugin ${plugin.name} reads`);
      rasters.push(await loadBand(href, withoutHalo ? inner : geobox, { resampling: input.resampling, unsigned: task.unsigned, ...(signal && { signal }) }));
    }
    const fused = rasters.length === 1 ? rasters[0]! : fuseSameDay(rasters);
    return withoutHalo ? withNodataHalo(fused, geobox, halo) : fused;
  };
  const loads: Array<() => Promise<void>> = [];
  const unread: Array<{ input: StatsPlugin['inputs'][number]; day: number }> = [];
  for (const input of plugin.inputs) {
    const perDay: SampleArray[] = new Array(days.length);
    bands[input.name] = perDay;
    days.forEach(([, datasets], d) => {
      const reaching = datasets.filter(reaches);
      if (reaching.length === 0) {
        unread.push({ input, day: d });
        return;
      }
      loads.push(async () => {
        const fused = await load(input, reaching);
        perDay[d] = fused.data;
        nodata[input.name] = fused.nodata;
      });
    });
  }
  await runLimited(loads, LOADS_AT_ONCE);
  const rest: Array<() => Promise<void>> = [];
  for (const { input, day } of unread) {
    const perDay = bands[input.name]!;
    const like = perDay.find((a) => a !== undefined);
    const missing = nodata[input.name];
    if (like !== undefined && missing !== null && missing !== undefined) {
      perDay[day] = newSampleArray(sampleTypeOf(like), like.length).fill(missing);
    } else {
      rest.push(async () => {
        const fused = await load(input, days[day]![1]);
        perDay[day] = fused.data;
        nodata[input.name] = fused.nodata;
      });
    }
  }
  await runLimited(rest, LOADS_AT_ONCE);
  return { geobox, days: days.map(([day]) => day), bands, nodata };
}

/** The raster, of the chunk's inner pixels, placed in the padded chunk `geobox` with a halo of nodata (0 without one). */
function withNodataHalo(raster: Raster, geobox: GeoBox, halo: number): Raster {
  const data = newSampleArray(sampleTypeOf(raster.data), geobox.width * geobox.height);
  if (raster.nodata !== null && raster.nodata !== 0) data.fill(raster.nodata);
  const width = raster.geobox.width;
  for (let r = 0; r < raster.geobox.height; r++) data.set(raster.data.subarray(r * width, (r + 1) * width), (r + halo) * geobox.width + halo);
  return { geobox, data, nodata: raster.nodata };
}

/**
 * Runs the jobs, `limit` at a time. After a failure no job starts, and the first error is
 * thrown once the running ones have ended: nothing of the task goes on reading after it.
 */
async function runLimited(jobs: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < jobs.length) {
      try {
        await jobs[next++]!();
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const ends = await Promise.allSettled(Array.from({ length: Math.min(limit, jobs.length) }, lane));
  const failure = ends.find((end) => end.status === 'rejected');
  if (failure) throw failure.reason;
}

function groupByDay(datasets: TaskDatasetRef[]): Array<[string, TaskDatasetRef[]]> {
  const days = new Map<string, TaskDatasetRef[]>();
  for (const d of datasets) {
    const list = days.get(d.solarDay);
    if (list) list.push(d);
    else days.set(d.solarDay, [d]);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function subGeobox(g: GeoBox, col: number, row: number, width: number, height: number): GeoBox {
  const [a, b, c, d, e, f] = g.affine;
  return { crs: g.crs, affine: [a, b, c + a * col + b * row, d, e, f + d * col + e * row], width, height };
}

function writerOptions(o: CogBandOptions, bandResampling: 'nearest' | 'average' | 'mode' | undefined): CogWriterOptions {
  const resampling = (bandResampling === 'nearest' || bandResampling === 'mode' ? bandResampling : o.overview_resampling) ?? 'nearest';
  const compress = String(o.compress ?? 'deflate').toLowerCase();
  if (compress !== 'deflate' && compress !== 'none') {
    throw new UserError(`cog_opts: compress '${o.compress}' is not supported (deflate or none)`);
  }
  if (!['nearest', 'average', 'mode'].includes(String(resampling).toLowerCase())) {
    throw new UserError(`cog_opts: overview_resampling '${resampling}' is not supported (nearest, average or mode)`);
  }
  return {
    compress: compress as 'deflate' | 'none',
    ...(o.zlevel !== undefined && { zlevel: Math.min(9, o.zlevel) }),
    ...(o.blocksize !== undefined && { blocksize: o.blocksize }),
    overviewResampling: String(resampling).toLowerCase() as 'nearest' | 'average' | 'mode',
    ...(o.overview_levels && { overviewLevels: o.overview_levels }),
    ...(o.predictor !== undefined && { predictor: o.predictor === true ? 'auto' : o.predictor === false ? 1 : (o.predictor as 1 | 2 | 3) }),
  };
}
