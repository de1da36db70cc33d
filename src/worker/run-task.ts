import { createHash } from 'node:crypto';
import type { GeoBox } from '../shared/geobox.js';
import { tileFootprintLonLat } from '../shared/geometry.js';
import { parseGrid, tileGeobox, type GridSpec } from '../shared/grid.js';
import { bandFileName, bandPath, previewFileName, previewPath, quicklookFileName, quicklookPath, sha1Path, stacItemPath } from '../shared/output-layout.js';
import { cogOptionsForBand, type CogBandOptions } from '../shared/run-config.js';
import { UserError } from '../shared/errors.js';
import type { StacItem } from '../shared/stac.js';
import type { TaskDatasetRef, TaskOutcome, TaskProgress, WorkerTask } from '../shared/task-messages.js';
import { encodeCog, type CogOptions as CogWriterOptions } from './cog/cog-writer.js';
import { firstLine } from '../shared/first-line.js';
import { closeCachedCogs, loadBand } from './load/load-band.js';
import { fuseSameDay } from './load/fuse.js';
import { renderStacItem } from './output/stac-item.js';
import { sinkFor, type OutputSink } from './output/sink.js';
import { removeUnfinishedOutputs } from './output/unfinished-outputs.js';
import { loadPlugin } from './plugins/registry.js';
import type { ObservationChunk, StatsPlugin } from './plugins/plugin.js';
import { renderPreview, renderRgbaCog } from './quicklook/task-quicklooks.js';
import { newSampleArray, type Raster, type SampleArray } from './raster.js';

const DEFAULT_CHUNK = 512;
const LOADS_AT_ONCE = 8;
const COG_TYPE = 'image/tiff; application=geotiff; profile=cloud-optimized';

/** A window of the tile, in pixels from its top-left corner. */
interface PixelWindow {
  col: number;
  row: number;
  width: number;
  height: number;
}

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
  const plugin = await loadPlugin(task.plugin, task.pluginConfig);
  const grid = atResolution(parseGrid(task.grid), task.resolution);
  const tile = tileGeobox(grid, task.id);
  try {
    const outputs = await computeOutputs(task, plugin, tile, control);
    return await writeOutputs(task, plugin, tile, grid, outputs, sink, control, seconds);
  } catch (e) {
    try {
      await removeUnfinishedOutputs(task, plugin.measurements.map((b) => b.name));
    } catch (cleanup) {
      throw new Error(`${firstLine(e)}; its partial outputs could not be removed: ${firstLine(cleanup)}`, { cause: e });
    }
    throw e;
  } finally {
    await closeCachedCogs();
  }
}

