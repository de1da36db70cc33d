import { describe, expect, it } from 'vitest';
import { resolveOutputProduct, parseRunConfig } from '../../shared/run-config.js';
import { datasetLabel, lineageId, odcMetadataFileName, procInfoFileName, renderDatasetDocument, type Eo3Product } from './dataset-document.js';
import { eo3SchemaErrors } from './test-support/eo3-schema.js';

const CONFIG = `
apply_eodatasets3: true
product:
  name: ga_ls_wo_fq_cyear_3
  short_name: ga_ls_wo_fq_cyear_3
  version: 2.0.0
  product_family: wo
  naming_conventions_values: dea_c3
  explorer_path: https://explorer.dea.ga.gov.au/
  classifier: ard
  maturity: final
  collection_number: 3
`;
const resolved = resolveOutputProduct(parseRunConfig(CONFIG, 'test.yaml'));
const PRODUCT: Eo3Product = { ...resolved, eo3: resolved.eo3! };
/** Tile x10 y20 of DEA's 30 m Albers grid (96 km tiles from -4 416 000, -6 912 000), the year 2021. */
const TASK = { period: '2021--P1Y', x: 10, y: 20 };
const PERIOD = { label: '2021--P1Y', start: Date.UTC(2021, 0, 1), end: Date.UTC(2022, 0, 1) };
const TILE = { crs: 'EPSG:3577', affine: [30, 0, -3_456_000, 0, -30, -4_896_000] as const, width: 3200, height: 3200 };
const PREFIX = 'ga_ls_wo_fq_cyear_3_x10y20_2021--P1Y_final';

function document() {
  return renderDatasetDocument(documentRequest());
}

function documentRequest(): Parameters<typeof renderDatasetDocument>[0] {
  return {
    id: '8a6c5d4e-1f2b-5c3d-9e4f-0a1b2c3d4e5f',
    product: PRODUCT,
    task: TASK,
    period: PERIOD,
    tile: TILE,
    measurements: [
      ['count_wet', `${PREFIX}_count_wet.tif`],
      ['frequency', `${PREFIX}_frequency.tif`],
    ],
    inputs: [
      { id: 'B5E4D3C2-0000-4000-8000-000000000001', collection: 'ga_ls8c_ard_3' },
      { id: 'ga_ls_wo_3_168060_2021-01-10_final', collection: 'ga_ls_wo_3' },
      { id: 'b5e4d3c2-0000-4000-8000-000000000001', collection: 'ga_ls8c_ard_3' },
    ],
    accessories: { checksum: `${PREFIX}.sha1`, processor: `${PREFIX}.proc-info.yaml`, thumbnail: `${PREFIX}_thumbnail.jpg` },
    processed: '2024-05-06T07:08:09Z',
  };
}

