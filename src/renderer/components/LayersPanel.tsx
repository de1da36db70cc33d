/**
 * Preview layers of finished outputs, in one group per product and variant: their order (the
 * top of the list is drawn on top), visibility, opacity, stretch, ramp and legend; the swipe
 * between two of them; and the histogram of a single-band layer.
 */
import { useState } from 'react';
import type { ColourRamp } from '../../shared/api.js';
import { RAMPS, rampGradient } from '../map/ramps.js';
import { layerName, previewGroups, usePreviews, type PreviewGroup, type PreviewLayer } from '../stores/preview-store.js';
import { Histogram } from './Histogram.js';
import { roundStretch, StretchFields } from './StretchFields.js';
import { SwipeChooser } from './SwipeControl.js';

export function LayersPanel() {
  const layers = usePreviews((s) => s.layers);
  const outputs = usePreviews((s) => s.outputs);
  const groups = previewGroups(layers, outputs);
  return (
    <section className="panel" aria-labelledby="layers-heading">
      <h2 id="layers-heading">4 · Previews</h2>
      {groups.length === 0 ? (
        <p className="hint">Finished tasks appear here as map layers, one group per product and variant.</p>
      ) : (
        <ol className="layer-groups" aria-label="Layer groups, top drawn on top">
          {groups.map((g, i) => (
            <LayerGroupItem key={g.id} group={g} first={i === 0} last={i === groups.length - 1} />
          ))}
        </ol>
      )}
      <SwipeChooser />
      <HistogramOfLayer groups={groups} />
    </section>
  );
}

/** Focuses the control of `id` once the list has been drawn again in its new order (a move takes the focus with it). */
function refocus(id: string, fallbackId: string): void {
  requestAnimationFrame(() => {
    const button = document.getElementById(id) as HTMLButtonElement | null;
    (button && !button.disabled ? button : document.getElementById(fallbackId))?.focus();
  });
}

function MoveButtons({ id, name, first, last, move }: { id: string; name: string; first: boolean; last: boolean; move: (by: -1 | 1) => void }) {
  const [up, down] = [`${id}-up`, `${id}-down`];
  return (
    <>
      <button
        type="button"
        id={up}
        aria-label={`Move ${name} up`}
        disabled={first}
        onClick={() => {
          move(-1);
          refocus(up, down);
        }}
      >
        ↑
      </button>
      <button
        type="button"
        id={down}
        aria-label={`Move ${name} down`}
        disabled={last}
        onClick={() => {
          move(1);
          refocus(down, up);
        }}
      >
        ↓
      </button>
    </>
  );
}

function LayerGroupItem({ group, first, last }: { group: PreviewGroup; first: boolean; last: boolean }) {
  const hidden = usePreviews((s) => s.hiddenGroups.includes(group.id));
  const outputs = usePreviews((s) => s.outputs);
  const setGroupVisible = usePreviews((s) => s.setGroupVisible);
  const moveGroup = usePreviews((s) => s.moveGroup);
  const addLayer = usePreviews((s) => s.addLayer);
  const groupOutputs = [...new Set(group.layers.map((l) => l.stacItem))].flatMap((stacItem) => outputs[stacItem] ?? []);
  const domId = `group-${domIdOf(group.id)}`;
  return (
    <li className="layer-group" data-testid="layer-group" data-group-name={group.name} aria-labelledby={`${domId}-name`}>
      <div className="row">
        <label className="check">
          <input type="checkbox" checked={!hidden} onChange={(e) => setGroupVisible(group.id, e.target.checked)} />
          <strong id={`${domId}-name`}>{group.name}</strong>
        </label>
        <MoveButtons id={domId} name={`group ${group.name}`} first={first} last={last} move={(by) => moveGroup(group.id, by)} />
      </div>
      {group.location && <p className="hint group-location">{group.location}</p>}
      {group.layers.map((l, i) => (
        <LayerRow key={l.id} layer={l} first={i === 0} last={i === group.layers.length - 1} />
      ))}
      {groupOutputs.map((o) => (
        <div className="row" key={o.stacItem}>
          <label htmlFor={`add-${o.stacItem}`}>Add a band of {o.task}</label>
          <select
            id={`add-${o.stacItem}`}
            value=""
            onChange={(e) => {
              if (e.target.value) void addLayer(o.stacItem, [e.target.value], true);
            }}
          >
            <option value="">band…</option>
            {o.bands.map((b) => (
              <option key={b}>{b}</option>
            ))}
          </select>
        </div>
      ))}
    </li>
  );
}

