/** The map by keyboard: what an arrow key moves, which tile a tile cursor starts on, and what it says about a tile. */
import type { Polygon } from 'geojson';
import type { TaskSummary } from '../../shared/api.js';
import type { TileIndex } from '../../shared/grid.js';

/** An arrow key as a step on the screen, x to the right and y down; null for any other key. */
export function arrowStep(key: string): [number, number] | null {
  switch (key) {
    case 'ArrowLeft':
      return [-1, 0];
    case 'ArrowRight':
      return [1, 0];
    case 'ArrowUp':
      return [0, -1];
    case 'ArrowDown':
      return [0, 1];
    default:
      return null;
  }
}

/** The tile a screen step (an arrow key's) moves a tile cursor to: tile y grows northwards, up the screen. */
export function tileAfterStep(tile: TileIndex, [dx, dy]: [number, number]): TileIndex {
  return { x: tile.x + dx, y: tile.y - dy };
}

/** The task of a tile in the period shown (the first of its periods when all are shown). */
export function taskAt(tasks: readonly TaskSummary[], period: string | null, tile: TileIndex): TaskSummary | undefined {
  return tasks.find((t) => (period === null || t.period === period) && t.x === tile.x && t.y === tile.y);
}

/** The tile a cursor starts on: of the tasks shown, the one nearest (in tiles) to the tile at the view's centre. */
export function startTile(tasks: readonly TaskSummary[], period: string | null, centre: TileIndex): TileIndex | null {
  let nearest: TileIndex | null = null;
  let nearestDistance = Infinity;
  for (const t of tasks) {
    if (period !== null && t.period !== period) continue;
    const distance = Math.hypot(t.x - centre.x, t.y - centre.y);
    if (distance < nearestDistance) [nearest, nearestDistance] = [{ x: t.x, y: t.y }, distance];
  }
  return nearest;
}

/** "Tile 218,74: 2021--P1Y, 35 datasets, picked", or that no task is planned there. */
export function describeTile(tile: TileIndex, task: TaskSummary | undefined, picked: boolean): string {
  const name = `Tile ${tile.x},${tile.y}`;
  if (!task) return `${name}: no task planned`;
  return `${name}: ${task.period}, ${task.datasets} dataset${task.datasets === 1 ? '' : 's'}, ${picked ? 'picked' : 'not picked'}`;
}

/**
 * A tile's outline drawn `share` of the way in towards its centre, so that the tile cursor shows
 * inside the outline of a picked tile rather than on it.
 */
export function insetOutline(footprint: Polygon, [cx, cy]: [number, number], share = 0.05): Polygon {
  const scale = 1 - share;
  return { type: 'Polygon', coordinates: footprint.coordinates.map((ring) => ring.map(([lon, lat]) => [cx + (lon! - cx) * scale, cy + (lat! - cy) * scale])) };
}
