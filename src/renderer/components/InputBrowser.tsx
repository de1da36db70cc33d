/**
 * The input browser: a slider over the task's observations; the chosen day is drawn on the map
 * in true colour, with the mask band's classes and what the config's filters make of them as
 * layers of their own, so that cloud filter settings can be judged by eye.
 */
import type { PixelStory } from '../../shared/pixel-story.js';
import { useStory } from '../stores/story-store.js';

const IMAGES = [
  { key: 'rgb', label: 'True colour' },
  { key: 'classes', label: 'Mask classes (cloud red, shadow purple, cirrus cyan, missing grey)' },
  { key: 'masked', label: 'Not used after the filters (yellow)' },
] as const;

export function InputBrowser({ story }: { story: PixelStory }) {
  const { day, view, viewLoading, viewError, shown, chooseDay, showLatestClear, show } = useStory();
  const latest = view?.latest;
  const days = story.observations.map((o) => o.day);
  const at = day ? days.indexOf(day) : -1;
  const verdict = story.observations[at]?.verdict;
  return (
    <fieldset className="input-browser" data-testid="input-browser">
      <legend>Inputs on the map</legend>
      <input
        type="range"
        aria-label="Observation day"
        min={0}
        max={days.length - 1}
        value={Math.max(0, at)}
        onChange={(e) => void chooseDay(days[Number(e.target.value)] ?? null)}
      />
      <div className="row">
        <span data-testid="input-day">{day ?? (latest ? 'Latest clear view' : 'No day chosen: move the slider or click a day.')}</span>
        <button type="button" onClick={() => void showLatestClear()} disabled={!!latest}>
          Latest clear view
        </button>
        {(day || latest) && (
          <button type="button" onClick={() => void chooseDay(null)}>
            Hide
          </button>
        )}
      </div>
      {latest && (
        <p className="hint" data-testid="latest-clear" data-clear={latest.clearShare.toFixed(4)}>
          Each pixel&apos;s latest observation the plugin would use: {percent(latest.clearShare)} of the tile has one ({latest.daysRead} days read, latest first).
        </p>
      )}
      {day && verdict && <div className="hint">At the inspected pixel: {verdict.outcome}</div>}
      {IMAGES.map(({ key, label }) => (
        <label key={key}>
          <input type="checkbox" checked={shown[key]} onChange={(e) => show(key, e.target.checked)} /> {label}
        </label>
      ))}
      {viewLoading && <p className="hint">Drawing {day ?? 'the latest clear view'}…</p>}
      {viewError && <p className="field-error">{viewError}</p>}
      {view?.shares && (
        <p className="hint" data-testid="input-shares" data-masked={view.shares.masked.toFixed(4)} data-cloud={view.shares.cloudClasses.toFixed(4)}>
          Of the tile: {percent(view.shares.nodata)} missing, {percent(view.shares.cloudClasses)} cloud classes, {percent(view.shares.masked)} not used after the filters.
        </p>
      )}
    </fieldset>
  );
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
