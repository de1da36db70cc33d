/**
 * A COG written as its rows arrive, in bounded memory: the same file, byte for byte, that
 * `encodeCog`/`encodeRgbaCog` make of the whole image at once.
 *
 * Rows come in order, full width, in pieces of any height. Each level — the full resolution
 * and every overview, each computed from the full-resolution rows as the in-memory encoder
 * computes it — gathers rows until it has a row of tiles, encodes them and appends them to a
 * scratch file. The row of tiles being gathered waits in a second scratch file, tile by tile
 * (a 9600 px wide band of 800 px float32 tiles would hold 30 MB per level in memory, and a task
 * has a dozen bands). What stays in memory: the full-resolution rows the next overview rows
 * still need, the tiles being compressed and, if asked, one low-resolution level whole (for
 * quicklooks). `finish` lays the file out — head (IFDs) first, then the tiles smallest level
 * first — as a `CogBody` whose bytes are read from the head in memory and the scratch file.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { GeoBox } from '../../shared/geobox.js';
import { bytesPerSample, newSampleArray, type Raster, type SampleArray, type SampleType } from '../raster.js';
import {
  bandImage,
  layOutCog,
  levelSizes,
  resolveOptions,
  rgbaImage,
  tileEncoding,
  type CogOptions,
  type ImageDescription,
  type ResolvedOptions,
} from './cog-writer.js';
import { overviewSourceRows, resampleOverview, resampleWithAlpha, type RowPart } from './overviews.js';
import { CompressionSlots } from './compression-slots.js';
import { encodeTileInPool, predictedTile, tileCounts, type EncodedTile, type TileEncoding } from './tiles.js';

const BLOCK_LEADER_BYTES = 4;
const BLOCK_TRAILER_BYTES = 4;

/** A file's bytes, read in ranges: what a sink writes or uploads. */
export interface CogBody {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** An encoded tile in the scratch file: where, how long, and its last 4 bytes. */
interface LandedTile {
  at: number;
  length: number;
  tail: Uint8Array;
}

interface StreamLevel {
  width: number;
  height: number;
  /** Source rows each of this level's rows reads (none for the full resolution). */
  first: Int32Array | null;
  last: Int32Array | null;
  /** The next row of the level to compute. */
  next: number;
  /** Where, in the rows file, the level's row of tiles being gathered lies (tile after tile, each row-major). */
  gatheredAt: number;
  /**
   * The level's encoded tiles, row-major, each with its mask tile for a masked image; undefined
   * while a tile is being compressed (they land in the scratch file as they finish).
   */
  tiles: Array<{ data: LandedTile; mask?: LandedTile } | undefined>;
  /** The whole level, kept when asked for (`keepLevel`). */
  kept: SampleArray | null;
}

interface Segment {
  /** Offset in the file. */
  start: number;
  length: number;
  /** Bytes in memory, or where in the scratch file. */
  bytes?: Uint8Array;
  scratchAt?: number;
}

export interface CogStreamOptions {
  /**
   * Where the encoded tiles wait for `finish`; removed by `finish`'s body's `close` or by
   * `discard`. The rows being gathered into tiles wait beside it, in `<scratchPath>.rows`.
   */
  scratchPath: string;
  /**
   * Keep one level whole for quicklooks: the smallest whose long side is at least this many
   * pixels (the full resolution when it is no larger).
   */
  keepLevelOfSize?: number;
  /** The bound on tiles compressed at once, shared with the task's other streams; by default a bound of its own. */
  slots?: CompressionSlots;
}

export class CogStream {
  private readonly levels: StreamLevel[];
  private readonly encoding: TileEncoding;
  private readonly fd: number;
  private scratchSize = 0;
  /** The rows file: each level's row of tiles being gathered. */
  private readonly rowsFd: number;
  private rowsClosed = false;
  /** The room one tile has in the rows file. */
  private readonly tileBytes: number;
  /**
   * Where a tile's rows are put together on their way into or out of the rows file, reused: each
   * use ends before the next begins (`predictedTile` copies the samples read back before they go
   * to compression).
   */
  private tileScratch: SampleArray;
  /** Full-resolution rows from `heldFrom` on, that overviews still need. */
  private held: SampleArray;
  private heldFrom = 0;
  private rowsIn = 0;
  private discarded = false;
  private readonly keptIndex: number;
  private readonly slots: CompressionSlots;
  private readonly compressing = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  private constructor(
    private readonly image: ImageDescription,
    private readonly resolved: ResolvedOptions,
    private readonly overview: (base: { width: number; height: number; samplesPerPixel: number; data: SampleArray }, width: number, height: number, part: RowPart) => SampleArray,
    private readonly options: CogStreamOptions,
  ) {
    const { width, height } = image.geobox;
    const spp = image.samplesPerPixel;
    this.encoding = tileEncoding(image, resolved);
    const sizes = levelSizes(width, height, resolved);
    const keepAt = options.keepLevelOfSize;
    let keptIndex = -1;
    if (keepAt !== undefined) {
      keptIndex = 0;
      sizes.forEach((size, index) => {
        if (Math.max(size.width, size.height) >= Math.min(keepAt, Math.max(width, height))) keptIndex = index;
      });
    }
    this.keptIndex = keptIndex;
    const tileBytes = resolved.tileSize * resolved.tileSize * spp * bytesPerSample(image.type);
    this.tileBytes = tileBytes;
    let gatheredAt = 0;
    this.levels = sizes.map((size, index) => {
      const rows = index === 0 ? null : overviewSourceRows(height, size.height, resolved.resampling);
      const level = {
        ...size,
        first: rows?.first ?? null,
        last: rows?.last ?? null,
        next: 0,
        gatheredAt,
        tiles: [],
        kept: index === keptIndex ? newSampleArray(image.type, size.width * size.height * spp) : null,
      };
      gatheredAt += tileCounts(size.width, size.height, resolved.tileSize).across * tileBytes;
      return level;
    });
    this.held = newSampleArray(image.type, 0);
    this.tileScratch = newSampleArray(image.type, 0);
    this.slots = options.slots ?? new CompressionSlots();
    this.fd = openSync(options.scratchPath, 'w+');
    this.rowsFd = openSync(rowsPath(options.scratchPath), 'w+');
  }

