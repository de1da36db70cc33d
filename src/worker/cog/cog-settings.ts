/**
 * odc-stats' COG settings of one output (`cog_opts`: GDAL creation options in lower case, as
 * odc-stats hands them to GDAL) as this writer's options. What the writer cannot do is refused
 * in one line naming the setting.
 *
 * The DEFLATE and ZSTD levels go by GDAL's GTiff names, `zlevel` and `zstd_level`, or by its COG
 * driver's `level`, which sets the level of the compression chosen (deflate 1–12, zstd 1–22)
 * and means nothing for the others, as in GDAL.
 */
import type { CogBandOptions } from '../../shared/run-config.js';
import { UserError } from '../../shared/errors.js';
import type { CogOptions } from './cog-writer.js';

type Resampling = NonNullable<CogOptions['overviewResampling']>;
type Compression = NonNullable<CogOptions['compress']>;

const BAND_COMPRESSIONS = ['deflate', 'lzw', 'zstd', 'none'] as const;
const RGBA_COMPRESSIONS = ['deflate', 'lzw', 'zstd', 'jpeg', 'webp', 'none'] as const;

/** A band's settings; `bandResampling` is the plugin's own for the band (categorical bands: nearest or mode). */
export function bandWriterOptions(o: CogBandOptions, bandResampling: 'nearest' | 'average' | 'mode' | undefined): CogOptions {
  const resampling = bandResampling === 'nearest' || bandResampling === 'mode' ? bandResampling : o.overview_resampling;
  return writerOptions(o, compression(o, BAND_COMPRESSIONS, 'a band'), overviewResampling(resampling ?? 'nearest', ['nearest', 'average', 'mode'], 'a band'));
}

/** The RGBA preview's settings (`cog_opts.overrides.rgba` over the common ones). */
export function rgbaWriterOptions(o: CogBandOptions): CogOptions {
  return writerOptions(o, compression(o, RGBA_COMPRESSIONS, 'the rgba preview'), overviewResampling(o.overview_resampling ?? 'average', ['nearest', 'average'], 'the rgba preview'));
}

function writerOptions(o: CogBandOptions, compress: Compression, resampling: Resampling): CogOptions {
  const jpegQuality = integerOption(o, 'jpeg_quality', 1, 100);
  const { zlevel, zstdLevel } = compressionLevels(o, compress);
  const webpLevel = integerOption(o, 'webp_level', 1, 100);
  const webpLossless = o['webp_lossless'];
  if (webpLossless !== undefined && typeof webpLossless !== 'boolean') throw new UserError(`cog_opts: webp_lossless ${String(webpLossless)} must be true or false`);
  return {
    compress,
    // zlib stops at 9; GDAL takes up to 12 for libdeflate.
    ...(zlevel !== undefined && { zlevel: Math.min(9, zlevel) }),
    ...(jpegQuality !== undefined && { jpegQuality }),
    ...(zstdLevel !== undefined && { zstdLevel }),
    ...(webpLevel !== undefined && { webpLevel }),
    ...(webpLossless !== undefined && { webpLossless }),
    ...(o.blocksize !== undefined && { blocksize: o.blocksize }),
    overviewResampling: resampling,
    ...(o.overview_levels && { overviewLevels: o.overview_levels }),
    ...(o.predictor !== undefined && { predictor: o.predictor === true ? 'auto' : o.predictor === false ? 1 : (o.predictor as 1 | 2 | 3) }),
  };
}

/** The deflate and zstd levels, each by its GTiff name or, for the compression chosen, by `level`; the two names disagreeing are refused. */
function compressionLevels(o: CogBandOptions, compress: Compression): { zlevel?: number; zstdLevel?: number } {
  let zlevel = integerOption(o, 'zlevel', 1, 12);
  let zstdLevel = integerOption(o, 'zstd_level', 1, 22);
  if (compress === 'deflate') zlevel = levelOption(o, compress, 'zlevel', zlevel, 12);
  if (compress === 'zstd') zstdLevel = levelOption(o, compress, 'zstd_level', zstdLevel, 22);
  return { ...(zlevel !== undefined && { zlevel }), ...(zstdLevel !== undefined && { zstdLevel }) };
}

/** The level of `compress`, set by `level` or by its own option `name` (`given`): whichever is set, the same if both are. */
function levelOption(o: CogBandOptions, compress: Compression, name: string, given: number | undefined, max: number): number | undefined {
  const level = integerOption(o, 'level', 1, max);
  if (level === undefined) return given;
  if (given !== undefined && given !== level) {
    throw new UserError(`cog_opts: level ${level} and ${name} ${given} disagree: they are two names of the ${compress} level`);
  }
  return level;
}

/** A GDAL creation option that takes an integer in a range, if given. */
function integerOption(o: CogBandOptions, key: string, min: number, max: number): number | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new UserError(`cog_opts: ${key} ${String(value)} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function compression<C extends Compression>(o: CogBandOptions, supported: readonly C[], what: string): C {
  const compress = String(o.compress ?? 'deflate').toLowerCase();
  const found = supported.find((c) => c === compress);
  if (found === undefined) throw new UserError(`cog_opts: compress '${o.compress}' is not supported for ${what} (${supported.join(', ')})`);
  return found;
}

function overviewResampling(value: string, supported: readonly Resampling[], what: string): Resampling {
  const found = supported.find((r) => r === value.toLowerCase());
  if (found === undefined) throw new UserError(`cog_opts: overview_resampling '${value}' is not supported for ${what} (${supported.join(', ')})`);
  return found;
}
