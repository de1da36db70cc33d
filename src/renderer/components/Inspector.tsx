/**
 * The pixel inspector: every band's value of every output under the last inspected point, and
 * the pixel's story (its observations and their fate).
 */
import { usePreviews } from '../stores/preview-store.js';
import { useStory } from '../stores/story-store.js';
import { PixelStoryPanel } from './PixelStoryPanel.js';

export function Inspector() {
  const inspection = usePreviews((s) => s.inspection);
  const clearInspection = usePreviews((s) => s.clearInspection);
  const clearStory = useStory((s) => s.clear);
  if (!inspection) return null;
  const clear = () => {
    clearInspection();
    clearStory();
  };
  return (
    <div className="inspector" data-testid="inspector" role="region" aria-label="Pixel values">
      <div className="row">
        <strong>
          {inspection.lat.toFixed(5)}, {inspection.lon.toFixed(5)}
        </strong>
        <button type="button" aria-label="Close the inspector" onClick={clear}>
          ✕
        </button>
      </div>
      {inspection.error && <p className="field-error">{inspection.error}</p>}
      {!inspection.error && inspection.results.length === 0 && <p className="hint">No output covers this point.</p>}
      {inspection.results.map((r) => (
        <table key={r.stacItem} className="values">
          <caption>{r.task}</caption>
          <tbody>
            {Object.entries(r.values).map(([band, value]) => (
              <tr key={band} data-band={band}>
                <th>{band}</th>
                <td>{formatValue(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      <PixelStoryPanel />
    </div>
  );
}

/** Integers as they are; floats to six significant digits. */
export function formatValue(value: number | null): string {
  if (value === null) return 'nodata';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}
