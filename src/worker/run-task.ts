import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { subGeobox, type GeoBox } from '../shared/geobox.js';
import { tileFootprintLonLat } from '../shared/geometry.js';
import { tileGeobox, type GridSpec } from '../shared/grid.js';
import {
  bandFileName,
  bandPath,
  previewFileName,
  previewPath,
  quicklookFileName,
  quicklookPath,
  sha1FileName,
  sha1Path,
  stacItemPath,
  taskFolder,
  type PreviewFormat,
} from '../shared/output-layout.js';
import { cogOptionsForBand, rgbaPreviewOptions } from '../shared/run-config.js';
import type { StacItem } from '../shared/stac.js';
import type { TaskDatasetRef, TaskOutcome, TaskProgress, WorkerTask } from '../shared/task-messages.js';
import { bandWriterOptions, rgbaWriterOptions } from './cog/cog-settings.js';
import { rgbClamp } from './plugins/plugin-config.js';
import { firstLine } from '../shared/first-line.js';
import { UserError } from '../shared/errors.js';
import { closeCachedCogs } from './load/load-band.js';
import { setDecodedBlockBudget, TASK_BLOCK_CACHE_BYTES } from './load/read-window.js';
import { renderStacItem } from './output/stac-item.js';
import { eo3TaskMetadata } from './eo3/task-metadata.js';
import { encodeJpeg } from './quicklook/jpeg.js';
import { encodePng } from './quicklook/png.js';
import { sinkFor, type OutputSink } from './output/sink.js';
import { hashedBody } from './output/hashed-body.js';
import { removeUnfinishedOutputs } from './output/unfinished-outputs.js';
import type { OutputBand, StatsPlugin } from './plugins/plugin.js';
import { TileOutputs, type FinishedCog } from './output/tile-outputs.js';
import { chunksCovered, footprintInCrs, footprintTouches, tileChunks } from './chunk-coverage.js';
import { reducerFor } from './reduce-threads.js';
import type { SampleArray } from './raster.js';
import { SampleArena } from './sample-arena.js';
import { groupByDay, loadObservations, taskGrid, taskPlugin } from './task-observations.js';

const DEFAULT_CHUNK = 512;
const DEFAULT_BLOCKSIZE = 512;
const COG_TYPE = 'image/tiff; application=geotiff; profile=cloud-optimized';

export interface RunTaskControl {
  signal?: AbortSignal;
  onProgress?: (progress: TaskProgress) => void;
}

/**
 * Computes one task: loads its datasets chunk by chunk onto the tile, reduces them with the
 * plugin, and writes one COG per band, a preview, the checksums, with `apply_eodatasets3` the
 * EO3 metadata and, last, the STAC item — so a task whose item exists is complete. A task with
 * an item already is skipped unless `overwrite`. A task that fails or is aborted (`signal`) removes what it wrote.
 */
