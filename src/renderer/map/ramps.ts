/** CSS gradients of the host's colour ramps (the stops of worker/quicklook/render.ts), for legends. */
import type { ColourRamp } from '../../shared/api.js';

const STOPS: Record<ColourRamp, readonly string[]> = {
  viridis: ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'],
  magma: ['#000004', '#1c1044', '#4f127b', '#812581', '#b5367a', '#e55064', '#fb8761', '#fec287', '#fcfdbf'],
  greys: ['#000000', '#ffffff'],
};

export const RAMPS = Object.keys(STOPS) as ColourRamp[];

export function rampGradient(ramp: ColourRamp): string {
  return `linear-gradient(to right, ${STOPS[ramp].join(', ')})`;
}
