import { createHash } from 'node:crypto';
import type { GeoBox } from '../shared/geobox.js';
import { tileFootprintLonLat } from '../shared/geometry.js';
import { parseGrid, tileGeobox, type GridSpec } from '../shared/grid.js';
import { bandFileName, bandPath, previewFileName, previewPath, quicklookFileName, quicklookPath, sha1Path, stacItemPath } from '../shared/output-layout.js';
import { cogOptionsForBand, type CogBandOptions } from '../shared/run-config.js';
import { UserError } from '../shared/errors.js';
import { encodeCog, encodeRgbaCog, type CogOptions as CogWriterOptions } from './cog/cog-writer.js';
import { firstLine } from './load/dataset-read-error.js';
import { closeCachedCogs, loadBand } from './load/load-band.js';
import { fuseSameDay } from './load/fuse.js';
import { renderStacItem } from './output/stac-item.js';
import { sinkFor, type OutputSink } from './output/sink.js';
import { removeUnfinishedOutputs } from './output/unfinished-outputs.js';
import { loadPlugin } from './plugins/registry.js';
import type { ObservationChunk, StatsPlugin } from './plugins/plugin.js';
import type { TaskOutcome, TaskProgress } from './protocol.js';
import { encodePng } from './quicklook/png.js';
import { downsample, percentile, renderRamp, renderRgb } from './quicklook/render.js';
import { newSampleArray, type Raster, type SampleArray } from './raster.js';
import type { TaskDatasetRef, WorkerTask } from './task.js';

const DEFAULT_CHUNK = 512;
const PREVIEW_SIZE = 256;
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
  const write = async (uri: string, body: Uint8Array, contentType: string) => {
    control.signal?.throwIfAborted();
    await sink.write(uri, body, contentType);
  };
  control.onProgress?.({ stage: 'writing', done: 0, total: 1 });
  if (task.overwrite) await sink.remove(itemPath);
  const written: Array<{ name: string; uri: string; body: Uint8Array }> = [];
  for (const band of plugin.measurements) {
    const raster: Raster = { geobox: tile, data: outputs[band.name]!, nodata: band.nodata };
    const body = encodeCog(raster, writerOptions(cogOptionsForBand(task.cogOptions, band.name), band.overviewResampling));
    const uri = bandPath(task.location, task.product, task.id, band.name);
    await write(uri, body, COG_TYPE);
    written.push({ name: bandFileName(task.product, task.id, band.name), uri, body });
  }
  const rgba = renderRgbaCog(plugin, outputs, tile);
  if (rgba) {
    const uri = quicklookPath(task.location, task.product, task.id);
    await write(uri, rgba, COG_TYPE);
    written.push({ name: quicklookFileName(task.product, task.id), uri, body: rgba });
  }
  const preview = renderPreview(plugin, outputs, tile);
  if (preview) {
    const uri = previewPath(task.location, task.product, task.id, 'png');
    await write(uri, preview, 'image/png');
    written.push({ name: previewFileName(task.product, task.id, 'png'), uri, body: preview });
  }
  const item = renderStacItem({
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
    ...(preview && { previewHref: previewFileName(task.product, task.id, 'png') }),
    ...(rgba && { quicklookHref: quicklookFileName(task.product, task.id) }),
  });
  const itemBody = new TextEncoder().encode(JSON.stringify(item, null, 2));
  const sums = [...written, { name: itemPath.slice(itemPath.lastIndexOf('/') + 1), uri: itemPath, body: itemBody }]
    .map((f) => `${createHash('sha1').update(f.body).digest('hex')}  ${f.name}`)
    .join('\n');
  const sumsUri = sha1Path(task.location, task.product, task.id);
  await write(sumsUri, new TextEncoder().encode(`${sums}\n`), 'text/plain');
  // Last: the item's presence is what says the task is finished.
  await write(itemPath, itemBody, 'application/json');
  control.onProgress?.({ stage: 'writing', done: 1, total: 1 });
  return { status: 'finished', stacItem: itemPath, outputs: [...written.map((w) => w.uri), sumsUri, itemPath], seconds: seconds() };
}