describe('the EO3 dataset document of a task', () => {
  it('is valid by eodatasets3\u2019s schema', () => {
    expect(eo3SchemaErrors(document())).toEqual([]);
  });

  it('names the dataset, its product, its grid and its outline as eodatasets3 does', () => {
    const doc = document();
    expect(doc.$schema).toBe('https://schemas.opendatacube.org/dataset');
    expect(doc.label).toBe('ga_ls_wo_fq_cyear_3_x10y20_2021-01-01_final');
    expect(doc.product).toEqual({ name: 'ga_ls_wo_fq_cyear_3', href: 'https://collections.dea.ga.gov.au/product/ga_ls_wo_fq_cyear_3' });
    expect(doc.crs).toBe('epsg:3577');
    expect(doc.grids).toEqual({ default: { shape: [3200, 3200], transform: [30, 0, -3_456_000, 0, -30, -4_896_000, 0, 0, 1] } });
    // 3200 pixels of 30 m: 96 km east and south of the top-left corner.
    expect(doc.geometry.coordinates).toEqual([
      [
        [-3_456_000, -4_896_000],
        [-3_456_000, -4_992_000],
        [-3_360_000, -4_992_000],
        [-3_360_000, -4_896_000],
        [-3_456_000, -4_896_000],
      ],
    ]);
  });

  it('names the inputs’ platforms (joined by commas) and instruments (by underscores), sorted and once, as odc-stats does', () => {
    const doc = renderDatasetDocument({
      ...documentRequest(),
      inputs: [
        { id: 'a', collection: 'ga_ls8c_ard_3', platform: 'landsat-8', instruments: ['oli', 'tirs'] },
        { id: 'b', collection: 'ga_ls9c_ard_3', platform: 'landsat-9', instruments: ['tirs', 'oli'] },
        { id: 'c', collection: 'ga_ls7e_ard_3', platform: 'landsat-7', instruments: ['etm'] },
        { id: 'd', collection: 'ga_ls8c_ard_3', platform: 'landsat-8', instruments: ['oli', 'tirs'] },
      ],
    });
    expect(doc.properties['eo:platform']).toBe('landsat-7,landsat-8,landsat-9');
    expect(doc.properties['eo:instrument']).toBe('etm_oli_tirs');
  });

  it('has the period, the product\u2019s keys and the processing time in its properties', () => {
    expect(document().properties).toEqual({
      datetime: '2021-01-01T00:00:00Z',
      'dea:dataset_maturity': 'final',
      'dtr:end_datetime': '2021-12-31T23:59:59.999999Z',
      'dtr:start_datetime': '2021-01-01T00:00:00Z',
      'odc:collection_number': 3,
      'odc:dataset_version': '2.0.0',
      'odc:file_format': 'GeoTIFF',
      'odc:processing_datetime': '2024-05-06T07:08:09Z',
      'odc:producer': 'ga.gov.au',
      'odc:product': 'ga_ls_wo_fq_cyear_3',
      'odc:product_family': 'wo',
      'odc:region_code': 'x10y20',
    });
  });

  it('lists the bands and the accessories by file name, and the inputs under the classifier', () => {
    const doc = document();
    expect(doc.measurements).toEqual({ count_wet: { path: `${PREFIX}_count_wet.tif` }, frequency: { path: `${PREFIX}_frequency.tif` } });
    expect(doc.accessories).toEqual({
      'checksum:sha1': { path: `${PREFIX}.sha1` },
      'metadata:processor': { path: `${PREFIX}.proc-info.yaml` },
      thumbnail: { path: `${PREFIX}_thumbnail.jpg` },
    });
    // The UUID id once, in lower case; the other as Python's uuid.uuid5(uuid.NAMESPACE_URL, 'ga_ls_wo_3/ga_ls_wo_3_168060_2021-01-10_final').
    expect(doc.lineage).toEqual({ ard: ['b5e4d3c2-0000-4000-8000-000000000001', 'bd4be307-0b78-5ff7-b993-c2da1364e324'] });
  });

  it('lists each source of a fused input in the lineage, rather than the fusion', () => {
    const doc = renderDatasetDocument({
      ...documentRequest(),
      inputs: [
        {
          id: '0d2c4f1a-9b8e-5c7d-a6f5-e4d3c2b1a090',
          collection: 'fused__ga_ls8c_ard_3__ga_ls_wo_3',
          sources: [
            { id: 'B5E4D3C2-0000-4000-8000-000000000001', collection: 'ga_ls8c_ard_3' },
            { id: 'ga_ls_wo_3_168060_2021-01-10_final', collection: 'ga_ls_wo_3' },
          ],
        },
        { id: '11111111-2222-4333-8444-555555555555', collection: 'ga_ls9c_ard_3' },
      ],
    });
    // The WO id as Python's uuid.uuid5(uuid.NAMESPACE_URL, 'ga_ls_wo_3/ga_ls_wo_3_168060_2021-01-10_final').
    expect(doc.lineage).toEqual({ ard: ['11111111-2222-4333-8444-555555555555', 'b5e4d3c2-0000-4000-8000-000000000001', 'bd4be307-0b78-5ff7-b993-c2da1364e324'] });
    expect(eo3SchemaErrors(doc)).toEqual([]);
  });

  it('inherits the inputs\u2019 observation properties, the first input\u2019s value winning, less inherit_skip_properties', () => {
    const skipping: Eo3Product = { ...PRODUCT, eo3: { ...PRODUCT.eo3, inheritSkipProperties: ['fmask:clear'] } };
    const doc = renderDatasetDocument({
      ...documentRequest(),
      product: skipping,
      inputs: [
        {
          id: 'a',
          collection: 'ga_ls8c_ard_3',
          platform: 'landsat-8',
          properties: { platform: 'landsat-8', 'eo:cloud_cover': 12.5, gsd: 30, 'view:sun_elevation': 40.1, 'landsat:wrs_path': 90, 'odc:region_code': '090084', 'proj:epsg': 32655 },
        },
        { id: 'b', collection: 'ga_ls8c_ard_3', properties: { 'eo:cloud_cover': 50, 'landsat:wrs_row': 84, 'fmask:clear': 70.2 } },
        { id: 'c', collection: 'fused__ga_ls8c_ard_3__ga_ls_wo_3', sources: [], properties: { 'landsat:scene_id': 'LC80900842021010LGN00' } },
      ],
    });
    expect(doc.properties).toEqual({
      datetime: '2021-01-01T00:00:00Z',
      'dea:dataset_maturity': 'final',
      'dtr:end_datetime': '2021-12-31T23:59:59.999999Z',
      'dtr:start_datetime': '2021-01-01T00:00:00Z',
      'eo:cloud_cover': 12.5,
      'eo:gsd': 30,
      'eo:platform': 'landsat-8',
      'eo:sun_elevation': 40.1,
      'landsat:wrs_path': 90,
      'landsat:wrs_row': 84,
      'odc:collection_number': 3,
      'odc:dataset_version': '2.0.0',
      'odc:file_format': 'GeoTIFF',
      'odc:processing_datetime': '2024-05-06T07:08:09Z',
      'odc:producer': 'ga.gov.au',
      'odc:product': 'ga_ls_wo_fq_cyear_3',
      'odc:product_family': 'wo',
      'odc:region_code': 'x10y20',
    });
    expect(eo3SchemaErrors(doc)).toEqual([]);
  });

  it('is refused by the schema where a property name or the id is not EO3\u2019s', () => {
    expect(eo3SchemaErrors({ ...document(), id: 'ga_ls_wo_3_168060' })).toEqual(['/id must match format "uuid"']);
    expect(eo3SchemaErrors({ ...document(), properties: { ...document().properties, 'Bad-Key': 1 } })).toEqual([
      '/properties must match pattern "^[a-z_][a-z0-9_:]*$"',
      '/properties property name must be valid',
    ]);
  });
});

