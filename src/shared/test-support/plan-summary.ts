import type { SaveTasksResult } from '../save-tasks-contract.js';

/** A plan's summary as save-tasks answers it: one annual task of africa-10 in /ws/plans/a.db, nothing skipped unless `changes` says. */
export function planSummary(changes: Partial<SaveTasksResult> = {}): SaveTasksResult {
  return {
    db: '/ws/plans/a.db',
    csv: '/ws/plans/a.csv',
    geojson: [],
    grid: 'africa-10',
    frequency: 'annual',
    temporalRange: '2021--P1Y',
    counts: {
      itemsRead: 4,
      datasets: 4,
      tasks: 1,
      tiles: 1,
      tasksPerPeriod: { '2021--P1Y': 1 },
      skipped: { noGeometry: 0, noTime: 0, badGeometry: 0, filtered: 0, outsideSelection: 0, duplicates: 0, noAssets: 0, unpaired: 0 },
    },
    estimate: { pixelObservations: 10, decodedBytes: 20, fileBytes: null, largestTaskBytes: 30 },
    warnings: [],
    ...changes,
  };
}
