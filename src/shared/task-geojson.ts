import { tileFootprintLonLat } from './geometry.js';
import { regionCode, type GridSpec } from './grid.js';

export interface TaskSummaryRow {
  period: string;
  x: number;
  y: number;
  utcOffset: number;
  datasets: number;
  days: number;
}

interface TaskFeature {
  type: 'Feature';
  geometry: ReturnType<typeof tileFootprintLonLat>;
  properties: {
    title: string;
    region_code: string;
    ix: number;
    iy: number;
    utc_offset: number;
    total: number;
    days: number;
  };
}

export interface TaskFeatureCollection {
  type: 'FeatureCollection';
  features: TaskFeature[];
}

/** One feature per task tile, its footprint in lon/lat (densified, split at the antimeridian). */
export function tasksToGeoJSON(grid: GridSpec, tasks: Iterable<TaskSummaryRow>): TaskFeatureCollection {
  const features: TaskFeature[] = [];
  for (const t of tasks) {
    features.push({
      type: 'Feature',
      geometry: tileFootprintLonLat(grid, { x: t.x, y: t.y }),
      properties: {
        title: `${t.x},${t.y}`,
        region_code: regionCode({ x: t.x, y: t.y }),
        ix: t.x,
        iy: t.y,
        utc_offset: t.utcOffset,
        total: t.datasets,
        days: t.days,
      },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** The `T,X,Y,datasets,days` table odc-stats writes beside its task cache. */
export function tasksToCsv(tasks: Iterable<TaskSummaryRow>): string {
  const lines = ['T,X,Y,datasets,days'];
  for (const t of tasks) lines.push(`${t.period},${t.x},${t.y},${t.datasets},${t.days}`);
  return lines.join('\n') + '\n';
}
