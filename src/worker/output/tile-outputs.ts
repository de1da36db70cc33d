/**
 * A task's output bands as its chunks finish, streamed into COGs in bounded memory: the pieces
 * put (chunks, or rows of them) are gathered by stripe (full tile width, one chunk high), and
 * each finished stripe goes, in order, to every band's `CogStream`. A stripe holds only the
 * plugin's results put into it, by reference, and lays out one band's full-width rows at a time
 * as it is written, so a mostly empty tile costs little more than its data. Nothing of the tile
 * is held whole but the low-resolution copies the quicklooks are drawn from; for a true-colour
 * quicklook the three bands' rows also go to raw scratch files, read back stripe by stripe to
 * render the RGBA COG once the bands' COGs are written.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { GeoBox } from '../../shared/geobox.js';
import type { PixelWindow } from '../chunk-coverage.js';
import { CogStream, type CogBody } from '../cog/cog-stream.js';
import { CompressionSlots } from '../cog/compression-slots.js';
import type { CogOptions } from '../cog/cog-writer.js';
import type { OutputBand, StatsPlugin } from '../plugins/plugin.js';
import { quicklookBands, QUICKLOOK_SOURCE_SIZE, renderPreview, renderRgbaRows, type PreviewImage } from '../quicklook/task-quicklooks.js';
import type { RgbClamp } from '../quicklook/to-rgba.js';
import { newSampleArray, type Raster, type SampleArray } from '../raster.js';

/** Rows of the RGBA quicklook rendered at once. */
const RGBA_STRIPE_ROWS = 512;

/** The plugin's results over a window of the tile: `result` covers it grown by `halo` on every side, `sourceWidth` wide. */
interface Piece {
  window: PixelWindow;
  result: Record<string, SampleArray>;
  sourceWidth: number;
  halo: number;
}

interface Stripe {
  row: number;
  height: number;
  /** The pieces with data; the rest of the stripe is nodata. */
  pieces: Piece[];
  pixelsLeft: number;
}

/** A finished COG, to write and then `close`. */
export type FinishedCog = CogBody & { close(): void };

/** The writer's settings of the task's COGs. */
export interface TileCogOptions {
  bandOptions: (band: OutputBand) => CogOptions;
  /**
   * The RGBA preview's, and the plugin's `rgb_clamp` it is drawn with; without them no RGBA
   * preview is written (as odc-stats, without `cog_opts` for rgba).
   */
  rgba?: { options: CogOptions; clamp: RgbClamp };
}

export class TileOutputs {
  private readonly streams = new Map<string, CogStream>();
  private readonly stripes = new Map<number, Stripe>();
  private nextStripe = 0;
  private readonly stripeCount: number;
  /** Raw full-resolution rows of the true-colour bands, by band name (file descriptor). */
  private readonly raw = new Map<string, number>();
  private readonly slots = new CompressionSlots();
  private readonly rgba: TileCogOptions['rgba'];

  constructor(
    private readonly plugin: StatsPlugin,
    private readonly tile: GeoBox,
    { bandOptions, rgba }: TileCogOptions,
    private readonly scratchDir: string,
    private readonly chunkSize: number,
  ) {
    this.stripeCount = Math.ceil(tile.height / chunkSize);
    const kept = new Set(quicklookBands(plugin));
    for (const band of plugin.measurements) {
      const stream = CogStream.band(tile, band.dtype, band.nodata, bandOptions(band), {
        scratchPath: path.join(scratchDir, `${band.name}.tiles`),
        slots: this.slots,
        ...(kept.has(band.name) && { keepLevelOfSize: QUICKLOOK_SOURCE_SIZE }),
      });
      this.streams.set(band.name, stream);
    }
    this.rgba = rgba;
    if (plugin.quicklook?.kind === 'rgb' && rgba) {
      for (const name of plugin.quicklook.bands) this.raw.set(name, openSync(path.join(scratchDir, `${name}.raw`), 'w+'));
    }
  }

  /**
   * The outputs of a window of the tile lying in one stripe (a chunk, or some rows of one):
   * `result` holds the plugin's bands over the window grown by `halo` pixels on every side
   * (`sourceWidth` wide), kept until its stripe is written; null for a window left nodata.
   * Windows may come in any order, each pixel once; the next must wait until this resolves (the
   * stripes it completes are on their way into the COGs).
   */
  async put(c: PixelWindow, result: Record<string, SampleArray> | null, sourceWidth = c.width, halo = 0): Promise<void> {
    const index = Math.floor(c.row / this.chunkSize);
    const stripeEnd = Math.min(this.tile.height, (index + 1) * this.chunkSize);
    if (c.width <= 0 || c.height <= 0 || c.col < 0 || c.row < 0 || c.col + c.width > this.tile.width || c.row + c.height > stripeEnd) {
      throw new Error(`tile outputs: window ${c.width}×${c.height} at (${c.col}, ${c.row}) does not lie in one stripe of the ${this.tile.width}×${this.tile.height} tile`);
    }
    const stripe = this.stripeAt(index);
    const pixels = c.width * c.height;
    if (pixels > stripe.pixelsLeft) throw new Error(`tile outputs: window at (${c.col}, ${c.row}) puts more pixels than stripe ${index} has left: a pixel put twice`);
    if (result) {
      for (const band of this.plugin.measurements) {
        if (!result[band.name]) throw new Error(`plugin ${this.plugin.name} returned no '${band.name}' band`);
      }
      stripe.pieces.push({ window: c, result, sourceWidth, halo });
    }
    stripe.pixelsLeft -= pixels;
    while (this.stripes.get(this.nextStripe)?.pixelsLeft === 0) {
      await this.flush(this.stripes.get(this.nextStripe)!);
      this.stripes.delete(this.nextStripe);
      this.nextStripe++;
    }
  }