export async function runTask(task: WorkerTask, control: RunTaskControl = {}): Promise<TaskOutcome> {
  const started = performance.now();
  const sink = await sinkFor(task.location, { ...(task.s3Acl && { s3Acl: task.s3Acl }), unsigned: task.unsigned });
  const itemPath = stacItemPath(task.location, task.product, task.id);
  const seconds = () => (performance.now() - started) / 1000;
  control.signal?.throwIfAborted();
  if (!task.overwrite && (await sink.exists(itemPath))) {
    return { status: 'skipped', stacItem: itemPath, outputs: [], seconds: seconds() };
  }
  // A planned task has datasets; only the run's dataset_filters can leave it none (odc-stats fails loading nothing too).
  if (task.datasets.length === 0) throw new UserError('no dataset of the task passes dataset_filters: nothing to compute');
  setDecodedBlockBudget(task.blockCacheBytes ?? TASK_BLOCK_CACHE_BYTES);
  const plugin = await taskPlugin(task);
  const grid = taskGrid(task);
  const tile = tileGeobox(grid, task.id);
  const bandOptions = (band: OutputBand) => bandWriterOptions(cogOptionsForBand(task.cogOptions, band.name), band.overviewResampling);
  // odc-stats' plugins without RGB bands make no RGBA preview (their `rgba` is None), whatever the settings.
  const rgbaSettings = plugin.quicklook?.kind === 'rgb' ? rgbaPreviewOptions(task.cogOptions) : undefined;
  const chunkSize = alignedChunkSize(task.chunkSize ?? DEFAULT_CHUNK, plugin.measurements.map((b) => bandOptions(b).blocksize ?? DEFAULT_BLOCKSIZE));
  const scratchDir = await fs.mkdtemp(path.join(os.tmpdir(), 'odc-stats-task-'));
  const outputs = new TileOutputs(plugin, tile, { bandOptions, ...(rgbaSettings && { rgba: { options: rgbaWriterOptions(rgbaSettings), clamp: rgbClamp(task.pluginConfig) } }) }, scratchDir, chunkSize);
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
    setDecodedBlockBudget(undefined);
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
        const hashed = hashedBody(file.body);
        await sink.writeFrom(file.uri, hashed.body, file.contentType);
        file.sha1 = await hashed.digest();
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
  const writtenNames = new Set(written.map((f) => f.name));
  const item = renderTaskItem(task, plugin, tile, grid, writtenNames);
  const metadata = eo3Files(task, plugin, tile, item, writtenNames);
  const itemFile = textFile(itemPath, JSON.stringify(item, null, 2), 'application/json');
  const sums = checksumsFile(task, [...written, ...metadata, itemFile]);
  await write(sums);
  for (const file of metadata) await write(file);
  // Last: the item's presence is what says the task is finished.
  await write(itemFile);
  control.onProgress?.({ stage: 'writing', done: 1, total: 1 });
  const uris = [...written, sums, ...metadata].map((f) => f.uri);
  return { status: 'finished', stacItem: itemPath, outputs: [...uris, itemPath], seconds: seconds() };
}

/**
 * With `apply_eodatasets3`: the processing record and the EO3 dataset document, as odc-stats
 * writes them through eodatasets3, and the item's links to them (added to `item`). None without.
 */
function eo3Files(task: WorkerTask, plugin: StatsPlugin, tile: GeoBox, item: StacItem, written: Set<string>): OutputFile[] {
  const { eo3 } = task.product;
  if (!eo3) return [];
  const thumbnail = previewFileName(task.product, task.id, 'jpg');
  const metadata = eo3TaskMetadata({
    task,
    product: { ...task.product, eo3 },
    bands: plugin.measurements.map((b) => b.name),
    tile,
    item,
    files: {
      band: (band) => bandFileName(task.product, task.id, band),
      checksum: sha1FileName(task.product, task.id),
      ...(written.has(thumbnail) && { thumbnail }),
    },
  });
  item.links = [...(item.links ?? []), ...metadata.links];
  const folder = taskFolder(task.location, task.product, task.id);
  return metadata.files.map((file) => textFile(`${folder}/${file.name}`, file.text, 'text/yaml'));
}

/** odc-stats' thumbnail is a JPEG with `apply_eodatasets3`; a PNG preview otherwise. */
function previewFormat(task: WorkerTask): PreviewFormat {
  return task.product.eo3 ? 'jpg' : 'png';
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
    const format = previewFormat(task);
    const name = previewFileName(task.product, task.id, format);
    const uri = previewPath(task.location, task.product, task.id, format);
    const { rgba, width, height } = preview;
    if (format === 'jpg') yield { name, uri, body: encodeJpeg(rgba, width, height), contentType: 'image/jpeg' };
    else yield { name, uri, body: encodePng(rgba, width, height), contentType: 'image/png' };
  }
}

