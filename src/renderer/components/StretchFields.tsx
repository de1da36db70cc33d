/** A custom stretch typed as a minimum and a maximum, refused with one line when it cannot be one. */
import { useId, useState } from 'react';
import { FieldError } from './FieldError.js';

interface ValueRange {
  min: number;
  max: number;
}

/** Why two typed values are no stretch, or null when they are one. */
export function stretchError(min: string, max: string): string | null {
  const [low, high] = [Number(min), Number(max)];
  if (min.trim() === '' || max.trim() === '' || !Number.isFinite(low) || !Number.isFinite(high)) return 'The stretch needs a number for its minimum and for its maximum.';
  if (low > high) return `The stretch minimum (${low}) is above its maximum (${high}).`;
  return null;
}

export function StretchFields({ name, range, onApply }: { name: string; range: ValueRange; onApply: (range: ValueRange) => void }) {
  const errorId = useId();
  const [min, setMin] = useState(String(roundStretch(range.min)));
  const [max, setMax] = useState(String(roundStretch(range.max)));
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    const problem = stretchError(min, max);
    setError(problem);
    if (!problem) onApply({ min: Number(min), max: Number(max) });
  };
  const described = error ? errorId : undefined;
  return (
    <form
      className="stretch-fields"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <div className="row">
        <input className="num" type="number" step="any" aria-label={`${name} minimum`} aria-invalid={!!error} aria-describedby={described} value={min} onChange={(e) => setMin(e.target.value)} />
        –
        <input className="num" type="number" step="any" aria-label={`${name} maximum`} aria-invalid={!!error} aria-describedby={described} value={max} onChange={(e) => setMax(e.target.value)} />
        <button type="submit">Apply</button>
      </div>
      <FieldError id={errorId} message={error} />
    </form>
  );
}

/** A stretch value as shown: whole numbers from 100 up, three decimals below. */
export function roundStretch(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1000) / 1000;
}
