/** The debug tiles picked for a local run. */
import { useUi } from '../stores/ui-store.js';
import { useWorkspace } from '../stores/workspace-store.js';

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
