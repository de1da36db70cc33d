import type { GridSpec } from './grid.js';

/** What a planned run will cost, so that a user can size it before starting it. */
export interface WorkEstimate {
  /** Output pixels × observations (same-day observations fused), summed over tasks. */
  pixelObservations: number;
  /** Upper bound of raster bytes read: every band of every dataset over its whole tile, 16-bit. */
  bytesToRead: number;
  /** Memory of the largest task: its 16-bit stack of observations plus a float32 output per band. */
  largestTaskBytes: number;
}

export interface TaskLoad {
  datasets: number;
  days: number;
}

const INPUT_SAMPLE_BYTES = 2;
const OUTPUT_SAMPLE_BYTES = 4;

/**
 * `bandReads` is the sum over task–dataset links of the dataset's raster band count, and
 * `links` the number of those links; their ratio is the mean bands per dataset.
 */
export function estimateWork(grid: GridSpec, tasks: Iterable<TaskLoad>, bandReads: number, links: number): WorkEstimate {
  const pixels = grid.tileShape * grid.tileShape;
  const meanBands = links > 0 ? bandReads / links : 0;
  let days = 0;
  let maxDays = 0;
  for (const t of tasks) {
    days += t.days;
    if (t.days > maxDays) maxDays = t.days;
  }
  return {
    pixelObservations: pixels * days,
    bytesToRead: pixels * INPUT_SAMPLE_BYTES * bandReads,
    largestTaskBytes: Math.ceil(pixels * meanBands * (maxDays * INPUT_SAMPLE_BYTES + OUTPUT_SAMPLE_BYTES)),
  };
}
