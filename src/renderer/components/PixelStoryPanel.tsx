/**
 * The pixel's story in the inspector: the chart of its observations (bands, and an index of
 * them), what the masking made of each, and the outputs computed from them; a chosen day is
 * shown on the map.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { PixelObservation, PixelStory } from '../../shared/pixel-story.js';
import { defaultBands, useStory } from '../stores/story-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { bandSeries, indexSeries } from '../util/story-series.js';
import { FieldError } from './FieldError.js';
import { InputBrowser } from './InputBrowser.js';
import { formatValue } from './Inspector.js';
import { OUTCOME_LABELS, PixelChart, SERIES_COLOURS } from './PixelChart.js';

/** How long the YAML must rest before the story is told again with it. */
const RETELL_AFTER_MS = 700;

export function PixelStoryPanel() {
  const { story, loading, error, point } = useStory();
  const configYaml = useWorkspace((s) => s.configYaml);
  const toldWith = useRef(configYaml);
  // The story follows the config as it is edited (cloud_filters, say), without a run.
  useEffect(() => {
    if (toldWith.current === configYaml || !useStory.getState().point) return;
    toldWith.current = configYaml;
    const timer = setTimeout(() => void useStory.getState().retell(), RETELL_AFTER_MS);
    return () => clearTimeout(timer);
  }, [configYaml]);
  if (!point) return null;
  return (
    <section className="pixel-story" aria-label="Pixel story" data-testid="pixel-story" aria-busy={loading}>
      <h3>Observations of this pixel</h3>
      {loading && <p className="hint">Reading every observation of the pixel…</p>}
      {error && <p className="field-error">{error}</p>}
      {story && <StoryView story={story} />}
    </section>
  );
}

function StoryView({ story }: { story: PixelStory }) {
  const { bands: chosen, index, day, setBands, setIndex, pinned, pin } = useStory();
  const chooseDay = (d: string) => void useStory.getState().chooseDay(d);
  const [hovered, setHovered] = useState<string | null>(null);
  const read = Object.keys(story.observations[0]?.values ?? {});
  const bands = (chosen ?? defaultBands(story)).filter((b) => read.includes(b));
  const series = useMemo(() => bandSeries(story, bands), [story, bands]);
  const pinnedSeries = useMemo(() => (pinned ? bandSeries(pinned, bands) : null), [pinned, bands]);
  const indexed = useMemo(() => (index.trim() ? indexSeries(story, index) : null), [story, index]);
  const used = usedCount(story);
  const shown = story.observations.find((o) => o.day === (hovered ?? day));
  const toggle = (band: string) => setBands(bands.includes(band) ? bands.filter((b) => b !== band) : [...bands, band]);
  return (
    <>
      <p className="hint" data-testid="story-summary">
        {story.plugin}, task {story.task}, pixel {story.col},{story.row}: {story.observations.length} observations, {used} used
      </p>
      <fieldset className="story-bands">
        <legend>Bands</legend>
        {read.map((band) => (
          <label key={band}>
            <input type="checkbox" checked={bands.includes(band)} onChange={() => toggle(band)} />
            <span style={{ color: bands.includes(band) ? SERIES_COLOURS[bands.indexOf(band) % SERIES_COLOURS.length] : undefined }}>{band}</span>
          </label>
        ))}
      </fieldset>
      <PixelChart label={`Values of ${bands.join(', ') || 'no band'} at each observation`} series={series} height={190} chosenDay={day} onChoose={chooseDay} onHover={setHovered} />
      <div className="row">
        <button type="button" onClick={() => pin(pinned ? null : story)}>
          {pinned ? 'Forget the pinned story' : 'Pin to compare'}
        </button>
        {!pinned && <span className="hint">Pin, then edit the YAML: both stories side by side.</span>}
      </div>
      {pinnedSeries && (
        <PixelChart label="Pinned story: values at each observation" series={pinnedSeries} height={150} chosenDay={day} onChoose={chooseDay} onHover={setHovered} />
      )}
      {pinned && <p className="hint" data-testid="pinned-summary">Pinned: {usedCount(pinned)} used; now: {used} used.</p>}
      <label className="story-index">
        Index{' '}
        <input
          aria-label="Index expression"
          placeholder="(B08 - B04) / (B08 + B04)"
          value={index}
          onChange={(e) => setIndex(e.target.value)}
          aria-invalid={indexed !== null && 'error' in indexed}
          aria-describedby="story-index-error"
        />
      </label>
      {indexed && 'error' in indexed && <FieldError id="story-index-error" message={indexed.error} />}
      {indexed && !('error' in indexed) && (
        <PixelChart label={`Index ${indexed.name} at each observation`} series={[indexed]} height={120} chosenDay={day} onChoose={chooseDay} onHover={setHovered} />
      )}
      <Legend />
      {shown ? <ObservationDetail observation={shown} /> : <p className="hint">Hover a day for its values; click it to see it on the map.</p>}
      <OutputsLine story={story} />
      <InputBrowser story={story} />
      <details className="story-table">
        <summary>Every observation ({story.observations.length})</summary>
        <ObservationTable story={story} pinned={pinned} onChoose={chooseDay} chosenDay={day} />
      </details>
    </>
  );
}

