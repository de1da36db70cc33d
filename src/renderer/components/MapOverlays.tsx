/** What floats over the map: the tool bar and the legend of planned tasks. */
import { taskLegend } from '../map/task-colours.js';
import { usePlan } from '../stores/plan-store.js';
import { useUi, type MapTool } from '../stores/ui-store.js';

const TOOLS: Array<{ tool: MapTool; label: string; key: string }> = [
  { tool: 'pan', label: 'Pan / pick', key: 'V' },
  { tool: 'rectangle', label: 'Rectangle', key: 'R' },
  { tool: 'polygon', label: 'Polygon', key: 'P' },
  { tool: 'edit', label: 'Edit region', key: 'E' },
  { tool: 'box', label: 'Box pick', key: 'B' },
  { tool: 'inspect', label: 'Inspect', key: 'I' },
];

export function MapToolbar() {
  const tool = useUi((s) => s.tool);
  const setTool = useUi((s) => s.setTool);
  return (
    <div className="toolbar" role="toolbar" aria-label="Map tools">
      {TOOLS.map((t) => (
        <button key={t.tool} type="button" aria-pressed={tool === t.tool} className={tool === t.tool ? 'active' : ''} onClick={() => setTool(t.tool)} title={`${t.label} (key ${t.key} on the map)`}>
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function TaskLegend() {
  const tasks = usePlan((s) => s.tasks);
  const period = usePlan((s) => s.period);
  if (!tasks) return null;
  const shown = tasks.tasks.filter((t) => period === null || t.period === period);
  const stops = taskLegend(shown.map((t) => t.datasets));
  if (stops.length === 0) return null;
  return (
    <div className="legend" data-testid="task-legend" aria-label="Datasets per task">
      <strong>Datasets per task</strong>
      <div className="legend-stops">
        {stops.map((s, i) => (
          <span key={i} className="legend-stop">
            <span className="swatch" style={{ background: s.colour }} />
            {s.value}
          </span>
        ))}
      </div>
      <div className="hint">
        {shown.length} tasks · {period}
      </div>
    </div>
  );
}
