/**
 * `apply_eodatasets3` through `odc-stats run` in a real process, on the synthetic Landsat water
 * observations (one 32 × 32 scene of 120 m pixels, one tile): beside the COGs, the EO3 dataset
 * document, the processing record and the JPEG thumbnail, as odc-stats writes them through
 * eodatasets3 for DEA's products, checked against eodatasets3's schema and by hand.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode } from 'jpeg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StacItem } from '../../shared/stac.js';
import type { Eo3Dataset } from '../../worker/eo3/dataset-document.js';
import { eo3SchemaErrors } from '../../worker/eo3/test-support/eo3-schema.js';
import { FRACTIONAL_COVER_COLLECTION, WATER_OBSERVATIONS_COLLECTION, type LandsatLayout } from '../sample/landsat-sample.js';
import { writeSampleCatalog } from '../sample/sample-catalog.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';

const LAYOUT: LandsatLayout = { pixelMetres: 120, pixels: 32, scenes: { '168060': { west: 249_600, north: 9_903_360 } }, blocksize: 16 };
const GRID = 'EPSG:32737;120;32';
const TILES = '65:66,2578:2579';
/** Region code x65y2578 cut in half, then the year. */
const TASK_DIR = path.join('x65y', '2578', '2021--P1Y');
const PREFIX = 'ga_ls_wo_fq_cyear_3_x65y2578_2021--P1Y_final';
const BANDS = ['count_wet', 'count_clear', 'frequency'];
/**
 * The five passes' item ids (`ga_ls_wo_3_168060_{day}_final`) as Python's
 * `uuid.uuid5(uuid.NAMESPACE_URL, 'ga_ls_wo_3/' + id)` gives them, sorted.
 */
const LINEAGE = [
  '3d985a7e-7ab4-5efa-84c0-2f7032628efa', // 2021-02-11
  '46432962-3bba-544c-a73d-416c6b3324e9', // 2021-03-15
  'bd4be307-0b78-5ff7-b993-c2da1364e324', // 2021-01-10
  'c55684b3-cfee-5a63-996f-1aee242360e6', // 2021-01-26
  'fc28a99f-4a7b-5e76-983f-000e57b2fb3b', // 2021-02-27
];

const PRODUCT_SECTION = `product:
  name: ga_ls_wo_fq_cyear_3
  short_name: ga_ls_wo_fq_cyear_3
  version: 2.0.0
  product_family: wo
  naming_conventions_values: dea_c3
  explorer_path: https://explorer.dea.ga.gov.au/
  classifier: ard
  maturity: final
  collection_number: 3
  inherit_skip_properties: [eo:cloud_cover, fmask:clear]
  preview_image_ows_style:
    name: annual_WOfS_frequency
    needed_bands: [frequency]
`;

let dir: string;
let cache: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'eodatasets3-run-'));
  const sample = await writeSampleCatalog(path.join(dir, 'catalog'), { collections: [WATER_OBSERVATIONS_COLLECTION], landsat: { dates: 5, layout: LAYOUT } });
  cache = path.join(dir, 'wo.db');
  const plan = await runCli(['save-tasks', '--grid', GRID, '--tiles', TILES, '--catalog', sample.catalogPath, '--input-products', WATER_OBSERVATIONS_COLLECTION, '--year', '2021', cache]);
  expect(plan.code, plan.stderr).toBe(0);
}, 60_000);

const sha1 = (file: string) => createHash('sha1').update(readFileSync(file)).digest('hex');