/** One file of a task's outputs: its name in the checksums, where it goes, and what it holds. */
interface OutputFile {
  name: string;
  uri: string;
  body: Uint8Array;
  contentType: string;
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
  outputs: Record<string, SampleArray>,
  sink: OutputSink,
  control: RunTaskControl,
  seconds: () => number,
): Promise<TaskOutcome> {
  const itemPath = stacItemPath(task.location, task.product, task.id);
  const write = async (file: OutputFile) => {
    control.signal?.throwIfAborted();
    await sink.write(file.uri, file.body, file.contentType);
  };
  control.onProgress?.({ stage: 'writing', done: 0, total: 1 });
  if (task.overwrite) await sink.remove(itemPath);
  const written: OutputFile[] = [];
  for (const file of imageFiles(task, plugin, tile, outputs)) {
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

/** One COG per band, then the quicklook COG and the preview where the plugin has them, each encoded when its turn comes. */
function* imageFiles(task: WorkerTask, plugin: StatsPlugin, tile: GeoBox, outputs: Record<string, SampleArray>): Generator<OutputFile> {
  for (const band of plugin.measurements) {
    const raster: Raster = { geobox: tile, data: outputs[band.name]!, nodata: band.nodata };
    yield {
      name: bandFileName(task.product, task.id, band.name),
      uri: bandPath(task.location, task.product, task.id, band.name),
      body: encodeCog(raster, writerOptions(cogOptionsForBand(task.cogOptions, band.name), band.overviewResampling)),
      contentType: COG_TYPE,
    };
  }
  const rgba = renderRgbaCog(plugin, outputs, tile);
  if (rgba) {
    const name = quicklookFileName(task.product, task.id);
    yield { name, uri: quicklookPath(task.location, task.product, task.id), body: rgba, contentType: COG_TYPE };
  }
  const preview = renderPreview(plugin, outputs, tile);
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

/** The SHA-1 of each file, as `sha1sum` lists them. */
function checksumsFile(task: WorkerTask, files: OutputFile[]): OutputFile {
  const sums = files.map((f) => `${createHash('sha1').update(f.body).digest('hex')}  ${f.name}`).join('\n');
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

/** The plugin's output bands over the whole tile, computed chunk by chunk. */
async function computeOutputs(task: WorkerTask, plugin: StatsPlugin, tile: GeoBox, control: RunTaskControl): Promise<Record<string, SampleArray>> {
  const outputs = blankOutputs(plugin, tile.width * tile.height);
  const days = groupByDay(task.datasets);
  const halo = plugin.halo ?? 0;
  const chunks = tileChunks(tile, task.chunkSize ?? DEFAULT_CHUNK);
  for (const [i, c] of chunks.entries()) {
    control.signal?.throwIfAborted();
    control.onProgress?.({ stage: 'computing', done: i, total: chunks.length });
    const padded = subGeobox(tile, c.col - halo, c.row - halo, c.width + 2 * halo, c.height + 2 * halo);
    const observations = await loadObservations(task, plugin, days, padded, control.signal);
    const result = plugin.reduce(observations);
    for (const band of plugin.measurements) {
      const source = result[band.name];
      if (!source) throw new Error(`plugin ${plugin.name} returned no '${band.name}' band`);
      copyInner(source, padded.width, halo, outputs[band.name]!, tile.width, c);
    }
  }
  control.onProgress?.({ stage: 'computing', done: chunks.length, total: chunks.length });
  return outputs;
}

/** The plugin's output bands, filled with their nodata. */
function blankOutputs(plugin: StatsPlugin, pixels: number): Record<string, SampleArray> {
  const outputs: Record<string, SampleArray> = {};
  for (const band of plugin.measurements) {
    const data = newSampleArray(band.dtype, pixels);
    if (band.nodata !== null && band.nodata !== 0) data.fill(band.nodata);
    outputs[band.name] = data;
  }
  return outputs;
}

/** The tile cut into squares of `size` pixels, row by row; those on the right and bottom edges may be smaller. */
function tileChunks(tile: GeoBox, size: number): PixelWindow[] {
  const chunks: PixelWindow[] = [];
  for (let row = 0; row < tile.height; row += size) {
    for (let col = 0; col < tile.width; col += size) {
      chunks.push({ col, row, width: Math.min(size, tile.width - col), height: Math.min(size, tile.height - row) });
    }
  }
  return chunks;
}

async function loadObservations(
  task: WorkerTask,
  plugin: StatsPlugin,
  days: Array<[string, TaskDatasetRef[]]>,
  geobox: GeoBox,
  signal: AbortSignal | undefined,
): Promise<ObservationChunk> {
  const bands: Record<string, SampleArray[]> = {};
  const nodata: Record<string, number | null> = {};
  const loads: Array<() => Promise<void>> = [];
  for (const input of plugin.inputs) {
    const perDay: SampleArray[] = new Array(days.length);
    bands[input.name] = perDay;
    days.forEach(([, datasets], d) => {
      loads.push(async () => {
        const rasters: Raster[] = [];
        for (const dataset of datasets) {
          const href = dataset.assets[input.name];
          if (!href) throw new UserError(`dataset ${dataset.id} has no asset '${input.name}' that plugin ${plugin.name} reads`);
          rasters.push(await loadBand(href, geobox, { resampling: input.resampling, unsigned: task.unsigned, ...(signal && { signal }) }));
        }
        const fused = rasters.length === 1 ? rasters[0]! : fuseSameDay(rasters);
        perDay[d] = fused.data;
        nodata[input.name] = fused.nodata;
      });
    });
  }
  await runLimited(loads, LOADS_AT_ONCE);
  return { geobox, days: days.map(([day]) => day), bands, nodata };
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

function copyInner(
  source: SampleArray,
  sourceWidth: number,
  halo: number,
  target: SampleArray,
  targetWidth: number,
  c: PixelWindow,
): void {
  for (let r = 0; r < c.height; r++) {
    const from = (r + halo) * sourceWidth + halo;
    target.set(source.subarray(from, from + c.width), (c.row + r) * targetWidth + c.col);
  }
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