/** The grid with its tiles cut into pixels of another size; the tiles themselves stay. */
export function atResolution(grid: GridSpec, resolution: number | undefined): GridSpec {
  if (resolution === undefined || resolution === grid.resolution) return grid;
  const tileShape = grid.tileSize / resolution;
  if (!Number.isInteger(tileShape)) {
    throw new UserError(`resolution ${resolution} does not divide the ${grid.tileSize} m tiles of ${grid.name} into whole pixels`);
  }
  return { ...grid, resolution, tileShape };
}

/** The plugin's output bands over the whole tile, computed chunk by chunk. */
async function computeOutputs(task: WorkerTask, plugin: StatsPlugin, tile: GeoBox, control: RunTaskControl): Promise<Record<string, SampleArray>> {
  const pixels = tile.width * tile.height;
  const outputs: Record<string, SampleArray> = {};
  for (const band of plugin.measurements) {
    const data = newSampleArray(band.dtype, pixels);
    if (band.nodata !== null && band.nodata !== 0) data.fill(band.nodata);
    outputs[band.name] = data;
  }
  const days = groupByDay(task.datasets);
  const chunk = task.chunkSize ?? DEFAULT_CHUNK;
  const halo = plugin.halo ?? 0;
  const chunks: Array<{ col: number; row: number; width: number; height: number }> = [];
  for (let row = 0; row < tile.height; row += chunk) {
    for (let col = 0; col < tile.width; col += chunk) {
      chunks.push({ col, row, width: Math.min(chunk, tile.width - col), height: Math.min(chunk, tile.height - row) });
    }
  }
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
  c: { col: number; row: number; width: number; height: number },
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

/**
 * The full-resolution RGBA COG of an RGB plugin (odc-stats' `_rgba.tif`), stretched between
 * the 2nd and 98th percentiles of the three bands, measured on a reduced copy.
 */
function renderRgbaCog(plugin: StatsPlugin, outputs: Record<string, SampleArray>, tile: GeoBox): Uint8Array | undefined {
  const spec = plugin.quicklook;
  if (spec?.kind !== 'rgb') return undefined;
  const bands = spec.bands.map((name) => {
    const band = plugin.measurements.find((m) => m.name === name)!;
    return { geobox: tile, data: outputs[name]!, nodata: band.nodata };
  }) as [Raster, Raster, Raster];
  const reduced = bands.map((b) => downsample(b, PREVIEW_SIZE * 4));
  const lows = reduced.map((b) => percentile(b, 2)).filter((v): v is number => v !== null);
  const highs = reduced.map((b) => percentile(b, 98)).filter((v): v is number => v !== null);
  if (lows.length === 0) return undefined;
  const rgba = renderRgb(bands, { min: Math.min(...lows), max: Math.max(...highs) });
  return encodeRgbaCog(rgba, tile, { overviewResampling: 'average' });
}

function renderPreview(plugin: StatsPlugin, outputs: Record<string, SampleArray>, tile: GeoBox): Uint8Array | undefined {
  const spec = plugin.quicklook;
  if (!spec) return undefined;
  const raster = (name: string): Raster => {
    const band = plugin.measurements.find((m) => m.name === name)!;
    return downsample({ geobox: tile, data: outputs[name]!, nodata: band.nodata }, PREVIEW_SIZE);
  };
  if (spec.kind === 'rgb') {
    const [r, g, b] = spec.bands.map(raster) as [Raster, Raster, Raster];
    return encodePng(renderRgb([r, g, b], 'auto'), r.geobox.width, r.geobox.height);
  }
  const band = raster(spec.band);
  return encodePng(renderRamp(band, 'auto', spec.ramp), band.geobox.width, band.geobox.height);
}
