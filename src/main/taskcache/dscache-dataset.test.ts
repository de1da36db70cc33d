import { describe, expect, it } from 'vitest';
import { dscacheDataset, dscacheDatasetTime } from './dscache-dataset.js';

const ID = '11111111-2222-4333-8444-555555555555';

function record(metadata: Record<string, unknown>, uris: string[] = ['s3://bucket/a/b/ds.odc-metadata.yaml']) {
  return {
    product: 'prod',
    uris,
    metadata: { crs: 'EPSG:4326', properties: { datetime: '2021-03-04T05:06:07+02:00' }, measurements: { red: { path: 'red.tif' } }, ...metadata },
  };
}

describe('dscacheDataset', () => {
  it('takes the footprint of the default grid: 4 rows × 8 columns of 0.5° from 10° E, 20° N', () => {
    const { item, time } = dscacheDataset(ID, record({ grids: { default: { shape: [4, 8], transform: [0.5, 0, 10, 0, -0.5, 20, 0, 0, 1] } } }));
    expect(item.bbox).toEqual([10, 18, 14, 20]);
    expect(time).toBe(Date.UTC(2021, 2, 4, 3, 6, 7));
    expect(item.properties.datetime).toBe('2021-03-04T03:06:07.000Z');
    expect(item.assets['red']?.href).toBe('s3://bucket/a/b/red.tif');
    expect(item.collection).toBe('prod');
  });

  it('falls back to the longitude/latitude extent, resolves against a plain path URI, and keeps absolute paths', () => {
    const { item } = dscacheDataset(
      ID,
      record(
        { crs: undefined, extent: { lat: { begin: -35, end: -34 }, lon: { begin: 148, end: 149 } }, measurements: { red: { path: 'red.tif' }, qa: { path: 'https://host/qa.tif' } } },
        ['/data/ds/ds.yaml'],
      ),
    );
    expect(item.bbox).toEqual([148, -35, 149, -34]);
    expect(item.assets['red']?.href).toBe('file:///data/ds/red.tif');
    expect(item.assets['qa']?.href).toBe('https://host/qa.tif');
  });

  it('reads naive datetimes as UTC, as datacube writes them', () => {
    expect(dscacheDatasetTime(ID, record({ properties: { datetime: '2021-03-04 05:06:07.5' } }))).toBe(Date.UTC(2021, 2, 4, 5, 6, 7, 500));
  });

  it('refuses in one line what a task cannot use', () => {
    const grid = { grids: { default: { shape: [1, 1], transform: [1, 0, 0, 0, -1, 1] } } };
    expect(() => dscacheDataset(ID, record({ ...grid, measurements: { red: { path: 'all.tif', band: 3 } } }))).toThrow(
      `odc-dscache dataset ${ID} of prod: measurement red is a band or layer inside a multi-band file, which this version does not read`,
    );
    expect(() => dscacheDataset(ID, record(grid, []))).toThrow(`odc-dscache dataset ${ID}: measurement path 'red.tif' is relative but the dataset has no URI`);
    expect(() => dscacheDataset(ID, record({}))).toThrow(`odc-dscache dataset ${ID}: no footprint (needs crs with geometry or grids.default, or extent)`);
    expect(() => dscacheDatasetTime(ID, { product: 'old', metadata: { extent: {} } })).toThrow(/^odc-dscache dataset .* of old: not an EO3 document/);
  });
});
