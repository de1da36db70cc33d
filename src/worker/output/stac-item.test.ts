import { describe, expect, it } from 'vitest';
import { parseTemporalRange } from '../../shared/daterange.js';
import { parseGrid } from '../../shared/grid.js';
import { outputItemId, renderStacItem, type OutputBand, type StacItemRequest } from './stac-item.js';

const PRODUCT = {
  name: 'gm_s2_annual',
  version: '1.0.0',
  productFamily: 'geomedian',
  regionCodeFormat: 'x{x:02d}y{y:02d}',
  properties: { 'odc:file_format': 'GeoTIFF', 'odc:product_family': 'geomedian', 'odc:producer': 'example.org' },
  href: 'https://collections.example.org/product/gm_s2_annual',
};
const TASK = { period: '2021--P1Y', x: 3, y: 4 };

// Two input datasets with UUID ids, the first written in capitals.
const INPUT_A = 'A7E3F1C2-0B4D-4E5F-8A9B-1C2D3E4F5A6B';
const INPUT_B = '1f0e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const INPUT_C = '0c9b8a7f-6e5d-4c3b-a291-807f6e5d4c3b';

// africa-10 tile (3, 4): west edge -17 376 000 + 3 · 96 000, north edge -7 392 000 + 5 · 96 000.
const TILE_TRANSFORM = [10, 0, -17_088_000, 0, -10, -6_912_000] as const;

function band(name: string, overrides: Partial<OutputBand> = {}): OutputBand {
  return {
    name,
    dtype: 'uint16',
    nodata: 0,
    href: `gm_s2_annual_x03y04_2021--P1Y_${name}.tif`,
    shape: [9600, 9600],
    transform: TILE_TRANSFORM,
    ...overrides,
  };
}

function request(overrides: Partial<StacItemRequest> = {}): StacItemRequest {
  return {
    product: PRODUCT,
    task: TASK,
    period: parseTemporalRange('2021--P1Y'),
    grid: parseGrid('africa-10'),
    bands: [band('red'), band('count')],
    inputs: [
      { id: INPUT_A, collection: 's2_l2a' },
      { id: INPUT_B, collection: 's2_l2a' },
    ],
    footprintLonLat: {
      type: 'Polygon',
      coordinates: [
        [
          [-177.1, -60.2],
          [-176.2, -60.2],
          [-176.2, -59.4],
          [-177.1, -59.4],
          [-177.1, -60.2],
        ],
      ],
    },
    created: '2024-05-01T10:20:30.456+02:00',
    ...overrides,
  };
}

describe('outputItemId', () => {
  it('equals the UUID odc-stats gives the same task over the same datasets', () => {
    // Values of odc-stats' odc_uuid(name, version, sources, time=period, tile=(x, y)).
    expect(outputItemId(PRODUCT, TASK, [INPUT_A, INPUT_B])).toBe('e3753429-ce5b-5d58-8467-7be78aed796f');
    expect(outputItemId(PRODUCT, TASK, [INPUT_A, INPUT_B, INPUT_C])).toBe('251173b9-22ef-5144-99af-67f6d0af2588');
    expect(outputItemId(PRODUCT, { ...TASK, y: -4 }, [INPUT_A, INPUT_B])).toBe('fb8ea56b-2daa-556e-9862-3dad7dcc6671');
    expect(outputItemId(PRODUCT, TASK, [])).toBe('9a9b4fe8-0105-56fb-831c-8c3f892ded9a');
  });

  it('does not depend on the order, case or repetition of the inputs', () => {
    const id = outputItemId(PRODUCT, TASK, [INPUT_A, INPUT_B]);
    expect(outputItemId(PRODUCT, TASK, [INPUT_B, INPUT_A])).toBe(id);
    expect(outputItemId(PRODUCT, TASK, [INPUT_B, INPUT_A.toLowerCase(), INPUT_B])).toBe(id);
  });

  it('changes with the product, the version, the period, the tile and the inputs', () => {
    const id = outputItemId(PRODUCT, TASK, [INPUT_A, INPUT_B]);
    const others = [
      outputItemId({ ...PRODUCT, name: 'gm_s2_semiannual' }, TASK, [INPUT_A, INPUT_B]),
      outputItemId({ ...PRODUCT, version: '1.0.1' }, TASK, [INPUT_A, INPUT_B]),
      outputItemId(PRODUCT, { ...TASK, period: '2022--P1Y' }, [INPUT_A, INPUT_B]),
      outputItemId(PRODUCT, { ...TASK, x: 4, y: 3 }, [INPUT_A, INPUT_B]),
      outputItemId(PRODUCT, TASK, [INPUT_A]),
      outputItemId(PRODUCT, TASK, [INPUT_A, INPUT_C]),
    ];
    expect(new Set([id, ...others]).size).toBe(others.length + 1);
  });
});

