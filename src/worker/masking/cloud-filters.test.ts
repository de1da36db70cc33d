import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import { cloudMask, cloudMaskReach, parseCloudFilters } from './cloud-filters.js';
import { fmaskClasses, sclClasses } from './flags.js';

/** A picture of a mask band: one row per line, one digit per pixel. */
function band(rows: string[]): { values: Uint8Array; width: number; height: number } {
  const width = rows[0]!.length;
  return { values: Uint8Array.from(rows.join('').split('').map(Number)), width, height: rows.length };
}

/** A 0/1 mask as the same kind of picture, '#' for 1 and '.' for 0. */
function picture(mask: Uint8Array, width: number): string[] {
  const rows: string[] = [];
  for (let y = 0; y < mask.length / width; y++) rows.push([...mask.subarray(y * width, (y + 1) * width)].map((v) => (v ? '#' : '.')).join(''));
  return rows;
}

// fmask: 1 valid, 2 cloud, 3 shadow. A lone cloud pixel, a 3 × 3 cloud block and a lone shadow.
const FMASK = band([
  '1111113',
  '1211111',
  '1111111',
  '1112221',
  '1112221',
  '1112221',
  '1111111',
]);

describe('parseCloudFilters and cloudMask', () => {
  it('cleans each class of the mapping form with its own steps, then ORs them', () => {
    const parts = parseCloudFilters(
      { cloud: [['opening', 1], ['dilation', 1]], shadow: [['dilation', 1]] },
      'cloud_filters',
      fmaskClasses,
      ['cloud', 'shadow'],
    );
    expect(parts).toEqual([
      { classes: [2], filters: [['opening', 1], ['dilation', 1]] },
      { classes: [3], filters: [['dilation', 1]] },
    ]);
    // Cloud: the opening (r = 1, the 5-pixel plus) drops the lone pixel and the block's corners,
    // leaving a plus around (4, 4); the dilation widens it to the diamond |dx| + |dy| ≤ 2.
    // Shadow: not opened, so the lone pixel stays and is dilated into a plus clipped by the corner.
    expect(picture(cloudMask(FMASK.values, FMASK.width, FMASK.height, parts), FMASK.width)).toEqual([
      '.....##',
      '......#',
      '....#..',
      '...###.',
      '..#####',
      '...###.',
      '....#..',
    ]);
  });

  it('cleans the union of the cloud classes with the steps of the list form', () => {
    const parts = parseCloudFilters([['opening', 1], ['dilation', 1]], 'cloud_filters', fmaskClasses, ['cloud', 'shadow']);
    expect(parts).toEqual([{ classes: [2, 3], filters: [['opening', 1], ['dilation', 1]] }]);
    // The lone shadow is opened away with the lone cloud pixel.
    expect(picture(cloudMask(FMASK.values, FMASK.width, FMASK.height, parts), FMASK.width)).toEqual([
      '.......',
      '.......',
      '....#..',
      '...###.',
      '..#####',
      '...###.',
      '....#..',
    ]);
  });

  it('keeps a class with no steps as it is', () => {
    const parts = parseCloudFilters({ shadow: [] }, 'cloud_filters', fmaskClasses, []);
    expect(picture(cloudMask(FMASK.values, FMASK.width, FMASK.height, parts), FMASK.width)[0]).toBe('......#');
    expect(cloudMask(FMASK.values, FMASK.width, FMASK.height, parts).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('reads a numeric key as a code of the data, listed in the scheme or not', () => {
    expect(parseCloudFilters({ 255: [['dilation', 1]], 'thin cirrus': [] }, 'f', sclClasses, [])).toEqual([
      { classes: [255], filters: [['dilation', 1]] },
      { classes: [10], filters: [] },
    ]);
    const nines = band(['000', '090', '000']);
    const parts = parseCloudFilters({ 9: [['dilation', 1]] }, 'f', sclClasses, []);
    expect(picture(cloudMask(nines.values, 3, 3, parts), 3)).toEqual(['.#.', '###', '.#.']);
  });

  it('names the key, the class and the step at fault', () => {
    expect(() => parseCloudFilters({ clouds: [] }, 'plugin_config.cloud_filters', fmaskClasses, [])).toThrow(/unknown fmask class "clouds"/);
    expect(() => parseCloudFilters({ cloud: [['opening', -1]] }, 'plugin_config.cloud_filters', fmaskClasses, [])).toThrow(
      /^plugin_config\.cloud_filters\.cloud\[0\]: the radius of opening/,
    );
    expect(() => parseCloudFilters('opening', 'plugin_config.cloud_filters', fmaskClasses, [])).toThrow(UserError);
    expect(() => parseCloudFilters(null, 'plugin_config.cloud_filters', fmaskClasses, [])).toThrow(/^plugin_config\.cloud_filters: expected a list/);
  });
});

describe('cloudMaskReach', () => {
  it('is the largest reach of any part, 0 for none', () => {
    expect(cloudMaskReach([])).toBe(0);
    expect(
      cloudMaskReach([
        { classes: [2], filters: [['opening', 3], ['dilation', 6]] },
        { classes: [3], filters: [['dilation', 6]] },
      ]),
    ).toBe(12);
  });
});
