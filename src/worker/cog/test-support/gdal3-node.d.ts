/**
 * Types for gdal3.js's Node entry point. The package types only 'gdal3.js' (its browser build);
 * 'gdal3.js/node.js' is untyped. Only what the tests use is declared.
 */
declare module 'gdal3.js/node.js' {
  export interface GdalDataset {
    pointer: number;
    path: string;
    type: string;
  }

  export interface GdalOutputPath {
    local: string;
    real: string;
  }

  export interface Gdal {
    open(path: string | string[], openOptions?: string[]): Promise<{ datasets: GdalDataset[]; errors: string[] }>;
    close(dataset: GdalDataset): Promise<void>;
    /** gdalinfo's JSON output (gdal3.js always adds -json). */
    gdalinfo(dataset: GdalDataset, options?: string[]): Promise<unknown>;
    gdal_translate(dataset: GdalDataset, options?: string[], outputName?: string): Promise<GdalOutputPath>;
    getFileBytes(path: string | GdalOutputPath): Promise<Uint8Array>;
  }

  export interface GdalConfig {
    /** Folder of gdal3WebAssembly.wasm/.data; in Node it must be relative to the working directory. */
    path?: string;
    env?: Record<string, string>;
    logHandler?: (message: string, type: string) => void;
    errorHandler?: (message: string, type: string) => void;
  }

  export default function initGdalJs(config?: GdalConfig): Promise<Gdal>;
}