  /** A single band of `type` (see `encodeCog`). */
  static band(geobox: GeoBox, type: SampleType, nodata: number | null, options: CogOptions, stream: CogStreamOptions): CogStream {
    const resolved = resolveOptions(options, type, 'nearest');
    return new CogStream(bandImage(geobox, type, nodata, resolved.compression), resolved, (base, width, height, part) => resampleOverview(base, width, height, resolved.resampling, nodata, part), stream);
  }

  /** An 8-bit RGBA image, 4 samples a pixel (see `encodeRgbaCog`). */
  static rgba(geobox: GeoBox, options: CogOptions, stream: CogStreamOptions): CogStream {
    const resolved = resolveOptions(options, 'uint8', 'average');
    const resampling = resolved.resampling;
    if (resampling === 'mode') throw new Error("COG RGBA overview resampling 'mode' is not supported: use average or nearest");
    return new CogStream(rgbaImage(geobox, resolved.compression), resolved, (base, width, height, part) => resampleWithAlpha(base, width, height, resampling, part), stream);
  }

  /**
   * The next `data.length / (width × samples per pixel)` rows of the image, full width. Resolves
   * once their tiles are on their way (compressed in the background, a bounded number at once);
   * the next call must wait for it.
   */
  async writeRows(data: SampleArray): Promise<void> {
    if (this.failure) throw this.failure.error;
    const { width, height } = this.image.geobox;
    const rowSamples = width * this.image.samplesPerPixel;
    const rows = data.length / rowSamples;
    if (!Number.isInteger(rows) || this.rowsIn + rows > height) {
      throw new Error(`COG stream: ${data.length} samples are not whole rows of the ${height - this.rowsIn} left`);
    }
    await this.gatherFullResolution(data);
    // The overviews read the rows held from before and the new ones as one run of rows.
    let source = data;
    if (this.held.length > 0) {
      source = newSampleArray(this.image.type, this.held.length + data.length);
      source.set(this.held);
      source.set(data, this.held.length);
    }
    this.rowsIn += rows;
    for (const level of this.levels.slice(1)) await this.advanceOverview(level, source);
    // Keep only the rows the overviews still need.
    let needed = this.rowsIn;
    for (const level of this.levels.slice(1)) {
      if (level.next < level.height) needed = Math.min(needed, level.first![level.next]!);
    }
    this.held = source.slice((needed - this.heldFrom) * rowSamples);
    this.heldFrom = needed;
  }

  /** Gathers new full-resolution rows, encoding each row of tiles they complete. */
  private async gatherFullResolution(data: SampleArray): Promise<void> {
    const level = this.levels[0]!;
    const tileSize = this.resolved.tileSize;
    const rowSamples = level.width * this.image.samplesPerPixel;
    for (let taken = 0; taken < data.length / rowSamples; ) {
      const tileRowEnd = Math.min(level.height, (Math.floor(level.next / tileSize) + 1) * tileSize);
      const rows = Math.min(data.length / rowSamples - taken, tileRowEnd - level.next);
      const piece = data.subarray(taken * rowSamples, (taken + rows) * rowSamples);
      this.gather(level, piece, level.next);
      level.kept?.set(piece, level.next * rowSamples);
      level.next += rows;
      taken += rows;
      if (level.next === tileRowEnd) await this.encodeGatheredTiles(level);
    }
  }

