import { describe, expect, it } from 'vitest';
import { UserError } from './errors.js';
import {
  bandFileName,
  bandPath,
  previewFileName,
  previewPath,
  quicklookPath,
  sha1FileName,
  sha1Path,
  stacItemFileName,
  stacItemPath,
  taskFilePrefix,
  taskFolder,
  taskLocation,
  taskOutputPrefix,
  type ProductNaming,
} from './output-layout.js';

const GM: ProductNaming = { shortName: 'gm_s2_annual', regionCodeFormat: 'x{x:02d}y{y:02d}' };
const AFRICA: ProductNaming = { shortName: 'pc_s2_annual', regionCodeFormat: 'x{x:03d}y{y:03d}', maturity: 'final' };
const TASK = { period: '2021--P1Y', x: 3, y: 4 };
const BUCKET = 's3://stats-bucket/gm_s2_annual/1-0-0';

describe('taskLocation', () => {
  it('cuts the region code in half and adds the period', () => {
    expect(taskLocation(GM, TASK)).toBe('x03/y04/2021--P1Y');
    expect(taskLocation(AFRICA, { period: '2020-01--P3M', x: 217, y: 75 })).toBe('x217/y075/2020-01--P3M');
    expect(taskLocation(GM, { period: '2021--P1Y', x: -3, y: 12 })).toBe('x-3/y12/2021--P1Y');
  });

  it('cuts codes of odd length where odc-stats does, at half the length rounded down', () => {
    expect(taskLocation(GM, { period: '2021--P1Y', x: 123, y: 4 })).toBe('x12/3y04/2021--P1Y');
    expect(taskLocation({ ...GM, regionCodeFormat: '{x}_{y}' }, { period: '2021--P1Y', x: 5, y: 6 })).toBe('5/_6/2021--P1Y');
  });
});

describe('file names', () => {
  it('start with the short name, region code and period', () => {
    expect(taskFilePrefix(GM, TASK)).toBe('gm_s2_annual_x03y04_2021--P1Y');
    expect(bandFileName(GM, TASK, 'nbart_red')).toBe('gm_s2_annual_x03y04_2021--P1Y_nbart_red.tif');
    expect(stacItemFileName(GM, TASK)).toBe('gm_s2_annual_x03y04_2021--P1Y.stac-item.json');
    expect(sha1FileName(GM, TASK)).toBe('gm_s2_annual_x03y04_2021--P1Y.sha1');
    expect(previewFileName(GM, TASK)).toBe('gm_s2_annual_x03y04_2021--P1Y_thumbnail.jpg');
    expect(previewFileName(GM, TASK, 'png')).toBe('gm_s2_annual_x03y04_2021--P1Y_thumbnail.png');
  });

  it('carry the maturity when the product has one', () => {
    const task = { period: '2021--P1Y', x: 217, y: -5 };
    expect(taskFilePrefix(AFRICA, task)).toBe('pc_s2_annual_x217y-05_2021--P1Y_final');
    expect(bandFileName(AFRICA, task, 'clear')).toBe('pc_s2_annual_x217y-05_2021--P1Y_final_clear.tif');
  });
});

describe('output paths', () => {
  it('put every file of a task in its folder under the location', () => {
    expect(taskFolder(BUCKET, GM, TASK)).toBe('s3://stats-bucket/gm_s2_annual/1-0-0/x03/y04/2021--P1Y');
    expect(taskOutputPrefix(BUCKET, GM, TASK)).toBe(
      's3://stats-bucket/gm_s2_annual/1-0-0/x03/y04/2021--P1Y/gm_s2_annual_x03y04_2021--P1Y',
    );
    expect(bandPath(BUCKET, GM, TASK, 'count')).toBe(
      's3://stats-bucket/gm_s2_annual/1-0-0/x03/y04/2021--P1Y/gm_s2_annual_x03y04_2021--P1Y_count.tif',
    );
    expect(stacItemPath(BUCKET, GM, TASK)).toBe(
      's3://stats-bucket/gm_s2_annual/1-0-0/x03/y04/2021--P1Y/gm_s2_annual_x03y04_2021--P1Y.stac-item.json',
    );
    expect(sha1Path(BUCKET, GM, TASK)).toBe(
      's3://stats-bucket/gm_s2_annual/1-0-0/x03/y04/2021--P1Y/gm_s2_annual_x03y04_2021--P1Y.sha1',
    );
    expect(quicklookPath(BUCKET, GM, TASK)).toBe(
      's3://stats-bucket/gm_s2_annual/1-0-0/x03/y04/2021--P1Y/gm_s2_annual_x03y04_2021--P1Y_rgba.tif',
    );
    expect(previewPath(BUCKET, GM, TASK, 'png')).toBe(
      's3://stats-bucket/gm_s2_annual/1-0-0/x03/y04/2021--P1Y/gm_s2_annual_x03y04_2021--P1Y_thumbnail.png',
    );
  });

  it('join file URIs and plain paths with single slashes and keep plain paths plain', () => {
    expect(stacItemPath('file:///data/out/', GM, TASK)).toBe(
      'file:///data/out/x03/y04/2021--P1Y/gm_s2_annual_x03y04_2021--P1Y.stac-item.json',
    );
    expect(bandPath('/data/out//', GM, TASK, 'count')).toBe('/data/out/x03/y04/2021--P1Y/gm_s2_annual_x03y04_2021--P1Y_count.tif');
    expect(taskFolder('out', GM, TASK)).toBe('out/x03/y04/2021--P1Y');
    expect(taskFolder('s3://bucket', GM, TASK)).toBe('s3://bucket/x03/y04/2021--P1Y');
  });

  it('refuses an empty location', () => {
    expect(() => taskFolder('', GM, TASK)).toThrow(UserError);
  });
});
