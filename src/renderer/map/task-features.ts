/** Planned tasks of one period as map features, with what the hover and picking need. */
import type { Feature, FeatureCollection } from 'geojson';
import type { TaskSummary } from '../../shared/api.js';
import { tileFootprintLonLat } from '../../shared/geometry.js';
import { parseGrid } from '../../shared/grid.js';

/** A task as the properties of its map feature: the task, and whether it is picked for a run. */
export type TaskFeatureProps = TaskSummary & { picked: boolean };

export function taskFeatures(gridName: string, tasks: readonly TaskSummary[], period: string | null, picked: ReadonlySet<string>): FeatureCollection {
  const grid = parseGrid(gridName);
  const features: Feature[] = tasks
    .filter((t) => period === null || t.period === period)
    .map((t) => ({
      type: 'Feature',
      id: `${t.x}:${t.y}`,
      properties: { id: t.id, period: t.period, x: t.x, y: t.y, datasets: t.datasets, days: t.days, picked: picked.has(t.id) } satisfies TaskFeatureProps,
      geometry: tileFootprintLonLat(grid, { x: t.x, y: t.y }, 8) as Feature['geometry'],
    }));
  return { type: 'FeatureCollection', features };
}

/** The lon/lat bbox of a set of features' coordinates. */
export function featuresBBox(collection: FeatureCollection): [number, number, number, number] | null {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as [number, number];
      w = Math.min(w, x);
      e = Math.max(e, x);
      s = Math.min(s, y);
      n = Math.max(n, y);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of collection.features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  return Number.isFinite(w) ? [w, s, e, n] : null;
}

/** The tasks whose tiles (x, y) lie in the index rectangle spanned by two tasks: shift-click picking. */
export function tasksBetween(tasks: readonly TaskSummary[], period: string | null, a: { x: number; y: number }, b: { x: number; y: number }): string[] {
  const [x0, x1] = [Math.min(a.x, b.x), Math.max(a.x, b.x)];
  const [y0, y1] = [Math.min(a.y, b.y), Math.max(a.y, b.y)];
  return tasks.filter((t) => (period === null || t.period === period) && t.x >= x0 && t.x <= x1 && t.y >= y0 && t.y <= y1).map((t) => t.id);
}