function Legend() {
  return (
    <ul className="story-legend" aria-label="Marks">
      <li>● {OUTCOME_LABELS.clear}</li>
      <li>✕ {OUTCOME_LABELS.cloud}</li>
      <li>○ {OUTCOME_LABELS.filtered}</li>
      <li>□ not contiguous or invalid</li>
      <li>| {OUTCOME_LABELS.nodata}</li>
      <li>- - output</li>
    </ul>
  );
}

function ObservationDetail({ observation }: { observation: PixelObservation }) {
  const { verdict } = observation;
  return (
    <div className="story-detail" data-testid="story-detail" data-day={observation.day}>
      <strong>{observation.day}</strong> {verdict ? OUTCOME_LABELS[verdict.outcome] : 'masking not explained by this plugin'}
      {verdict && <div className="hint">{verdict.detail}</div>}
      <div>
        {Object.entries(observation.values)
          .map(([band, value]) => `${band} ${formatValue(value)}`)
          .join(' · ')}
      </div>
    </div>
  );
}

function OutputsLine({ story }: { story: PixelStory }) {
  return (
    <p className="story-outputs" data-testid="story-outputs">
      Outputs here:{' '}
      {Object.entries(story.outputs)
        .map(([band, value]) => `${band} ${formatValue(value)}`)
        .join(' · ')}
    </p>
  );
}

function usedCount(story: PixelStory): number {
  return story.observations.filter((o) => o.verdict?.outcome === 'clear').length;
}

function ObservationTable({ story, pinned, chosenDay, onChoose }: { story: PixelStory; pinned: PixelStory | null; chosenDay: string | null; onChoose(day: string): void }) {
  const bands = Object.keys(story.observations[0]?.values ?? {});
  const pinnedFate = new Map(pinned?.observations.map((o) => [o.day, o.verdict?.outcome ?? '?']));
  return (
    <table className="values">
      <thead>
        <tr>
          <th>day</th>
          <th>fate</th>
          {pinned && <th>pinned</th>}
          {bands.map((b) => (
            <th key={b}>{b}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {story.observations.map((o) => (
          <tr key={o.day} data-day={o.day} data-outcome={o.verdict?.outcome ?? 'unknown'} className={o.day === chosenDay ? 'chosen' : undefined}>
            <td>
              <button type="button" className="link" onClick={() => onChoose(o.day)} title="Show this day on the map">
                {o.day}
              </button>
            </td>
            <td title={o.verdict?.detail}>{o.verdict?.outcome ?? '?'}</td>
            {pinned && <td data-pinned-outcome={pinnedFate.get(o.day) ?? ''}>{pinnedFate.get(o.day) ?? ''}</td>}
            {bands.map((b) => (
              <td key={b} data-band={b}>
                {formatValue(o.values[b] ?? null)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
