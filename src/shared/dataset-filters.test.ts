import { describe, expect, it } from 'vitest';
import { parseDatasetFilters, passesDatasetFilters } from './dataset-filters.js';

/** DEA's fractional cover percentiles (ga_ls_fc_pc_cyear_3): each sensor in the years it is used. */
const DEA_FC =
  '{"datetime": "1987-01--P17Y"}|{"datetime": "2004-01--P6Y", "eo:platform": "landsat-5"}|\n{"datetime": "2010-01--P3Y"}|{"datetime": "2013-01--P5M"}|{"eo:platform": "landsat-8"}|\n{"datetime": "2022-01--P10Y", "eo:platform": "landsat-9"}';

const dataset = (datetime: string, platform: string) => ({ datetime, 'eo:platform': platform });

describe('dataset_filters', () => {
  const filters = parseDatasetFilters(DEA_FC);

  it('keeps a dataset that some filter matches in every key', () => {
    expect(passesDatasetFilters(filters, dataset('1999-06-01T00:10:00Z', 'landsat-7'))).toBe(true); // 1987–2003, any sensor
    expect(passesDatasetFilters(filters, dataset('2005-06-01T00:10:00Z', 'landsat-5'))).toBe(true);
    expect(passesDatasetFilters(filters, dataset('2005-06-01T00:10:00Z', 'landsat-7'))).toBe(false); // 2004–2009: Landsat 5 only
    expect(passesDatasetFilters(filters, dataset('2013-05-31T23:59:59Z', 'landsat-7'))).toBe(true); // Jan–May 2013, any
    expect(passesDatasetFilters(filters, dataset('2013-06-01T00:00:00Z', 'landsat-7'))).toBe(false); // the period's end is out
    expect(passesDatasetFilters(filters, dataset('2018-06-01T00:10:00Z', 'landsat-8'))).toBe(true);
    expect(passesDatasetFilters(filters, dataset('2021-12-31T23:00:00Z', 'landsat-9'))).toBe(false); // Landsat 9 from 2022
    expect(passesDatasetFilters(filters, dataset('2022-01-01T00:00:00Z', 'landsat-9'))).toBe(true);
  });

  it('reads a datetime by its clock time, its offset dropped, as odc-stats does', () => {
    const [jan2013] = parseDatasetFilters('{"datetime": "2013-01--P5M"}');
    expect(passesDatasetFilters([jan2013!], { datetime: '2013-05-31T23:30:00-05:00' })).toBe(true);
    expect(passesDatasetFilters([jan2013!], { datetime: '2013-06-01T00:30:00+10:00' })).toBe(false);
  });

  it('reads eo3’s eo:platform from a STAC item’s platform', () => {
    expect(passesDatasetFilters(filters, { datetime: '2018-06-01T00:10:00Z', platform: 'landsat-8' })).toBe(true);
    expect(passesDatasetFilters(filters, { datetime: '2018-06-01T00:10:00Z', platform: 'landsat-7' })).toBe(false);
  });

  it('fails a filter whose key the dataset lacks, and takes one mapping as one filter', () => {
    expect(passesDatasetFilters(parseDatasetFilters({ 'dea:dataset_maturity': 'final' }), { datetime: '2020-01-01T00:00:00Z' })).toBe(false);
    expect(passesDatasetFilters(parseDatasetFilters({ 'dea:dataset_maturity': 'final' }), { 'dea:dataset_maturity': 'final' })).toBe(true);
  });

  it.each([
    ['{"eo:platform": "landsat-8"}|landsat-9', /^filter 2 \("landsat-9"\) is not JSON: filters are JSON objects joined by '\|'/],
    ['[1]', /^filter 1 \("\[1\]"\) is not a JSON object$/],
    ['{"datetime": "2013-13--P1M"}', /^filter 1 .*: invalid temporal range '2013-13--P1M'/],
    ['{"eo:cloud_cover": [1, 2]}', /^filter 1 .*: eo:cloud_cover must be a string, number or boolean$/],
  ])('refuses %s in one line', (text, message) => {
    expect(() => parseDatasetFilters(text)).toThrow(message);
  });
});
