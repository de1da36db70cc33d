/** Colours of planned tasks by their number of datasets: light (few) to dark (many). */
const TASK_RAMP = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'] as const;

export interface LegendStop {
  value: number;
  colour: string;
}

/** Evenly spaced stops from the smallest to the largest count (one stop when they are equal). */
export function taskLegend(counts: readonly number[]): LegendStop[] {
  if (counts.length === 0) return [];
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  if (min === max) return [{ value: min, colour: TASK_RAMP[2] }];
  return TASK_RAMP.map((colour, i) => ({ value: Math.round(min + ((max - min) * i) / (TASK_RAMP.length - 1)), colour }));
}

/** A maplibre expression colouring features by their `datasets` property along the legend. */
export function taskColourExpression(stops: readonly LegendStop[]): unknown {
  if (stops.length <= 1) return stops[0]?.colour ?? TASK_RAMP[2];
  const unique = stops.filter((s, i) => i === 0 || s.value > stops[i - 1]!.value);
  if (unique.length === 1) return unique[0]!.colour;
  return ['interpolate', ['linear'], ['get', 'datasets'], ...unique.flatMap((s) => [s.value, s.colour])];
}