describe('run with apply_eodatasets3: true and DEA\u2019s product section', () => {
  it('writes the EO3 dataset document, the processing record and the JPEG thumbnail beside the COGs, without a warning', async () => {
    const location = path.join(dir, 'out');
    const config = path.join(dir, 'wo-fq.yaml');
    writeFileSync(config, `plugin: wofs-summary\napply_eodatasets3: true\noutput_location: ${location}\n${PRODUCT_SECTION}`);
    const r = await runCli(['run', cache, '--config', config, '--threads', '1'], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(linesOf(r.stderr).filter((line) => line.includes('warning'))).toEqual([]);

    const folder = path.join(location, TASK_DIR);
    const at = (suffix: string) => path.join(folder, `${PREFIX}${suffix}`);
    expect(readdirSync(folder).sort()).toEqual(
      [...BANDS.map((b) => `_${b}.tif`), '_thumbnail.jpg', '.sha1', '.proc-info.yaml', '.odc-metadata.yaml', '.stac-item.json'].map((s) => `${PREFIX}${s}`).sort(),
    );

    const doc = parse(readFileSync(at('.odc-metadata.yaml'), 'utf8')) as Eo3Dataset;
    expect(eo3SchemaErrors(doc)).toEqual([]);
    const item = JSON.parse(readFileSync(at('.stac-item.json'), 'utf8')) as StacItem;
    expect(doc.id).toBe(item.id);
    expect(doc.label).toBe('ga_ls_wo_fq_cyear_3_x65y2578_2021-01-01_final');
    expect(doc.product).toEqual({ name: 'ga_ls_wo_fq_cyear_3', href: 'https://collections.dea.ga.gov.au/product/ga_ls_wo_fq_cyear_3' });
    expect(doc.crs).toBe('epsg:32737');
    // Tile 65 of 3840 m starts at 249 600 m east; row 2578's top is 9 903 360 m north; 32 pixels of 120 m.
    expect(doc.grids).toEqual({ default: { shape: [32, 32], transform: [120, 0, 249_600, 0, -120, 9_903_360, 0, 0, 1] } });
    expect(Object.keys(doc.measurements).sort()).toEqual([...BANDS].sort());
    for (const band of BANDS) {
      expect(doc.measurements[band]).toEqual({ path: `${PREFIX}_${band}.tif` });
      expect(existsSync(path.join(folder, doc.measurements[band]!.path))).toBe(true);
    }
    for (const accessory of Object.values(doc.accessories)) expect(existsSync(path.join(folder, accessory.path))).toBe(true);
    expect(doc.lineage).toEqual({ ard: LINEAGE });
    expect(doc.properties).toMatchObject({
      datetime: '2021-01-01T00:00:00Z',
      'dtr:end_datetime': '2021-12-31T23:59:59.999999Z',
      'odc:processing_datetime': item.properties['odc:processing_datetime'],
      'odc:region_code': 'x65y2578',
      'odc:product_family': 'wo',
      'odc:dataset_version': '2.0.0',
      'dea:dataset_maturity': 'final',
      'odc:collection_number': 3,
      // The synthetic items' STAC platform and instruments, as eo3 spells them.
      'eo:platform': 'landsat-8',
      'eo:instrument': 'oli_tirs',
      // Inherited from the inputs, as eodatasets3 inherits them.
      'landsat:wrs_path': 168,
      'landsat:wrs_row': 60,
    });
    expect(Number.isNaN(Date.parse(String(doc.properties['odc:processing_datetime'])))).toBe(false);

    const procInfo = parse(readFileSync(at('.proc-info.yaml'), 'utf8')) as {
      'input-products': string[];
      'odc-stats-config': Record<string, unknown>;
      software_versions: Array<{ name: string; version: string }>;
    };
    expect(procInfo['input-products']).toEqual(['ga_ls_wo_3']);
    expect(procInfo['odc-stats-config']).toMatchObject({
      name: 'ga_ls_wo_fq_cyear_3',
      location,
      measurements: BANDS,
      classifier: 'ard',
      inherit_skip_properties: ['eo:cloud_cover', 'fmask:clear'],
    });
    expect(procInfo.software_versions.map((s) => s.name)).toEqual(['odc-stats-desktop', 'wofs-summary']);

    const thumbnail = decode(readFileSync(at('_thumbnail.jpg')), { useTArray: true });
    expect([thumbnail.width, thumbnail.height]).toEqual([32, 32]);
    expect(item.assets.thumbnail).toMatchObject({ href: `${PREFIX}_thumbnail.jpg`, type: 'image/jpeg' });
    expect(item.links).toEqual(
      expect.arrayContaining([
        { rel: 'odc_yaml', href: `${PREFIX}.odc-metadata.yaml`, type: 'text/yaml', title: 'ODC Dataset YAML' },
        { rel: 'alternate', href: `https://explorer.dea.ga.gov.au/dataset/${item.id}`, type: 'text/html', title: 'Open Data Cube Explorer' },
      ]),
    );

    // Every file but the checksums themselves, each with its SHA-1.
    const sums = new Map(linesOf(readFileSync(at('.sha1'), 'utf8')).map((line) => line.split('  ').reverse() as [string, string]));
    const listed = readdirSync(folder).filter((name) => !name.endsWith('.sha1'));
    expect([...sums.keys()].sort()).toEqual(listed.sort());
    for (const name of listed) expect(sums.get(name), name).toBe(sha1(path.join(folder, name)));
  }, 120_000);

  it('takes --apply_eodatasets3 as the key, and writes the PNG preview and no EO3 files without either', async () => {
    const config = path.join(dir, 'wo-fq-plain.yaml');
    writeFileSync(config, `plugin: wofs-summary\n${PRODUCT_SECTION}`);
    const flagged = path.join(dir, 'flagged');
    const r = await runCli(['run', cache, '--config', config, '--location', flagged, '--threads', '1', '--apply_eodatasets3'], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    const document = parse(readFileSync(path.join(flagged, TASK_DIR, `${PREFIX}.odc-metadata.yaml`), 'utf8')) as unknown;
    expect(eo3SchemaErrors(document)).toEqual([]);

    const plain = path.join(dir, 'plain');
    const p = await runCli(['run', cache, '--config', config, '--location', plain, '--threads', '1'], { timeoutMs: 90_000 });
    expect(p.code, p.stderr).toBe(0);
    expect(readdirSync(path.join(plain, TASK_DIR)).filter((name) => /yaml$|thumbnail/.test(name))).toEqual([`${PREFIX}_thumbnail.png`]);
  }, 120_000);

  it('lists in the lineage every dataset a fused input was fused from, and inherits nothing from a fusion', async () => {
    const sample = await writeSampleCatalog(path.join(dir, 'fused-catalog'), {
      collections: [WATER_OBSERVATIONS_COLLECTION, FRACTIONAL_COVER_COLLECTION],
      landsat: { dates: 5, layout: LAYOUT },
    });
    const fusedCache = path.join(dir, 'wo-fc.db');
    const products = `${WATER_OBSERVATIONS_COLLECTION}+${FRACTIONAL_COVER_COLLECTION}`;
    const plan = await runCli(['save-tasks', '--grid', GRID, '--tiles', TILES, '--catalog', sample.catalogPath, '--input-products', products, '--year', '2021', fusedCache]);
    expect(plan.code, plan.stderr).toBe(0);
    const location = path.join(dir, 'fused-out');
    const config = path.join(dir, 'wo-fq-fused.yaml');
    writeFileSync(config, `plugin: wofs-summary\napply_eodatasets3: true\noutput_location: ${location}\n${PRODUCT_SECTION}`);
    const r = await runCli(['run', fusedCache, '--config', config, '--threads', '1'], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(readFileSync(path.join(location, TASK_DIR, `${PREFIX}.odc-metadata.yaml`), 'utf8')) as Eo3Dataset;
    expect(eo3SchemaErrors(doc)).toEqual([]);
    // The water passes' ids as above and the fractional cover's, each Python's
    // uuid.uuid5(uuid.NAMESPACE_URL, product + '/' + id), sorted.
    expect(doc.lineage).toEqual({
      ard: [
        '137052be-f980-54e4-ad89-6054347fd77a',
        '3d985a7e-7ab4-5efa-84c0-2f7032628efa',
        '46432962-3bba-544c-a73d-416c6b3324e9',
        '6f4d23ff-5040-5df1-86e6-79f95e02b5e3',
        '975a461c-fef9-522e-bc69-1f78336859d9',
        'bd4be307-0b78-5ff7-b993-c2da1364e324',
        'c55684b3-cfee-5a63-996f-1aee242360e6',
        'c602def2-3851-50fa-975d-34df3c448aeb',
        'f1e46e96-73dd-5119-919b-f9eb5e46a264',
        'fc28a99f-4a7b-5e76-983f-000e57b2fb3b',
      ],
    });
    expect(doc.properties['landsat:wrs_path']).toBeUndefined();
  }, 120_000);

  it('refuses another naming convention in one line', async () => {
    const config = path.join(dir, 'wo-fq-s2.yaml');
    writeFileSync(config, `plugin: wofs-summary\napply_eodatasets3: true\n${PRODUCT_SECTION.replace('dea_c3', 'dea_s2')}`);
    const r = await runCli(['run', cache, '--config', config, '--location', path.join(dir, 's2'), '--dryrun']);
    expect([r.code, linesOf(r.stderr)]).toEqual([
      1,
      ["odc-stats: error: product.naming_conventions_values 'dea_s2' is not supported with apply_eodatasets3: the EO3 metadata follows DEA's 'dea_c3' only"],
    ]);
  });
});
