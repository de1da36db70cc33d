import { describe, expect, it } from 'vitest';
import type { PreviewImage } from '../../shared/api.js';
import { cropAtMeridian } from './swipe-crop.js';

/** 100 pixels from 10°E to 20°E: a column is 0.1°. */
const BOX: PreviewImage['coordinates'] = [
  [10, 5],
  [20, 5],
  [20, -5],
  [10, -5],
];

describe('cropAtMeridian', () => {
  it('keeps the columns west of the meridian on the left and the rest on the right', () => {
    expect(cropAtMeridian(BOX, 100, 13, 'left')).toEqual({ from: 0, to: 30, coordinates: [[10, 5], [13, 5], [13, -5], [10, -5]] });
    expect(cropAtMeridian(BOX, 100, 13, 'right')).toEqual({ from: 30, to: 100, coordinates: [[13, 5], [20, 5], [20, -5], [13, -5]] });
  });

  it('cuts at the nearest column edge', () => {
    // 13.04° is 30.4 columns in: the cut is at column 30; 13.06° at column 31 (13.1°).
    expect(cropAtMeridian(BOX, 100, 13.04, 'left')?.to).toBe(30);
    const right = cropAtMeridian(BOX, 100, 13.06, 'right')!;
    expect(right.from).toBe(31);
    expect(right.coordinates[0][0]).toBeCloseTo(13.1, 12);
  });

  it('keeps all of an image on the divider’s side and none of one on the other', () => {
    expect(cropAtMeridian(BOX, 100, 25, 'left')?.to).toBe(100);
    expect(cropAtMeridian(BOX, 100, 25, 'right')).toBeNull();
    expect(cropAtMeridian(BOX, 100, 5, 'left')).toBeNull();
    expect(cropAtMeridian(BOX, 100, 5, 'right')).toMatchObject({ from: 0, to: 100 });
  });
});
