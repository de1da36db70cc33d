/** Local runs: the plugin config (YAML editor with presets and a diff), then per-task progress, logs and cancel. */
import { useState } from 'react';
import type { ConfigDiagnostic } from '../../shared/api.js';
import { PLUGIN_PRESETS, presetFor, presetKey } from '../../shared/plugin-presets.js';
import { api } from '../api/api.js';
import { runStatusText, useRun } from '../stores/run-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { lineDiff } from '../util/line-diff.js';
import { FieldError } from './FieldError.js';
import { YamlEditor } from './YamlEditor.js';

export function RunPanel() {
  const ws = useWorkspace();
  const run = useRun();
  const [diagnostics, setDiagnostics] = useState<ConfigDiagnostic[]>([]);
  const running = run.status === 'running' || run.status === 'starting';
  const diff = ws.lastRunConfigYaml !== null && ws.lastRunConfigYaml !== ws.configYaml ? lineDiff(ws.lastRunConfigYaml, ws.configYaml) : null;

  return (
    <section className="panel" aria-labelledby="run-heading">
      <h2 id="run-heading">3 · Run locally</h2>
      <label htmlFor="preset">Preset</label>
      <div className="row">
        <select id="preset" value={ws.plugin} onChange={(e) => ws.update({ plugin: e.target.value })}>
          {PLUGIN_PRESETS.map((p) => (
            <option key={presetKey(p)} value={presetKey(p)}>
              {p.plugin} — {p.title}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => ws.update({ configYaml: presetFor(ws.plugin)!.yaml })} title="Replace the config with the preset of this plugin">
          Load preset
        </button>
      </div>
      <label id="yaml-label">Run config (YAML)</label>
      <YamlEditor
        label="Run config YAML"
        value={ws.configYaml}
        onChange={(configYaml) => ws.update({ configYaml })}
        validate={(text) => api().validateConfig(text)}
        onDiagnostics={setDiagnostics}
      />
      {diagnostics.length > 0 ? (
        <ul className="diagnostics" aria-label="Config problems" data-testid="config-problems">
          {diagnostics.map((d, i) => (
            <li key={i} role="alert">
              Line {d.line}: {d.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="ok" data-testid="config-ok">
          Config is valid.
        </p>
      )}
      {diff && (
        <details className="diff">
          <summary>Changes since the last run ({diff.filter((d) => d.kind !== 'same').length} lines)</summary>
          <pre data-testid="config-diff">
            {diff.map((d, i) => (
              <div key={i} className={`diff-${d.kind}`}>
                {d.kind === 'added' ? '+ ' : d.kind === 'removed' ? '- ' : '  '}
                {d.text}
              </div>
            ))}
          </pre>
        </details>
      )}
      <div className="grid-2">
        <div>
          <label htmlFor="output">Output folder (when the YAML has no output_location)</label>
          <input id="output" value={ws.outputLocation} placeholder="workspace/outputs/{product}/{version}" onChange={(e) => ws.update({ outputLocation: e.target.value })} />
        </div>
        <div>
          <label htmlFor="threads">Workers</label>
          <input
            id="threads"
            type="number"
            min={1}
            max={64}
            value={ws.settings.threads}
            onChange={(e) => ws.update({ settings: { ...ws.settings, threads: Math.max(1, Number(e.target.value) || 1) } })}
          />
        </div>
      </div>
      <div className="row">
        <button type="button" className="primary" onClick={() => void run.start()} disabled={running} aria-describedby={run.error ? 'run-error' : undefined}>
          Run {ws.pickedTiles.length} picked tile{ws.pickedTiles.length === 1 ? '' : 's'}
        </button>
        <button type="button" onClick={() => void run.cancel()} disabled={!running}>
          Cancel
        </button>
        <span role="status" data-testid="run-status" data-status={run.status} className={`status-${run.status}`}>
          {runStatusText(run.status, run.outcome)}
        </span>
      </div>
      <FieldError id="run-error" message={run.error} />
      {Object.keys(run.tasks).length > 0 && (
        <table className="tasks" data-testid="run-tasks">
          <thead>
            <tr>
              <th>Task</th>
              <th>State</th>
              <th>Progress</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(run.tasks).map(([id, t]) => (
              <tr key={id} className={`task-${t.state}`}>
                <td>
                  <code>{id}</code>
                </td>
                <td>{t.state}</td>
                <td>
                  {t.state === 'running' && t.total ? (
                    <progress max={t.total} value={t.done ?? 0} aria-label={`${id} ${t.stage ?? ''}`}>
                      {t.done}/{t.total}
                    </progress>
                  ) : null}
                  {t.state === 'running' && <span className="hint"> {t.stage}</span>}
                  {t.seconds !== undefined && <span>{t.seconds.toFixed(1)} s</span>}
                  {t.error && <span className="field-error">{t.error}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {run.logs.length > 0 && (
        <details className="logs" open={run.status === 'failed'}>
          <summary>Log ({run.logs.length} lines)</summary>
          <pre data-testid="run-log">
            {run.logs.map((l, i) => (
              <div key={i} className={`log-${l.level}`}>
                {l.time.slice(11, 19)} {l.message}
              </div>
            ))}
          </pre>
        </details>
      )}
    </section>
  );
}
