/** Preview layers of finished outputs: visibility, opacity, stretch, ramp and legend. */
import type { ColourRamp } from '../../shared/api.js';
import { RAMPS, rampGradient } from '../map/ramps.js';
import { usePreviews, type PreviewLayer } from '../stores/preview-store.js';

export function LayersPanel() {
  const layers = usePreviews((s) => s.layers);
  const outputs = usePreviews((s) => s.outputs);
  const addLayer = usePreviews((s) => s.addLayer);
  return (
    <section className="panel" aria-labelledby="layers-heading">
      <h2 id="layers-heading">4 · Previews</h2>
      {layers.length === 0 ? <p className="hint">Finished tasks appear here as map layers.</p> : layers.map((l) => <LayerRow key={l.id} layer={l} />)}
      {Object.values(outputs).map((o) => (
        <div className="row" key={o.stacItem}>
          <label htmlFor={`add-${o.stacItem}`}>Add a band of {o.task}</label>
          <select
            id={`add-${o.stacItem}`}
            value=""
            onChange={(e) => {
              if (e.target.value) void addLayer(o.stacItem, o.task, [e.target.value], true);
            }}
          >
            <option value="">band…</option>
            {o.bands.map((b) => (
              <option key={b}>{b}</option>
            ))}
          </select>
        </div>
      ))}
    </section>
  );
}

function LayerRow({ layer }: { layer: PreviewLayer }) {
  const update = usePreviews((s) => s.update);
  const remove = usePreviews((s) => s.remove);
  const name = `${layer.task} ${layer.bands.length === 3 ? `RGB (${layer.bands.join(', ')})` : layer.bands[0]}`;
  const range = layer.range ?? layer.image?.range;
  return (
    <div className="layer" data-testid="preview-layer" data-layer={layer.id} data-loaded={layer.image ? 'yes' : 'no'}>
      <label className="check">
        <input type="checkbox" checked={layer.visible} onChange={(e) => update(layer.id, { visible: e.target.checked })} />
        {name}
      </label>
      {layer.loading && <span className="hint"> rendering…</span>}
      {layer.error && <p className="field-error">{layer.error}</p>}
      <div className="row">
        <label htmlFor={`opacity-${layer.id}`}>Opacity</label>
        <input
          id={`opacity-${layer.id}`}
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={layer.opacity}
          onChange={(e) => update(layer.id, { opacity: Number(e.target.value) })}
        />
        <button type="button" aria-label={`Remove layer ${name}`} onClick={() => remove(layer.id)}>
          ✕
        </button>
      </div>
      {range && (
        <div className="row">
          <label>
            Stretch{' '}
            <input
              className="num"
              type="number"
              aria-label={`${name} minimum`}
              defaultValue={round(range.min)}
              key={`min-${round(range.min)}`}
              onBlur={(e) => update(layer.id, { range: { min: Number(e.target.value), max: range.max } })}
            />
            –
            <input
              className="num"
              type="number"
              aria-label={`${name} maximum`}
              defaultValue={round(range.max)}
              key={`max-${round(range.max)}`}
              onBlur={(e) => update(layer.id, { range: { min: range.min, max: Number(e.target.value) } })}
            />
          </label>
          {layer.bands.length === 1 && (
            <select aria-label={`${name} colour ramp`} value={layer.ramp} onChange={(e) => update(layer.id, { ramp: e.target.value as ColourRamp })}>
              {RAMPS.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          )}
        </div>
      )}
      {range && layer.bands.length === 1 && (
        <div className="ramp-legend" aria-label={`Legend of ${name}`}>
          <div className="ramp" style={{ background: rampGradient(layer.ramp) }} />
          <div className="ramp-labels">
            <span>{round(range.min)}</span>
            <span>{round(range.max)}</span>
          </div>
        </div>
      )}
    </div>
  );
}

function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1000) / 1000;
}
