/** The series a pixel's story draws: a band's values, or an index of the bands, at each observation, and the outputs' level. */
import { parseExpression } from '../../shared/expressions/expression.js';
import type { ObservationOutcome, PixelStory } from '../../shared/pixel-story.js';

export interface SeriesPoint {
  day: string;
  /** The day as milliseconds since 1970, for the time axis. */
  time: number;
  /** Null where the observation has no value. */
  value: number | null;
  /** Unknown (undefined) where the plugin does not say how it masks. */
  outcome: ObservationOutcome | undefined;
}

export interface Series {
  name: string;
  points: SeriesPoint[];
  /** The plugin's output of the same name (or the index of its outputs) at the pixel; null where none. */
  output: number | null;
}

function pointsOf(story: PixelStory, valueAt: (values: Record<string, number | null>) => number | null): SeriesPoint[] {
  return story.observations.map((o) => ({ day: o.day, time: Date.parse(`${o.day}T00:00:00Z`), value: valueAt(o.values), outcome: o.verdict?.outcome }));
}

/** Each band's values as read. */
export function bandSeries(story: PixelStory, bands: readonly string[]): Series[] {
  return bands.map((band) => ({ name: band, points: pointsOf(story, (values) => values[band] ?? null), output: story.outputs[band] ?? null }));
}

/**
 * The index of `text` at each observation, of the bands' reflectance where the plugin scales
 * them (value × scale + offset), else of their values; with the index of the outputs of the same
 * names, where the plugin writes them all. An error: one line naming what is wrong.
 */
export function indexSeries(story: PixelStory, text: string): Series | { error: string } {
  const read = Object.keys(story.observations[0]?.values ?? {});
  let expression;
  try {
    expression = parseExpression(text, { name: 'index', knownBands: read });
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  const scale = story.scaling?.scale ?? 1;
  const offset = story.scaling?.offset ?? 0;
  const evaluate = (values: Record<string, number | null>): number | null => {
    const bands: Record<string, Float64Array> = {};
    for (const band of expression.bands) {
      const value = values[band];
      bands[band] = Float64Array.of(value === null || value === undefined ? Number.NaN : value * scale + offset);
    }
    const result = expression.evaluate(bands, 1)[0]!;
    return Number.isNaN(result) ? null : result;
  };
  const outputsHaveAll = expression.bands.every((band) => band in story.outputs);
  return { name: text.trim(), points: pointsOf(story, evaluate), output: outputsHaveAll ? evaluate(story.outputs) : null };
}