/** The task's STAC item; `written` names the files written, which says whether it has a quicklook and a preview. */
function renderTaskItem(task: WorkerTask, plugin: StatsPlugin, tile: GeoBox, grid: GridSpec, written: Set<string>): StacItem {
  const previewName = previewFileName(task.product, task.id, previewFormat(task));
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

/** The SHA-1 of each file, as `sha1sum` lists them. */
function checksumsFile(task: WorkerTask, files: OutputFile[]): OutputFile {
  const sha1 = (f: OutputFile) => f.sha1 ?? (f.body instanceof Uint8Array ? createHash('sha1').update(f.body).digest('hex') : '');
  const sums = files.map((f) => `${sha1(f)}  ${f.name}`).join('\n');
  return textFile(sha1Path(task.location, task.product, task.id), `${sums}\n`, 'text/plain');
}

/**
 * A band the outputs may keep until its stripe is written: one that is a view of the chunk's
 * inputs (an external plugin may return one; from a thread it comes on their SharedArrayBuffer)
 * is copied, since their memory holds a later chunk by then.
 */
function keepable(band: SampleArray, arena: SampleArena): SampleArray {
  return arena.holds(band) || band.buffer instanceof SharedArrayBuffer ? band.slice() : band;
}

/** A text file, named in the checksums by the last part of its URI. */
function textFile(uri: string, text: string, contentType: string): OutputFile {
  return { name: uri.slice(uri.lastIndexOf('/') + 1), uri, body: new TextEncoder().encode(text), contentType };
}

/**
 * The plugin's output bands over the whole tile, computed chunk by chunk, each chunk handed to
 * `outputs` as it finishes. With reduce threads (`task.reduceThreads`), each chunk is loaded here
 * while the one before it is reduced there.
 */
async function computeOutputs(task: WorkerTask, plugin: StatsPlugin, tile: GeoBox, chunkSize: number, outputs: TileOutputs, control: RunTaskControl): Promise<void> {
  const days = groupByDay(task.datasets);
  const footprints = new Map(task.datasets.map((d) => [d, footprintInCrs(d.footprint, tile.crs)]));
  const halo = plugin.halo ?? 0;
  const chunks = tileChunks(tile.width, tile.height, chunkSize);
  const windows = chunks.map((c) => ({ col: c.col - halo, row: c.row - halo, width: c.width + 2 * halo, height: c.height + 2 * halo }));
  const covered = chunksCovered(tile, [...footprints.values()], windows);
  const reducer = await reducerFor(plugin, { plugin: task.plugin, pluginConfig: task.pluginConfig }, task.reduceThreads ?? 1);
  // The chunk being reduced, while the next one loads (with reduce threads; on this thread a
  // chunk is reduced before the next loads). Each chunk's arrays are in an arena, used again for
  // a later chunk once the one it held is reduced.
  let reducing: Promise<void> | undefined;
  const arenas = Array.from({ length: reducer.chunkMemory === 'shared' ? 2 : 1 }, () => ({ arena: new SampleArena(reducer.chunkMemory), reduced: Promise.resolve() }));
  let loaded = 0;
  let failure: { error: unknown } | undefined;
  // Outputs take one part of a chunk at a time, in whatever order they come.
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
      const slot = arenas[loaded++ % arenas.length]!;
      await slot.reduced;
      slot.arena.reset();
      const observations = await loadObservations(task, plugin, days, padded, halo, reaches, control.signal, { reading: 'chunks', arena: slot.arena });
      await reducing;
      if (failure) break;
      reducing = reducer
        .reduce(observations)
        .then(async (runs) => {
          for (const { from, to, bands } of runs) {
            const kept = Object.fromEntries(Object.entries(bands).map(([name, band]) => [name, keepable(band, slot.arena)]));
            await put({ col: c.col, row: c.row + from, width: c.width, height: to - from }, kept, padded.width, halo);
          }
          done++;
          progress();
        })
        .catch((error: unknown) => {
          failure ??= { error };
        });
      slot.reduced = reducing;
    }
    await reducing;
    if (failure) throw failure.error;
    await outputsFree;
  } catch (e) {
    // Nothing of the task may go on after it: reductions stop, and no chunk is put after this.
    await reducer.close();
    await reducing;
    throw e;
  }
  progress();
}
