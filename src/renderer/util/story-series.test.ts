import { describe, expect, it } from 'vitest';
import type { PixelStory } from '../../shared/pixel-story.js';
import { bandSeries, indexSeries } from './story-series.js';

const story: PixelStory = {
  task: '2021--P1Y/218/74',
  plugin: 'gm-s2',
  col: 1,
  row: 2,
  lon: 37,
  lat: -1.5,
  observations: [
    { day: '2021-01-03', datasets: ['a'], values: { B04: 1001, B08: 3001, SCL: 4 }, verdict: { outcome: 'clear', detail: 'SCL 4' } },
    { day: '2021-01-23', datasets: ['b'], values: { B04: null, B08: 2001, SCL: 9 }, verdict: { outcome: 'cloud', detail: 'SCL 9' } },
  ],
  outputs: { B04: 2001, B08: 6001, COUNT: 1 },
  scaling: { scale: 0.0001, offset: -0.0001 },
};

describe('story series', () => {
  it("draws a band's values as read, with the output of the same name", () => {
    const [red] = bandSeries(story, ['B04']);
    expect(red!.points.map((p) => [p.day, p.value, p.outcome])).toEqual([
      ['2021-01-03', 1001, 'clear'],
      ['2021-01-23', null, 'cloud'],
    ]);
    expect(red!.points[0]!.time).toBe(Date.UTC(2021, 0, 3));
    expect(red!.output).toBe(2001);
    expect(bandSeries(story, ['SCL'])[0]!.output).toBeNull();
  });

  it('evaluates an index on reflectance, (DN − 1) / 10 000 here, and of the outputs', () => {
    const ndvi = indexSeries(story, '(B08 - B04) / (B08 + B04)');
    if ('error' in ndvi) throw new Error(ndvi.error);
    // (0.3 − 0.1) / (0.3 + 0.1) = 0.5; red missing on the second day; outputs (0.6 − 0.2) / 0.8 = 0.5.
    expect(ndvi.points[0]!.value).toBeCloseTo(0.5, 6);
    expect(ndvi.points[1]!.value).toBeNull();
    expect(ndvi.output).toBeCloseTo(0.5, 6);
    // SCL has no output: an index reading it has no output level.
    const withScl = indexSeries(story, 'B08 * 0 + SCL');
    expect('error' in withScl ? withScl.error : withScl.output).toBeNull();
  });

  it('names a band the plugin does not read', () => {
    const wrong = indexSeries(story, 'B05 - B04');
    expect('error' in wrong && wrong.error).toMatch(/B05/);
  });
});