  private stripeAt(index: number): Stripe {
    let stripe = this.stripes.get(index);
    if (!stripe) {
      const row = index * this.chunkSize;
      const height = Math.min(this.chunkSize, this.tile.height - row);
      stripe = { row, height, pieces: [], pixelsLeft: this.tile.width * height };
      this.stripes.set(index, stripe);
    }
    return stripe;
  }

  /** Writes the stripe into every band's COG (and raw file), laying out one band's rows at a time. */
  private async flush(stripe: Stripe): Promise<void> {
    const width = this.tile.width;
    for (const band of this.plugin.measurements) {
      const rows = newSampleArray(band.dtype, width * stripe.height);
      if (band.nodata !== null && band.nodata !== 0) rows.fill(band.nodata);
      for (const { window, result, sourceWidth, halo } of stripe.pieces) {
        const source = result[band.name]!;
        for (let r = 0; r < window.height; r++) {
          const from = (r + halo) * sourceWidth + halo;
          rows.set(source.subarray(from, from + window.width), (window.row - stripe.row + r) * width + window.col);
        }
      }
      await this.streams.get(band.name)!.writeRows(rows);
      const fd = this.raw.get(band.name);
      if (fd !== undefined) writeSync(fd, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
    }
  }

  /** Every band's COG, once every pixel is in, by band name. */
  async finishBands(): Promise<Map<string, FinishedCog>> {
    if (this.nextStripe !== this.stripeCount) throw new Error(`tile outputs: ${this.nextStripe} stripes of ${this.stripeCount} written`);
    const finished = new Map<string, FinishedCog>();
    for (const [name, stream] of this.streams) finished.set(name, await stream.finish());
    return finished;
  }

  /** The low-resolution copies of the quicklook bands, by band name. */
  private lowRes(): Record<string, Raster> {
    const out: Record<string, Raster> = {};
    for (const name of quicklookBands(this.plugin)) out[name] = this.streams.get(name)!.keptLevel()!;
    return out;
  }

  /** The preview image, drawn from the kept low-resolution bands. */
  preview(): PreviewImage | undefined {
    return renderPreview(this.plugin, this.lowRes());
  }

  /** The full-resolution RGBA COG of a true-colour plugin, when it has settings, rendered stripe by stripe from the raw rows. */
  async rgbaCog(): Promise<FinishedCog | undefined> {
    const spec = this.plugin.quicklook;
    if (spec?.kind !== 'rgb' || !this.rgba) return undefined;
    const { options, clamp } = this.rgba;
    const stream = CogStream.rgba(this.tile, options, { scratchPath: path.join(this.scratchDir, 'rgba.tiles'), slots: this.slots });
    try {
      const { width, height } = this.tile;
      for (let row = 0; row < height; row += RGBA_STRIPE_ROWS) {
        const rows = Math.min(RGBA_STRIPE_ROWS, height - row);
        const geobox = { ...this.tile, height: rows };
        const bands: Record<string, Raster> = {};
        for (const name of spec.bands) {
          const band = this.plugin.measurements.find((m) => m.name === name)!;
          const data = newSampleArray(band.dtype, width * rows);
          readFully(this.raw.get(name)!, new Uint8Array(data.buffer), row * width * data.BYTES_PER_ELEMENT);
          bands[name] = { geobox, data, nodata: band.nodata };
        }
        await stream.writeRows(renderRgbaRows(this.plugin, bands, clamp));
      }
      return await stream.finish();
    } catch (e) {
      stream.discard();
      throw e;
    }
  }

  /** Closes and removes every scratch file. */
  discard(): void {
    for (const stream of this.streams.values()) stream.discard();
    for (const [name, fd] of this.raw) {
      closeSync(fd);
      rmSync(path.join(this.scratchDir, `${name}.raw`), { force: true });
    }
    this.raw.clear();
  }
}

function readFully(fd: number, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.length) {
    const got = readSync(fd, into, done, into.length - done, position + done);
    if (got === 0) throw new Error('tile outputs: raw scratch file shorter than written');
    done += got;
  }
}
