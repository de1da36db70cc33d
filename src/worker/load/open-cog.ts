/** Opening a dataset's GeoTIFF by href: a local path, file://, http(s):// or s3://. */
import GeoTIFF from 'geotiff';
import { fileURLToPath } from 'node:url';
import { readCogMetadata, UnusableTiffError, type CogMetadata } from './cog-metadata.js';
import { firstLine } from '../../shared/first-line.js';
import { DatasetReadError, isAbortError } from './dataset-read-error.js';
import { FileRangeReader } from './file-source.js';
import { HttpRangeReader } from './http-source.js';
import type { RangeReader } from './range-reader.js';
import { TiffByteSource } from './tiff-byte-source.js';

export interface OpenCog extends CogMetadata {
  href: string;
  close(): Promise<void>;
}

/** The reader of `href`'s bytes. The AWS SDK (~20 MiB a process) is loaded only for an s3:// href. */
async function rangeReaderFor(href: string, options: { unsigned?: boolean } = {}): Promise<RangeReader> {
  if (href.startsWith('s3://')) {
    const { S3RangeReader } = await import('./s3-source.js');
    return new S3RangeReader(href, { unsigned: options.unsigned });
  }
  if (/^https?:\/\//i.test(href)) return new HttpRangeReader(href);
  if (href.startsWith('file://')) return new FileRangeReader(href, fileURLToPath(href));
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(href)) throw new DatasetReadError(href, 'unsupported URL scheme');
  return new FileRangeReader(href, href);
}

/** Opens `href` and reads its header; errors are DatasetReadErrors naming the file, or aborts. */
export async function openCog(href: string, options: { unsigned?: boolean } = {}): Promise<OpenCog> {
  const source = new TiffByteSource(await rangeReaderFor(href, options));
  try {
    let tiff: GeoTIFF;
    try {
      tiff = await GeoTIFF.fromSource(source);
    } catch (error) {
      throw asDatasetReadError(error, href, 'not a GeoTIFF');
    }
    const metadata = await readCogMetadata(tiff);
    return { href, ...metadata, close: () => source.close() };
  } catch (error) {
    await source.close();
    if (error instanceof UnusableTiffError) throw new DatasetReadError(href, error.message);
    throw asDatasetReadError(error, href, 'a corrupt TIFF header');
  }
}

/**
 * Any failure of geotiff.js on a file (bad magic number, a directory past the end of a truncated
 * file, an undecodable tile) as a DatasetReadError; read errors and aborts pass as they are.
 */
export function asDatasetReadError(error: unknown, href: string, what: string): unknown {
  if (error instanceof DatasetReadError || isAbortError(error)) return error;
  return new DatasetReadError(href, `${what} (${firstLine(error)})`, { cause: error });
}
