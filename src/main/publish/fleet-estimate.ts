import type { GridSpec } from '../../shared/grid.js';
import type { TaskLoad } from '../../shared/work-estimate.js';

/**
 * What a published run costs the fleet, in worker-hours. The work is save-tasks' estimate
 * (`shared/work-estimate.ts`: a tile's output pixels × its task's observation days, summed),
 * counted at the output resolution the run config asks for, and a worker is taken to compute
 * WORKER_PIXEL_OBSERVATIONS_PER_SECOND of it. Tiles that their datasets cover only in part
 * cost less than this (chunks without data are skipped), and plugins lighter than the
 * geomedian (pq) much less: the figure is a ceiling for sizing a fleet, not a bill.
 */
export interface FleetEstimate {
  pixelObservations: number;
  workerHours: number;
  /** The rate assumed: pixel-observations one worker computes per second. */
  pixelObservationsPerSecond: number;
}

/**
 * One worker (one task process, one reduce thread) running gm-s2 on a 1024² px tile of 24
 * dates, ten bands: 25.2 M pixel-observations in 27.4 s, startup included (docs/benchmarks.md,
 * "Tasks end to end", case 1, 2026-12-04).
 */
const WORKER_PIXEL_OBSERVATIONS_PER_SECOND = 900_000;

export function estimateFleetWork(grid: GridSpec, tasks: Iterable<TaskLoad>, outputResolution?: number): FleetEstimate {
  const side = outputResolution === undefined ? grid.tileShape : grid.tileSize / outputResolution;
  let days = 0;
  for (const task of tasks) days += task.days;
  const pixelObservations = Math.round(side * side * days);
  return {
    pixelObservations,
    workerHours: pixelObservations / WORKER_PIXEL_OBSERVATIONS_PER_SECOND / 3600,
    pixelObservationsPerSecond: WORKER_PIXEL_OBSERVATIONS_PER_SECOND,
  };
}
