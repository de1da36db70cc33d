import { describe, expect, it } from 'vitest';
import { rgbClamp } from './plugin-config.js';

describe('rgbClamp', () => {
  it('is the config\u2019s rgb_clamp, or odc-stats\u2019 default (1, 3000) where it is left out or empty', () => {
    expect(rgbClamp({ rgb_clamp: [0, 2000] })).toEqual([0, 2000]);
    expect(rgbClamp({})).toEqual([1, 3000]);
    expect(rgbClamp({ rgb_clamp: null })).toEqual([1, 3000]);
  });
});
