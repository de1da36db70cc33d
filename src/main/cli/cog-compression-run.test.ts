/**
 * COG compression settings through `odc-stats run` in a real process, on the synthetic
 * Sentinel-2 sample (one tile of 100 × 100 pixels of 120 m): `--cog-config` with LZW for the
 * bands and settings for the rgba band, which ask for odc-stats' RGBA preview COG, here JPEG.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromArrayBuffer, type GeoTIFFImage } from 'geotiff';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSampleCatalog } from '../sample/sample-catalog.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';

/** Region code x29y820 cut in half (at 3 of 7 characters), then the year. */
const TASK_DIR = path.join('x29', 'y820', '2021--P1Y');
const PREFIX = 'gm_s2_sample_x29y820_2021--P1Y';
const BANDS = ['B02', 'B03', 'B04', 'SMAD', 'EMAD', 'BCMAD', 'COUNT'];

let dir: string;
let cache: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cog-compression-run-'));
  const sample = await writeSampleCatalog(path.join(dir, 'catalog'), { dates: 3, tiles: ['37MCU'] });
  cache = path.join(dir, 'plan.db');
  const plan = await runCli(['save-tasks', '--grid', 'EPSG:32737;120;100', '--tiles', '29:30,820:821', '--catalog', sample.catalogPath, '--input-products', 's2_l2a', '--year', '2021', cache]);
  expect(plan.code, plan.stderr).toBe(0);
}, 90_000);

async function firstImage(file: string): Promise<GeoTIFFImage> {
  const bytes = readFileSync(file);
  return (await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))).getImage(0);
}

const tags = (image: GeoTIFFImage) => ['Compression', 'Predictor', 'PhotometricInterpretation'].map((tag) => image.fileDirectory.getValue(tag as 'Compression'));

describe('run --cog-config with lzw and an rgba override', () => {
  it('writes LZW band COGs and the JPEG RGBA preview, listed in the checksums and the STAC item, without a warning', async () => {
    const location = path.join(dir, 'out');
    const config = path.join(dir, 'gm.yaml');
    writeFileSync(config, ['plugin: gm-s2', 'plugin_config: { bands: [B02, B03, B04], mask_band: SCL, cloud_filters: [] }', 'product: { name: gm_s2_sample, version: 0.0.1 }', `output_location: ${location}`, ''].join('\n'));
    const cogConfig = 'compress: LZW\npredictor: true\nblocksize: 64\noverrides:\n  rgba: { compress: JPEG, jpeg_quality: 90 }\n';
    const r = await runCli(['run', cache, '--config', config, '--cog-config', cogConfig, '--threads', '1'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(linesOf(r.stderr).filter((line) => line.includes('warning'))).toEqual([]);

    const folder = path.join(location, TASK_DIR);
    const files = readdirSync(folder);
    expect(files).toEqual(expect.arrayContaining([`${PREFIX}_rgba.tif`, ...BANDS.map((b) => `${PREFIX}_${b}.tif`)]));
    // LZW 5; predictor true: horizontal differencing (2) for the integer bands, floating point (3) for the MADs.
    expect(tags(await firstImage(path.join(folder, `${PREFIX}_B02.tif`)))).toEqual([5, 2, 1]);
    expect(tags(await firstImage(path.join(folder, `${PREFIX}_EMAD.tif`)))).toEqual([5, 3, 1]);
    // JPEG 7, YCbCr 6, three samples: the alpha is the mask IFD after it.
    const rgba = await firstImage(path.join(folder, `${PREFIX}_rgba.tif`));
    expect([...tags(rgba), rgba.getSamplesPerPixel(), rgba.getTileWidth()]).toEqual([7, undefined, 6, 3, 64]);

    const item = JSON.parse(readFileSync(path.join(folder, `${PREFIX}.stac-item.json`), 'utf8')) as { assets: Record<string, { href: string }> };
    expect(item.assets['quicklook']?.href).toBe(`${PREFIX}_rgba.tif`);
    const sums = readFileSync(path.join(folder, `${PREFIX}.sha1`), 'utf8');
    expect(sums).toContain(`  ${PREFIX}_rgba.tif\n`);
  });

  it('refuses a compression it does not write (LERC) in one line naming the ones it does', async () => {
    const config = path.join(dir, 'gm-lerc.yaml');
    writeFileSync(config, ['plugin: gm-s2', 'plugin_config: { bands: [B02, B03, B04], mask_band: SCL, cloud_filters: [] }', 'product: { name: gm_s2_sample, version: 0.0.1 }', `output_location: ${path.join(dir, 'out-lerc')}`, ''].join('\n'));
    const r = await runCli(['run', cache, '--config', config, '--cog-config', 'compress: LERC\nmax_z_error: 0.01\n', '--threads', '1'], { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toContain("2021--P1Y/29/820: failed: cog_opts: compress 'LERC' is not supported for a band (deflate, lzw, zstd, none)");
  });

});
