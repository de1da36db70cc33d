/** The debug tiles picked for a local run. */
import { lonLatBBoxOfTiles } from '../../shared/geometry.js';
import { parseTaskId } from '../../shared/task-id.js';
import { gridOrNull } from '../map/coordinates.js';
import { usePlan } from '../stores/plan-store.js';
import { useUi } from '../stores/ui-store.js';
import { useWorkspace } from '../stores/workspace-store.js';

/** Fits the map to a picked task's tile, in the grid of the tasks shown. */
function zoomToTile(taskId: string): void {
  const grid = gridOrNull(usePlan.getState().tasks?.grid ?? useWorkspace.getState().grid);
  if (!grid) return;
  const bbox = lonLatBBoxOfTiles(grid, [parseTaskId(taskId)]);
  if (!bbox) return;
  if (bbox[0] > bbox[2]) bbox[2] += 360;
  useUi.getState().showOnMap({ bounds: bbox, maxZoom: 12 });
}

export function TilesPanel() {
  const picked = useWorkspace((s) => s.pickedTiles);
  const togglePick = useWorkspace((s) => s.togglePick);
  const setPicks = useWorkspace((s) => s.setPicks);
  return (
    <section className="panel" aria-labelledby="tiles-heading">
      <h2 id="tiles-heading">2 · Pick debug tiles</h2>
      <p className="hint">Click a task to pick or unpick it, shift-click to pick the tiles between, or drag a box.</p>
      <div className="row">
        <button type="button" onClick={() => useUi.getState().setTool('box')} title="Drag a box over tasks to pick them (key B)">
          Box pick
        </button>
        <button type="button" onClick={() => setPicks([])} disabled={picked.length === 0}>
          Clear picks
        </button>
      </div>
      {picked.length > 0 && (
        <ul className="list" aria-label="Picked tiles" data-testid="picked-tiles">
          {picked.map((id) => (
            <li key={id}>
              <code>{id}</code>
              <button type="button" aria-label={`Zoom to ${id}`} onClick={() => zoomToTile(id)}>
                Zoom
              </button>
              <button type="button" aria-label={`Unpick ${id}`} onClick={() => togglePick(id)}>
                Unpick
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
