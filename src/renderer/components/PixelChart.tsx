/**
 * A chart of series over the observations of a pixel: each observation a mark shaped by what the
 * masking made of it, a line through the used (clear) ones, the outputs as dashed levels. Hover
 * a day for its values; click it to choose it.
 */
import { useState } from 'react';
import type { ObservationOutcome } from '../../shared/pixel-story.js';
import type { Series, SeriesPoint } from '../util/story-series.js';

const WIDTH = 420;
const MARGIN = { left: 46, right: 10, top: 8, bottom: 22 };
const DAY_MS = 86_400_000;
export const SERIES_COLOURS = ['#d62728', '#2ca02c', '#1f77b4', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

export const OUTCOME_LABELS: Record<ObservationOutcome, string> = {
  clear: 'clear (used)',
  cloud: 'cloud or shadow class',
  filtered: 'masked by the filters',
  nodata: 'no data',
  'not-contiguous': 'not contiguous',
  invalid: 'invalid value',
};

interface Props {
  label: string;
  series: Series[];
  height: number;
  chosenDay: string | null;
  onChoose(day: string): void;
  /** Shows a day's values and fate (a tooltip the parent draws). */
  onHover(day: string | null): void;
}

export function PixelChart({ label, series, height, chosenDay, onChoose, onHover }: Props) {
  const [hovered, setHovered] = useState<string | null>(null);
  const points = series.flatMap((s) => s.points);
  const days = series[0]?.points ?? [];
  if (days.length === 0) return <p className="hint">No observation of this pixel in the task’s period.</p>;
  const times = days.map((p) => p.time);
  const [t0, t1] = [Math.min(...times) - DAY_MS, Math.max(...times) + DAY_MS];
  const levels = [...points.map((p) => p.value), ...series.map((s) => s.output)].filter((v): v is number => v !== null);
  const [lo, hi] = levels.length > 0 ? paddedRange(Math.min(...levels), Math.max(...levels)) : [0, 1];
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const x = (time: number) => MARGIN.left + ((time - t0) / (t1 - t0)) * plotWidth;
  const y = (value: number) => MARGIN.top + (1 - (value - lo) / (hi - lo)) * plotHeight;
  const baseline = MARGIN.top + plotHeight;
  const hover = (day: string | null) => {
    setHovered(day);
    onHover(day);
  };
  return (
    <svg className="pixel-chart" width={WIDTH} height={height} role="img" aria-label={label} onMouseLeave={() => hover(null)}>
      <line x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={baseline} className="axis" />
      <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={baseline} y2={baseline} className="axis" />
      {[lo, (lo + hi) / 2, hi].map((v) => (
        <text key={v} x={MARGIN.left - 4} y={y(v) + 4} textAnchor="end" className="tick">
          {formatTick(v)}
        </text>
      ))}
      {[days[0]!, days[days.length - 1]!].map((p, k) => (
        <text key={p.day + k} x={x(p.time)} y={height - 6} textAnchor={k === 0 ? 'start' : 'end'} className="tick">
          {p.day}
        </text>
      ))}
      {[hovered, chosenDay].map(
        (day, k) =>
          day && (
            <line key={k} x1={x(Date.parse(`${day}T00:00:00Z`))} x2={x(Date.parse(`${day}T00:00:00Z`))} y1={MARGIN.top} y2={baseline} className={k === 0 ? 'guide' : 'guide chosen'} />
          ),
      )}
      {series.map((s, i) => {
        const colour = SERIES_COLOURS[i % SERIES_COLOURS.length]!;
        const used = s.points.filter((p) => p.value !== null && p.outcome !== undefined && p.outcome === 'clear');
        return (
          <g key={s.name} data-series={s.name}>
            {s.output !== null && (
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(s.output)} y2={y(s.output)} stroke={colour} strokeDasharray="5 3" data-output={s.output}>
                <title>{`${s.name} output: ${formatTick(s.output)}`}</title>
              </line>
            )}
            <polyline fill="none" stroke={colour} strokeWidth={1} opacity={0.6} points={used.map((p) => `${x(p.time)},${y(p.value!)}`).join(' ')} />
            {s.points.map((p) => (
              <Mark key={p.day} point={p} cx={x(p.time)} cy={p.value === null ? baseline - 3 : y(p.value)} colour={p.value === null ? '#999' : colour} />
            ))}
          </g>
        );
      })}
      {days.map((p, k) => {
        const left = k === 0 ? MARGIN.left : (x(days[k - 1]!.time) + x(p.time)) / 2;
        const right = k === days.length - 1 ? WIDTH - MARGIN.right : (x(p.time) + x(days[k + 1]!.time)) / 2;
        return (
          <rect
            key={p.day}
            data-day={p.day}
            x={left}
            y={MARGIN.top}
            width={Math.max(1, right - left)}
            height={plotHeight}
            fill="transparent"
            onMouseEnter={() => hover(p.day)}
            onClick={() => onChoose(p.day)}
          />
        );
      })}
    </svg>
  );
}

/** An observation's mark: filled where used, a cross for cloud, hollow where filtered, a square otherwise; a tick on the axis without a value. */
function Mark({ point, cx, cy, colour }: { point: SeriesPoint; cx: number; cy: number; colour: string }) {
  const common = { 'data-day': point.day, 'data-outcome': point.outcome ?? 'unknown', 'data-value': point.value ?? 'null' };
  if (point.value === null) return <line {...common} x1={cx} x2={cx} y1={cy - 3} y2={cy + 3} stroke={colour} strokeWidth={2} />;
  switch (point.outcome) {
    case 'clear':
    case undefined:
      return <circle {...common} cx={cx} cy={cy} r={3} fill={colour} />;
    case 'cloud':
      return <path {...common} d={`M${cx - 3},${cy - 3}L${cx + 3},${cy + 3}M${cx - 3},${cy + 3}L${cx + 3},${cy - 3}`} stroke={colour} strokeWidth={1.5} />;
    case 'filtered':
      return <circle {...common} cx={cx} cy={cy} r={3} fill="#fff" stroke={colour} strokeWidth={1.5} />;
    default:
      return <rect {...common} x={cx - 3} y={cy - 3} width={6} height={6} fill="#fff" stroke={colour} strokeWidth={1.5} />;
  }
}

function paddedRange(min: number, max: number): [number, number] {
  if (min === max) return [min - 1, max + 1];
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}

function formatTick(v: number): string {
  return Math.abs(v) >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(3)));
}
