/**
 * gdal3.js (GDAL compiled to WebAssembly) for validating files in tests.
 *
 * In Node, gdal3.js loads gdal3WebAssembly.wasm/.data from `config.path`, default
 * 'node_modules/gdal3.js/dist/package/' relative to the working directory, and reads the .data
 * file as `./${path}`, so an absolute path breaks it. The path below is therefore the package
 * folder made relative to the working directory, which works wherever vitest is started.
 * Initialisation takes a second or two: call it once per test file (it memoises anyway).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import initGdalJs, { type Gdal, type GdalDataset } from 'gdal3.js/node.js';

/** The part of `gdalinfo -json` output the tests read. */
interface GdalInfo {
  size: [number, number];
  geoTransform?: number[];
  metadata?: Record<string, Record<string, string>>;
  stac?: { 'proj:epsg'?: number };
  bands: Array<{
    band: number;
    block: [number, number];
    type: string;
    /** 'Gray', 'Red', 'Green', 'Blue', 'Alpha', … */
    colorInterpretation?: string;
    noDataValue?: number | string;
    checksum?: number;
    overviews?: Array<{ size: [number, number]; checksum?: number }>;
    /** The band's mask, e.g. flags ['PER_DATASET', 'ALPHA'] where an alpha band masks it. */
    mask?: { flags: string[] };
  }>;
}

export interface GdalForTests {
  gdal: Gdal;
  /** GDAL's error and warning messages since the last `takeMessages()`. */
  takeMessages(): string[];
  /** `gdalinfo -json` of a file on disk (absolute path). */
  info(filePath: string, options?: string[]): Promise<GdalInfo>;
  /** `gdal_translate` of a file on disk, returning the output file's bytes. */
  translate(filePath: string, options: string[], outputName: string): Promise<Uint8Array>;
}

export async function loadGdal(): Promise<GdalForTests> {
  const entryPoint = createRequire(import.meta.url).resolve('gdal3.js/node.js');
  const packageFolder = path.join(path.dirname(entryPoint), 'dist', 'package');
  const messages: string[] = [];
  const gdal = await initGdalJs({
    path: path.relative(process.cwd(), packageFolder),
    // No .aux.xml side files next to the files under test.
    env: { GDAL_PAM_ENABLED: 'NO' },
    logHandler: () => {},
    errorHandler: (message) => messages.push(message),
  });

  async function withDataset<T>(filePath: string, use: (dataset: GdalDataset) => Promise<T>): Promise<T> {
    const { datasets, errors } = await gdal.open(filePath);
    const dataset = datasets[0];
    if (dataset === undefined) throw new Error(`GDAL could not open ${filePath}: ${errors.join('; ')}`);
    try {
      return await use(dataset);
    } finally {
      await gdal.close(dataset);
    }
  }

  return {
    gdal,
    takeMessages: () => messages.splice(0, messages.length),
    // The cast: GdalInfo names the part of gdalinfo's JSON that the tests read.
    info: (filePath, options = []) =>
      withDataset(filePath, async (dataset) => (await gdal.gdalinfo(dataset, options)) as GdalInfo),
    translate: (filePath, options, outputName) =>
      withDataset(filePath, async (dataset) =>
        gdal.getFileBytes(await gdal.gdal_translate(dataset, options, outputName)),
      ),
  };
}