describe('renderStacItem', () => {
  it('renders a STAC 1.0 item with the projection and raster extensions', () => {
    const item = renderStacItem(request());
    expect(item.type).toBe('Feature');
    expect(item.stac_version).toBe('1.0.0');
    expect(item.stac_extensions).toEqual([
      'https://stac-extensions.github.io/projection/v1.1.0/schema.json',
      'https://stac-extensions.github.io/raster/v1.1.0/schema.json',
    ]);
    expect(item.id).toBe('e3753429-ce5b-5d58-8467-7be78aed796f');
    expect(item.collection).toBeUndefined();
    expect(item.geometry?.type).toBe('Polygon');
    expect(item.bbox).toEqual([-177.1, -60.2, -176.2, -59.4]);
  });

  it('gives the odc-stats properties, the period and the lineage', () => {
    expect(renderStacItem(request()).properties).toEqual({
      'odc:file_format': 'GeoTIFF',
      'odc:producer': 'example.org',
      datetime: '2021-01-01T00:00:00Z',
      start_datetime: '2021-01-01T00:00:00Z',
      end_datetime: '2021-12-31T23:59:59.999999Z',
      created: '2024-05-01T08:20:30Z',
      'odc:processing_datetime': '2024-05-01T08:20:30Z',
      'odc:product': 'gm_s2_annual',
      'odc:product_family': 'geomedian',
      'odc:dataset_version': '1.0.0',
      'odc:region_code': 'x03y04',
      'proj:epsg': 6933,
      'proj:shape': [9600, 9600],
      'proj:transform': [10, 0, -17_088_000, 0, -10, -6_912_000, 0, 0, 1],
      'odc:lineage': { inputs: [INPUT_B, INPUT_A] },
    });
  });

  it('lets task properties add to the product’s but not replace what the item states', () => {
    const item = renderStacItem(request({ properties: { 'eo:platform': 'sentinel-2a,sentinel-2b', 'odc:product': 'other' } }));
    expect(item.properties['eo:platform']).toBe('sentinel-2a,sentinel-2b');
    expect(item.properties['odc:product']).toBe('gm_s2_annual');
  });

  it('ends a month on its last microsecond', () => {
    const item = renderStacItem(request({ task: { ...TASK, period: '2020-02--P1M' }, period: parseTemporalRange('2020-02--P1M') }));
    expect(item.properties.start_datetime).toBe('2020-02-01T00:00:00Z');
    expect(item.properties.end_datetime).toBe('2020-02-29T23:59:59.999999Z');
  });

  it('describes each band as a COG asset with a relative href', () => {
    const item = renderStacItem(request({ bands: [band('red'), band('emad', { dtype: 'float32', nodata: Number.NaN }), band('mask', { nodata: null })] }));
    expect(item.assets).toEqual({
      red: {
        href: 'gm_s2_annual_x03y04_2021--P1Y_red.tif',
        type: 'image/tiff; application=geotiff; profile=cloud-optimized',
        roles: ['data'],
        title: 'red',
        'raster:bands': [{ data_type: 'uint16', nodata: 0 }],
      },
      emad: {
        href: 'gm_s2_annual_x03y04_2021--P1Y_emad.tif',
        type: 'image/tiff; application=geotiff; profile=cloud-optimized',
        roles: ['data'],
        title: 'emad',
        'raster:bands': [{ data_type: 'float32', nodata: 'nan' }],
      },
      mask: {
        href: 'gm_s2_annual_x03y04_2021--P1Y_mask.tif',
        type: 'image/tiff; application=geotiff; profile=cloud-optimized',
        roles: ['data'],
        title: 'mask',
        'raster:bands': [{ data_type: 'uint16' }],
      },
    });
  });

  it('gives a band on another pixel grid its own projection', () => {
    const coarse = band('sdev', { shape: [4800, 4800], transform: [20, 0, -17_088_000, 0, -20, -6_912_000] });
    const item = renderStacItem(request({ bands: [band('red'), coarse] }));
    expect(item.assets.sdev).toMatchObject({
      'proj:shape': [4800, 4800],
      'proj:transform': [20, 0, -17_088_000, 0, -20, -6_912_000, 0, 0, 1],
    });
    expect(item.assets.red).not.toHaveProperty('proj:shape');
  });

  it('adds the quicklook and the preview', () => {
    const item = renderStacItem(
      request({ quicklookHref: 'gm_s2_annual_x03y04_2021--P1Y_rgba.tif', previewHref: 'gm_s2_annual_x03y04_2021--P1Y_thumbnail.png' }),
    );
    expect(item.assets.quicklook).toEqual({
      href: 'gm_s2_annual_x03y04_2021--P1Y_rgba.tif',
      type: 'image/tiff; application=geotiff; profile=cloud-optimized',
      roles: ['overview'],
      title: 'RGBA quicklook',
    });
    expect(item.assets.thumbnail).toEqual({
      href: 'gm_s2_annual_x03y04_2021--P1Y_thumbnail.png',
      type: 'image/png',
      roles: ['thumbnail'],
      title: 'Preview',
    });
    expect(renderStacItem(request({ previewHref: 'p_thumbnail.jpg' })).assets.thumbnail?.type).toBe('image/jpeg');
  });

  it('links itself, its collection, its product and the inputs it was derived from', () => {
    const item = renderStacItem(
      request({
        selfHref: 's3://bucket/gm/x03/y04/2021--P1Y/gm_s2_annual_x03y04_2021--P1Y.stac-item.json',
        collectionHref: 'https://stac.example.org/collections/gm_s2_annual',
        inputs: [
          { id: 'S2B_35LQC_20210705_0_L2A', collection: 'sentinel-2-l2a', href: 'https://stac.example.org/items/S2B_35LQC_20210705_0_L2A' },
          { id: 'S2A_35LQC_20210630_0_L2A', collection: 'sentinel-2-l2a', href: 'https://stac.example.org/items/S2A_35LQC_20210630_0_L2A' },
          { id: 'S2A_35LQC_20210610_0_L2A', collection: 'sentinel-2-l2a' },
        ],
      }),
    );
    expect(item.collection).toBe('gm_s2_annual');
    expect(item.links).toEqual([
      {
        rel: 'self',
        href: 's3://bucket/gm/x03/y04/2021--P1Y/gm_s2_annual_x03y04_2021--P1Y.stac-item.json',
        type: 'application/json',
      },
      { rel: 'collection', href: 'https://stac.example.org/collections/gm_s2_annual', type: 'application/json' },
      { rel: 'product_overview', href: 'https://collections.example.org/product/gm_s2_annual', type: 'application/json' },
      {
        rel: 'derived_from',
        href: 'https://stac.example.org/items/S2A_35LQC_20210630_0_L2A',
        type: 'application/geo+json',
        title: 'S2A_35LQC_20210630_0_L2A',
      },
      {
        rel: 'derived_from',
        href: 'https://stac.example.org/items/S2B_35LQC_20210705_0_L2A',
        type: 'application/geo+json',
        title: 'S2B_35LQC_20210705_0_L2A',
      },
    ]);
    expect(item.properties['odc:lineage']).toEqual({
      inputs: ['S2A_35LQC_20210610_0_L2A', 'S2A_35LQC_20210630_0_L2A', 'S2B_35LQC_20210705_0_L2A'],
    });
  });

  it('renders the same item for the same task and inputs, whatever their order', () => {
    const first = renderStacItem(request());
    const again = renderStacItem(request({ inputs: [...request().inputs].reverse() }));
    expect(again).toEqual(first);
  });

  it('survives a JSON round trip unchanged', () => {
    const item = renderStacItem(request({ bands: [band('emad', { dtype: 'float32', nodata: Number.NaN })] }));
    expect(JSON.parse(JSON.stringify(item))).toEqual(item);
  });

  it('refuses inconsistent requests', () => {
    expect(() => renderStacItem(request({ period: parseTemporalRange('2022--P1Y') }))).toThrow("is not the task's period");
    expect(() => renderStacItem(request({ created: 'yesterday' }))).toThrow('is not a time');
    expect(() => renderStacItem(request({ bands: [band('red'), band('red')] }))).toThrow("two assets named 'red'");
    expect(() => renderStacItem(request({ bands: [band('thumbnail')], previewHref: 'p.jpg' }))).toThrow("two assets named 'thumbnail'");
  });
});
