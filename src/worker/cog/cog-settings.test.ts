import { describe, expect, it } from 'vitest';
import { bandWriterOptions, rgbaWriterOptions } from './cog-settings.js';

describe('bandWriterOptions', () => {
  it('reads GDAL creation options as odc-stats passes them', () => {
    expect(bandWriterOptions({ compress: 'ZSTD', zstd_level: 12, zlevel: 12, predictor: true, blocksize: 256, overview_resampling: 'AVERAGE' }, undefined)).toEqual({
      compress: 'zstd',
      zstdLevel: 12,
      // zlib stops at 9; GDAL takes up to 12 for libdeflate.
      zlevel: 9,
      predictor: 'auto',
      blocksize: 256,
      overviewResampling: 'average',
    });
    expect(bandWriterOptions({ compress: 'lzw', predictor: false }, 'mode')).toEqual({ compress: 'lzw', predictor: 1, overviewResampling: 'mode' });
  });

  it('refuses what a band cannot be written with, in one line', () => {
    expect(() => bandWriterOptions({ compress: 'JPEG' }, undefined)).toThrow("cog_opts: compress 'JPEG' is not supported for a band (deflate, lzw, zstd, none)");
    expect(() => bandWriterOptions({ compress: 'lerc' }, undefined)).toThrow("cog_opts: compress 'lerc' is not supported for a band (deflate, lzw, zstd, none)");
    expect(() => bandWriterOptions({ zstd_level: 30 }, undefined)).toThrow('cog_opts: zstd_level 30 must be an integer from 1 to 22');
  });

  it('reads GDAL’s COG-driver `level` as the level of the compression chosen', () => {
    expect(bandWriterOptions({ compress: 'DEFLATE', level: 5 }, undefined)).toEqual({ compress: 'deflate', zlevel: 5, overviewResampling: 'nearest' });
    // libdeflate's 10–12 are zlib's 9, as for zlevel.
    expect(bandWriterOptions({ compress: 'deflate', level: 12 }, undefined)).toEqual({ compress: 'deflate', zlevel: 9, overviewResampling: 'nearest' });
    expect(bandWriterOptions({ compress: 'zstd', level: 22, zlevel: 6 }, undefined)).toEqual({ compress: 'zstd', zstdLevel: 22, zlevel: 6, overviewResampling: 'nearest' });
    // Two names of one setting agreeing are one setting.
    expect(bandWriterOptions({ compress: 'zstd', level: 3, zstd_level: 3 }, undefined)).toEqual({ compress: 'zstd', zstdLevel: 3, overviewResampling: 'nearest' });
    // GDAL gives LZW no level.
    expect(bandWriterOptions({ compress: 'lzw', level: 40 }, undefined)).toEqual({ compress: 'lzw', overviewResampling: 'nearest' });
  });

  it('refuses a level out of the compression’s range, or two names of the level disagreeing, in one line', () => {
    expect(() => bandWriterOptions({ compress: 'deflate', level: 13 }, undefined)).toThrow('cog_opts: level 13 must be an integer from 1 to 12');
    expect(() => bandWriterOptions({ compress: 'zstd', level: 23 }, undefined)).toThrow('cog_opts: level 23 must be an integer from 1 to 22');
    expect(() => bandWriterOptions({ compress: 'deflate', level: 4, zlevel: 6 }, undefined)).toThrow('cog_opts: level 4 and zlevel 6 disagree: they are two names of the deflate level');
    expect(() => bandWriterOptions({ compress: 'ZSTD', level: 4, zstd_level: 9 }, undefined)).toThrow('cog_opts: level 4 and zstd_level 9 disagree: they are two names of the zstd level');
  });
});

describe('rgbaWriterOptions', () => {
  it('reads the preview\u2019s JPEG and WEBP settings, with average overviews by default', () => {
    expect(rgbaWriterOptions({ compress: 'JPEG', jpeg_quality: 90 })).toEqual({ compress: 'jpeg', jpegQuality: 90, overviewResampling: 'average' });
    expect(rgbaWriterOptions({ compress: 'webp', webp_level: 80, webp_lossless: true })).toEqual({ compress: 'webp', webpLevel: 80, webpLossless: true, overviewResampling: 'average' });
  });

  it('refuses settings out of range, and mode overviews, in one line', () => {
    expect(() => rgbaWriterOptions({ compress: 'jpeg', jpeg_quality: 0 })).toThrow('cog_opts: jpeg_quality 0 must be an integer from 1 to 100');
    expect(() => rgbaWriterOptions({ compress: 'webp', webp_lossless: 'yes' })).toThrow('cog_opts: webp_lossless yes must be true or false');
    expect(() => rgbaWriterOptions({ overview_resampling: 'mode' })).toThrow("cog_opts: overview_resampling 'mode' is not supported for the rgba preview (nearest, average)");
  });
});