  /** Computes the overview's rows that the full-resolution rows in now allow, and encodes each full row of tiles. */
  private async advanceOverview(level: StreamLevel, source: SampleArray): Promise<void> {
    const tileSize = this.resolved.tileSize;
    const spp = this.image.samplesPerPixel;
    const { width: fullWidth, height: fullHeight } = this.image.geobox;
    const base = { width: fullWidth, height: source.length / (fullWidth * spp), samplesPerPixel: spp, data: source };
    while (level.next < level.height) {
      let to = level.next;
      const tileRowEnd = Math.min(level.height, (Math.floor(level.next / tileSize) + 1) * tileSize);
      while (to < tileRowEnd && level.last![to]! < this.rowsIn) to++;
      if (to === level.next) return;
      const rows = this.overview(base, level.width, level.height, { fullHeight, baseRow: this.heldFrom, from: level.next, to });
      this.gather(level, rows, level.next);
      level.kept?.set(rows, level.next * level.width * spp);
      level.next = to;
      if (to === tileRowEnd) await this.encodeGatheredTiles(level);
    }
  }

  /** Writes rows of the level (full width, all in one row of tiles) into their tiles' places in the rows file. */
  private gather(level: StreamLevel, rows: SampleArray, firstRow: number): void {
    const { tileSize } = this.resolved;
    const spp = this.image.samplesPerPixel;
    const count = rows.length / (level.width * spp);
    const rowInTile = firstRow % tileSize;
    const { across } = tileCounts(level.width, level.height, tileSize);
    for (let column = 0; column < across; column++) {
      const tileWidth = Math.min(tileSize, level.width - column * tileSize);
      const block = this.scratchSamples(count * tileWidth * spp);
      for (let r = 0; r < count; r++) {
        const from = (r * level.width + column * tileSize) * spp;
        block.set(rows.subarray(from, from + tileWidth * spp), r * tileWidth * spp);
      }
      const at = level.gatheredAt + column * this.tileBytes + rowInTile * tileWidth * spp * block.BYTES_PER_ELEMENT;
      writeSync(this.rowsFd, new Uint8Array(block.buffer, block.byteOffset, block.byteLength), 0, block.byteLength, at);
    }
  }

  /**
   * Starts compressing the row of tiles the level has just gathered, each in its turn once a
   * slot is free; each lands in the scratch file when done. Every tile is read back from the
   * rows file before this resolves, so the next row of tiles may be gathered in its place.
   */
  private async encodeGatheredTiles(level: StreamLevel): Promise<void> {
    const { tileSize } = this.resolved;
    const spp = this.image.samplesPerPixel;
    const height = level.next - Math.floor((level.next - 1) / tileSize) * tileSize;
    const { across } = tileCounts(level.width, level.height, tileSize);
    for (let column = 0; column < across; column++) {
      await this.slots.take();
      if (this.discarded) {
        this.slots.release();
        return;
      }
      const width = Math.min(tileSize, level.width - column * tileSize);
      const data = this.scratchSamples(width * height * spp);
      readFully(this.rowsFd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), level.gatheredAt + column * this.tileBytes);
      const index = level.tiles.length;
      level.tiles.push(undefined);
      const done = encodeTileInPool(predictedTile({ width, height, samplesPerPixel: spp, data }, 0, 0, this.encoding), this.encoding)
        .then(
          (tile) => this.landTile(level, index, tile),
          (error: unknown) => {
            this.failure ??= { error };
          },
        )
        .finally(() => {
          this.slots.release();
          this.compressing.delete(done);
        });
      this.compressing.add(done);
    }
  }

  /** The first `length` samples of the tile scratch, grown when too small. */
  private scratchSamples(length: number): SampleArray {
    if (this.tileScratch.length < length) this.tileScratch = newSampleArray(this.image.type, length);
    return this.tileScratch.subarray(0, length);
  }

  private landTile(level: StreamLevel, index: number, tile: EncodedTile): void {
    if (this.discarded) return;
    level.tiles[index] = { data: this.land(tile.data), ...(tile.mask && { mask: this.land(tile.mask) }) };
  }

  private land(bytes: Uint8Array): LandedTile {
    writeSync(this.fd, bytes, 0, bytes.length, this.scratchSize);
    const landed = { at: this.scratchSize, length: bytes.length, tail: bytes.slice(bytes.length - BLOCK_TRAILER_BYTES) };
    this.scratchSize += bytes.length;
    return landed;
  }

