/**
 * Zstandard compression in one place (odc-dscache task caches, zstd-compressed COG tiles), over
 * the WebAssembly build of the reference library: nothing to compile or download at install,
 * and the same code in Node and in a browser.
 */
import { compress, compressUsingDict, createCCtx, createDCtx, decompress, decompressUsingDict, init } from '@bokuweb/zstd-wasm';

let loading: Promise<Zstd> | undefined;

export interface ZstdDecompressOptions {
  /** The dictionary the data was compressed with (zstd's own dictionary format, or raw content). */
  dictionary?: Uint8Array;
  /**
   * Room for the output when the frame does not record its size (a streamed frame); frames
   * made in one call, as most writers make them, record it and need no hint. Default 1 MiB.
   */
  maxSize?: number;
}

/** The codec once its WebAssembly has loaded: synchronous calls, for readers that cannot await each record. */
export interface Zstd {
  /** The bytes of one or more zstd frames, decompressed. Throws on data that is not zstd. */
  decompress(bytes: Uint8Array, options?: ZstdDecompressOptions): Uint8Array;
  /** `bytes` as one zstd frame (recording its size) at `level` (1 fastest … 19 smallest; zstd's default is 3). */
  compress(bytes: Uint8Array, level: number, dictionary?: Uint8Array): Uint8Array;
}

export function loadZstd(): Promise<Zstd> {
  loading ??= init().then(codec);
  return loading;
}

function codec(): Zstd {
  let decompressionContext: number | undefined;
  let compressionContext: number | undefined;
  return {
    decompress(bytes, options = {}) {
      const heap = options.maxSize === undefined ? undefined : { defaultHeapSize: options.maxSize };
      try {
        if (!options.dictionary) return decompress(bytes, heap);
        decompressionContext ??= createDCtx();
        return decompressUsingDict(decompressionContext, bytes, options.dictionary, heap);
      } catch {
        throw new Error(`zstd: cannot decompress ${bytes.byteLength} bytes (not zstd data, wrong dictionary, or larger than expected)`);
      }
    },
    compress(bytes, level, dictionary) {
      if (!dictionary) return compress(bytes, level);
      compressionContext ??= createCCtx();
      return compressUsingDict(compressionContext, bytes, dictionary, level);
    },
  };
}

/** One-off decompression; see `Zstd.decompress`. */
export async function zstdDecompress(bytes: Uint8Array, options: ZstdDecompressOptions = {}): Promise<Uint8Array> {
  return (await loadZstd()).decompress(bytes, options);
}

/** One-off compression; see `Zstd.compress`. */
export async function zstdCompress(bytes: Uint8Array, level: number, dictionary?: Uint8Array): Promise<Uint8Array> {
  return (await loadZstd()).compress(bytes, level, dictionary);
}
