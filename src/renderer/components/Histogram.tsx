/**
 * The histogram of a single-band preview layer's values (nodata left out), with its stretch
 * marked on it, and the stretches to choose from: the 2nd–98th percentiles, the whole range
 * from the lowest to the highest value, or a custom minimum and maximum.
 */
import { useEffect } from 'react';
import type { BandHistogram } from '../../shared/api.js';
import { histogramKey, usePreviews, type PreviewLayer } from '../stores/preview-store.js';
import { roundStretch, StretchFields } from './StretchFields.js';

const WIDTH = 240;
const HEIGHT = 64;

type Stretch = 'percentiles' | 'min-max' | 'custom';

/** Which stretch a range is: the percentiles (also when none is set: the preview's default), the whole range, or neither. */
function stretchOf(range: PreviewLayer['range'], histogram: BandHistogram): Stretch {
  if (!range || (range.min === histogram.p2 && range.max === histogram.p98)) return 'percentiles';
  if (range.min === histogram.min && range.max === histogram.max) return 'min-max';
  return 'custom';
}

export function Histogram({ layer, name }: { layer: PreviewLayer; name: string }) {
  const band = layer.bands[0]!;
  const entry = usePreviews((s) => s.histograms[histogramKey(layer.stacItem, band)]);
  const update = usePreviews((s) => s.update);
  useEffect(() => {
    void usePreviews.getState().loadHistogram(layer.stacItem, band);
  }, [layer.stacItem, band]);

  if (entry === undefined || entry === 'loading') return <p className="hint">Reading the values of {name}…</p>;
  if ('error' in entry) return <p className="field-error">{entry.error}</p>;
  const histogram = entry;
  const range = layer.range ?? layer.image?.range ?? { min: histogram.p2, max: histogram.p98 };
  const stretch = stretchOf(layer.range, histogram);
  return (
    <div className="histogram" data-testid="histogram" data-layer={`${layer.task}:${band}`}>
      <HistogramBars histogram={histogram} range={range} name={name} />
      <div className="ramp-labels">
        <span>{roundStretch(histogram.min)}</span>
        <span>{roundStretch(histogram.max)}</span>
      </div>
      <div className="row" role="group" aria-label={`Stretch of ${name}`}>
        <button type="button" aria-pressed={stretch === 'percentiles'} onClick={() => update(layer.id, { range: { min: histogram.p2, max: histogram.p98 } })}>
          2–98 %
        </button>
        <button type="button" aria-pressed={stretch === 'min-max'} onClick={() => update(layer.id, { range: { min: histogram.min, max: histogram.max } })}>
          Min–max
        </button>
        <span className="hint">or custom:</span>
      </div>
      <p className="hint" data-testid="stretch-range">
        {roundStretch(range.min)} – {roundStretch(range.max)}
      </p>
      <StretchFields key={`${range.min}:${range.max}`} name={name} range={range} onApply={(custom) => update(layer.id, { range: custom })} />
    </div>
  );
}

function HistogramBars({ histogram, range, name }: { histogram: BandHistogram; range: { min: number; max: number }; name: string }) {
  const highest = Math.max(...histogram.counts);
  const barWidth = WIDTH / histogram.counts.length;
  const span = histogram.to - histogram.from;
  // Where a value falls across the bars (clamped to them: a stretch may reach past the values).
  const xOf = (value: number) => (span === 0 ? 0 : Math.min(WIDTH, Math.max(0, ((value - histogram.from) / span) * WIDTH)));
  return (
    <svg className="histogram-bars" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Histogram of ${name}, ${roundStretch(histogram.min)} to ${roundStretch(histogram.max)}`}>
      {histogram.counts.map((count, i) => {
        const height = highest === 0 ? 0 : (count / highest) * HEIGHT;
        return <rect key={i} x={i * barWidth} y={HEIGHT - height} width={barWidth} height={height} />;
      })}
      <line className="stretch-mark" x1={xOf(range.min)} x2={xOf(range.min)} y1={0} y2={HEIGHT} />
      <line className="stretch-mark" x1={xOf(range.max)} x2={xOf(range.max)} y1={0} y2={HEIGHT} />
    </svg>
  );
}
