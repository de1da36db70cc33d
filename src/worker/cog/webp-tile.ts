/**
 * WebP tiles (TIFF Compression 50001, as GDAL writes them for 8-bit RGB(A)): each tile one
 * WebP image, alpha included, encoded by libwebp compiled to WebAssembly (@jsquash/webp).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { init } from '@jsquash/webp/encode.js';
import { defaultOptions } from '@jsquash/webp/meta.js';

type WebpEncoder = Awaited<ReturnType<typeof init>>;

let loading: Promise<WebpEncoder> | undefined;
let encoder: WebpEncoder | undefined;

/**
 * Loads the encoder's WebAssembly, which WebP tiles need: the streaming encoder loads it itself,
 * `encodeRgbaCog` needs it loaded first. Its SIMD build, which Node's and Electron's V8 run:
 * given the compiled module, the package does not fetch the file as in a browser.
 */
export async function loadWebpForTiles(): Promise<void> {
  loading ??= (async () => {
    const wasm = createRequire(import.meta.url).resolve('@jsquash/webp/codec/enc/webp_enc_simd.wasm');
    const compiled = await WebAssembly.compile(readFileSync(wasm));
    // The package's typings leave out the module argument its `init` takes.
    return (init as unknown as (module: WebAssembly.Module) => Promise<WebpEncoder>)(compiled);
  })();
  encoder ??= await loading;
}

/** `rgba`: a square tile of `tileSize` pixels, 4 bytes each; `quality` 1–100 (GDAL's WEBP_LEVEL), or lossless. */
export function webpOfRgbaTile(rgba: Uint8Array, tileSize: number, quality: number, lossless: boolean): Uint8Array {
  if (!encoder) throw new Error("COG compress 'webp': the encoder is not loaded (await loadWebpForTiles() first)");
  const encoded = encoder.encode(rgba as Uint8Array<ArrayBuffer>, tileSize, tileSize, { ...defaultOptions, quality, lossless: lossless ? 1 : 0, exact: lossless ? 1 : 0 });
  if (!encoded) throw new Error(`COG compress 'webp': libwebp could not encode a ${tileSize} × ${tileSize} tile`);
  return encoded;
}