function LayerRow({ layer, first, last }: { layer: PreviewLayer; first: boolean; last: boolean }) {
  const update = usePreviews((s) => s.update);
  const remove = usePreviews((s) => s.remove);
  const moveLayer = usePreviews((s) => s.moveLayer);
  const name = layerName(layer);
  const range = layer.range ?? layer.image?.range;
  return (
    <div className="layer" data-testid="preview-layer" data-layer={`${layer.task}:${layer.bands.join('+')}`} data-loaded={layer.image ? 'yes' : 'no'}>
      <div className="row">
        <label className="check">
          <input type="checkbox" checked={layer.visible} onChange={(e) => update(layer.id, { visible: e.target.checked })} />
          {name}
        </label>
        <MoveButtons id={`layer-${domIdOf(layer.id)}`} name={name} first={first} last={last} move={(by) => moveLayer(layer.id, by)} />
      </div>
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
      {range && layer.bands.length === 3 && <StretchFields key={`${range.min}:${range.max}`} name={name} range={range} onApply={(custom) => update(layer.id, { range: custom })} />}
      {range && layer.bands.length === 1 && (
        <>
          <select aria-label={`${name} colour ramp`} value={layer.ramp} onChange={(e) => update(layer.id, { ramp: e.target.value as ColourRamp })}>
            {RAMPS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <div className="ramp-legend" aria-label={`Legend of ${name}`}>
            <div className="ramp" style={{ background: rampGradient(layer.ramp) }} />
            <div className="ramp-labels">
              <span>{roundStretch(range.min)}</span>
              <span>{roundStretch(range.max)}</span>
            </div>
          </div>
        </>
      )}
    </div>
  );
}

/**
 * The histogram of a single-band layer: the one chosen, or else the top one drawn (visible, in
 * a visible group).
 */
function HistogramOfLayer({ groups }: { groups: PreviewGroup[] }) {
  const hiddenGroups = usePreviews((s) => s.hiddenGroups);
  const [chosen, setChosen] = useState<string | null>(null);
  const singleBand = groups.flatMap((g) => g.layers.filter((l) => l.bands.length === 1).map((layer) => ({ layer, group: g })));
  if (singleBand.length === 0) return null;
  const drawn = singleBand.find(({ layer, group }) => layer.visible && !hiddenGroups.includes(group.id));
  const shown = singleBand.find(({ layer }) => layer.id === chosen) ?? drawn ?? singleBand[0]!;
  const nameOf = ({ layer, group }: (typeof singleBand)[number]) => `${group.name}: ${layerName(layer)}`;
  return (
    <section className="histogram-panel" aria-labelledby="histogram-heading">
      <h3 id="histogram-heading">Histogram</h3>
      <div className="row">
        <label htmlFor="histogram-layer">Of</label>
        <select id="histogram-layer" value={shown.layer.id} onChange={(e) => setChosen(e.target.value)}>
          {singleBand.map((entry) => (
            <option key={entry.layer.id} value={entry.layer.id}>
              {nameOf(entry)}
            </option>
          ))}
        </select>
      </div>
      <Histogram key={shown.layer.id} layer={shown.layer} name={layerName(shown.layer)} />
    </section>
  );
}

/** An id usable in the DOM (and in CSS selectors) for a layer or group id, which hold paths. */
function domIdOf(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return (hash >>> 0).toString(36);
}
