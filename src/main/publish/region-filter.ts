import { tilesIntersecting, type Polygonal } from '../../shared/geometry.js';
import type { GridSpec } from '../../shared/grid.js';
import type { TaskId } from '../../shared/task-id.js';

/** The tasks whose tiles share area with the region (lon/lat), in their order. */
export function tasksInRegion<T extends TaskId>(tasks: readonly T[], grid: GridSpec, region: Polygonal): T[] {
  const inside = new Set(tilesIntersecting(grid, region).map((t) => `${t.x},${t.y}`));
  return tasks.filter((t) => inside.has(`${t.x},${t.y}`));
}
