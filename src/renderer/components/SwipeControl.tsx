/**
 * Swipe between two preview layers: the choice of the layer shown left and the one shown right
 * of a divider, and the divider over the map, dragged or moved with the arrow keys (Shift: in
 * larger steps; Home and End: to the edges).
 */
import { useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { OutputInfo } from '../../shared/api.js';
import { layerName, previewGroups, usePreviews, type PreviewLayer } from '../stores/preview-store.js';

const KEY_STEP = 0.01;
const SHIFT_KEY_STEP = 0.1;

interface SwipeChoice {
  layer: PreviewLayer;
  group: string;
  name: string;
}

/** Each layer with an image, named by its group and its own name. */
function swipeableLayers(layers: PreviewLayer[], outputs: Record<string, OutputInfo>): SwipeChoice[] {
  return previewGroups(layers, outputs).flatMap((g) => g.layers.filter((l) => l.image).map((layer) => ({ layer, group: g.id, name: `${g.name}: ${layerName(layer)}` })));
}

/** What to compare first: the top layer shown, and the top one shown of another group (or the next one). */
function defaultPair(choices: SwipeChoice[]): [SwipeChoice, SwipeChoice] {
  const shown = choices.filter((c) => c.layer.visible);
  const left = shown[0] ?? choices[0]!;
  const others = choices.filter((c) => c !== left);
  const right = others.find((c) => c.layer.visible && c.group !== left.group) ?? others.find((c) => c.group !== left.group) ?? others[0]!;
  return [left, right];
}

export function SwipeChooser() {
  const swipe = usePreviews((s) => s.swipe);
  const setSwipe = usePreviews((s) => s.setSwipe);
  const layers = usePreviews((s) => s.layers);
  const outputs = usePreviews((s) => s.outputs);
  const choices = swipeableLayers(layers, outputs);
  const [picked, setPicked] = useState<{ left?: string; right?: string }>({});
  if (choices.length < 2) return null;
  const valid = (id: string | undefined) => choices.some((c) => c.layer.id === id);
  const [first, second] = defaultPair(choices);
  const left = swipe?.left ?? (valid(picked.left) ? picked.left! : first.layer.id);
  const right = swipe?.right ?? (valid(picked.right) ? picked.right! : second.layer.id);
  const choose = (side: 'left' | 'right', id: string) => {
    setPicked({ ...picked, [side]: id });
    if (swipe) setSwipe({ ...swipe, [side]: id });
  };
  return (
    <fieldset className="swipe-chooser">
      <legend>Swipe</legend>
      {(['left', 'right'] as const).map((side) => (
        <div className="row" key={side}>
          <label htmlFor={`swipe-${side}`}>{side === 'left' ? 'Left' : 'Right'}</label>
          <select id={`swipe-${side}`} value={side === 'left' ? left : right} onChange={(e) => choose(side, e.target.value)}>
            {choices.map((c) => (
              <option key={c.layer.id} value={c.layer.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      ))}
      <button type="button" aria-pressed={swipe !== null} onClick={() => setSwipe(swipe ? null : { left, right, position: 0.5 })}>
        {swipe ? 'Stop swipe' : 'Swipe'}
      </button>
    </fieldset>
  );
}

export function SwipeDivider() {
  const swipe = usePreviews((s) => s.swipe);
  const layers = usePreviews((s) => s.layers);
  const setSwipe = usePreviews((s) => s.setSwipe);
  const [leftLayer, rightLayer] = [layers.find((l) => l.id === swipe?.left), layers.find((l) => l.id === swipe?.right)];
  // Layers replaced from outside the store's actions (a project opened) end the swipe.
  if (!swipe || !leftLayer || !rightLayer) return null;
  const moveTo = (position: number) => setSwipe({ ...swipe, position });
  const onPointer = (e: PointerEvent<HTMLDivElement>) => {
    if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
    const box = e.currentTarget.parentElement!.getBoundingClientRect();
    moveTo((e.clientX - box.left) / box.width);
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? SHIFT_KEY_STEP : KEY_STEP;
    const to: Record<string, number> = { ArrowLeft: swipe.position - step, ArrowRight: swipe.position + step, Home: 0, End: 1 };
    if (!(e.key in to)) return;
    e.preventDefault();
    moveTo(to[e.key]!);
  };
  const [left, right] = [layerName(leftLayer), layerName(rightLayer)];
  return (
    <div
      className="swipe-divider"
      data-testid="swipe-divider"
      style={{ left: `${swipe.position * 100}%` }}
      role="separator"
      aria-orientation="vertical"
      aria-label={`Swipe divider: ${left} on the left, ${right} on the right`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(swipe.position * 100)}
      tabIndex={0}
      onPointerDown={(e) => e.currentTarget.setPointerCapture(e.pointerId)}
      onPointerMove={onPointer}
      onKeyDown={onKey}
    >
      <span className="swipe-label swipe-label-left">{left}</span>
      <span className="swipe-label swipe-label-right">{right}</span>
    </div>
  );
}