describe('names', () => {
  it('labels without a maturity where the product has none', () => {
    expect(datasetLabel({ name: 'pq_s2', regionCodeFormat: 'x{x:03d}y{y:03d}' }, TASK, { label: '2021-07--P1M', start: Date.UTC(2021, 6, 1), end: Date.UTC(2021, 7, 1) })).toBe('pq_s2_x010y020_2021-07-01');
  });

  it('names the document and the processing record after the task\u2019s files', () => {
    expect(odcMetadataFileName(PRODUCT, TASK)).toBe(`${PREFIX}.odc-metadata.yaml`);
    expect(procInfoFileName(PRODUCT, TASK)).toBe(`${PREFIX}.proc-info.yaml`);
  });

  it('keeps a UUID input id, and gives any other the UUID 5 of collection/id in the URL namespace', () => {
    expect(lineageId({ id: '0EE5FE0A-6ACD-4583-8554-36AD963BF40B', collection: 'ga_ls8c_ard_3' })).toBe('0ee5fe0a-6acd-4583-8554-36ad963bf40b');
    // Python: uuid.uuid5(uuid.NAMESPACE_URL, 'ga_ls_wo_3/ga_ls_wo_3_168060_2021-03-15_final')
    expect(lineageId({ id: 'ga_ls_wo_3_168060_2021-03-15_final', collection: 'ga_ls_wo_3' })).toBe('46432962-3bba-544c-a73d-416c6b3324e9');
  });
});