  /** The level kept whole (see `keepLevelOfSize`), once every row is in. */
  keptLevel(): Raster | undefined {
    const level = this.levels[this.keptIndex];
    if (!level?.kept || this.rowsIn < this.image.geobox.height) return undefined;
    const { crs, affine } = this.image.geobox;
    const [a, b, c, d, e, f] = affine;
    const xRatio = this.image.geobox.width / level.width;
    const yRatio = this.image.geobox.height / level.height;
    const geobox: GeoBox = { crs, affine: [a * xRatio, b * yRatio, c, d * xRatio, e * yRatio, f], width: level.width, height: level.height };
    return { geobox, data: level.kept, nodata: this.image.nodata };
  }

  /**
   * The file, once every row is in. Its bytes are read from the scratch file: `close` the body
   * (or `discard` the stream) when done with it.
   */
  async finish(): Promise<CogBody & { close(): void }> {
    if (this.rowsIn !== this.image.geobox.height) {
      throw new Error(`COG stream: ${this.rowsIn} rows of ${this.image.geobox.height} written`);
    }
    while (this.compressing.size > 0) await Promise.all(this.compressing);
    if (this.failure) throw this.failure.error;
    this.held = newSampleArray(this.image.type, 0);
    this.tileScratch = newSampleArray(this.image.type, 0);
    this.closeRows();
    for (const level of this.levels) {
      const { across, down } = tileCounts(level.width, level.height, this.resolved.tileSize);
      if (level.tiles.length !== across * down || level.tiles.includes(undefined)) throw new Error(`COG stream: a level has ${level.tiles.length} tiles of ${across * down}`);
    }
    const { head, tileOffsets, maskOffsets, fileLength } = layOutCog(
      this.image,
      this.resolved,
      this.levels.map((l) => ({
        width: l.width,
        height: l.height,
        tileLengths: l.tiles.map((t) => t!.data.length),
        ...(this.image.masked && { maskLengths: l.tiles.map((t) => t!.mask?.length ?? 0) }),
      })),
    );
    const segments: Segment[] = [{ start: 0, length: head.length, bytes: head }];
    let offset = head.length;
    const place = (tile: LandedTile, expectedOffset: number | undefined) => {
      if (tile.length === 0) return;
      const leader = new Uint8Array(BLOCK_LEADER_BYTES);
      new DataView(leader.buffer).setUint32(0, tile.length, true);
      segments.push({ start: offset, length: BLOCK_LEADER_BYTES, bytes: leader });
      offset += BLOCK_LEADER_BYTES;
      if (expectedOffset !== offset) throw new Error('COG stream: tile offsets out of step with the layout');
      segments.push({ start: offset, length: tile.length, scratchAt: tile.at });
      offset += tile.length;
      segments.push({ start: offset, length: BLOCK_TRAILER_BYTES, bytes: tile.tail });
      offset += BLOCK_TRAILER_BYTES;
    };
    for (let l = this.levels.length - 1; l >= 0; l--) {
      this.levels[l]!.tiles.forEach((landed, index) => {
        place(landed!.data, tileOffsets[l]![index]);
        if (landed!.mask) place(landed!.mask, maskOffsets[l]![index]);
      });
    }
    if (offset !== fileLength) throw new Error('COG stream: file length out of step with the layout');
    const fd = this.fd;
    return {
      size: fileLength,
      read: (start, length) => Promise.resolve(readSegments(segments, fd, start, Math.min(length, fileLength - start))),
      close: () => this.discard(),
    };
  }

  /** Closes and removes the scratch file; again is a no-op. */
  discard(): void {
    if (this.discarded) return;
    this.discarded = true;
    this.closeRows();
    closeSync(this.fd);
    rmSync(this.options.scratchPath, { force: true });
  }

  private closeRows(): void {
    if (this.rowsClosed) return;
    this.rowsClosed = true;
    closeSync(this.rowsFd);
    rmSync(rowsPath(this.options.scratchPath), { force: true });
  }
}

function rowsPath(scratchPath: string): string {
  return `${scratchPath}.rows`;
}

function readFully(fd: number, into: Uint8Array, position: number): void {
  for (let done = 0; done < into.length; ) {
    const got = readSync(fd, into, done, into.length - done, position + done);
    if (got === 0) throw new Error('COG stream: rows file shorter than written');
    done += got;
  }
}

function readSegments(segments: readonly Segment[], fd: number, start: number, length: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, length));
  // The first segment that ends after `start`.
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid]!;
    if (s.start + s.length <= start) lo = mid + 1;
    else hi = mid;
  }
  let written = 0;
  for (let i = lo; i < segments.length && written < out.length; i++) {
    const s = segments[i]!;
    const from = start + written - s.start;
    const n = Math.min(s.length - from, out.length - written);
    if (s.bytes) out.set(s.bytes.subarray(from, from + n), written);
    else {
      let done = 0;
      while (done < n) {
        const got = readSync(fd, out, written + done, n - done, s.scratchAt! + from + done);
        if (got === 0) throw new Error('COG stream: scratch file shorter than written');
        done += got;
      }
    }
    written += n;
  }
  return out;
}
