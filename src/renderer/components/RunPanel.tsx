/** Local runs: the plugin config (YAML editor with presets and a diff), then progress, per-task state and cancel, logs and past runs. */
import { useEffect, useState } from 'react';
import type { ConfigDiagnostic } from '../../shared/api.js';
import { presetFor, presetKey } from '../../shared/plugin-presets.js';
import { api } from '../api/api.js';
import { learnSampleCatalog, loadPreset, presetOf, useOfferedPresets } from '../stores/presets.js';
import { formatDuration, runProgress, taskEnded } from '../stores/run-progress.js';
import { runStatusText, useRun, type RunState } from '../stores/run-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { lineDiff } from '../util/line-diff.js';
import { FieldError } from './FieldError.js';
import { YamlEditor } from './YamlEditor.js';

/** The preset list's entry for a YAML that is no preset. */
const CUSTOM = 'custom';

export function RunPanel() {
  const ws = useWorkspace();
  const run = useRun();
  const [diagnostics, setDiagnostics] = useState<ConfigDiagnostic[]>([]);
  /** A preset chosen over an edited YAML, waiting for the user's word. */
  const [presetAsked, setPresetAsked] = useState<string | null>(null);
  const offered = useOfferedPresets();
  const current = presetOf(ws.configYaml);
  const listed = current && !offered.includes(current) ? [current, ...offered] : offered;
  const running = run.status === 'running' || run.status === 'starting';
  const busy = running || run.status === 'checking';
  const diff = ws.lastRunConfigYaml !== null && ws.lastRunConfigYaml !== ws.configYaml ? lineDiff(ws.lastRunConfigYaml, ws.configYaml) : null;
  useEffect(() => {
    void learnSampleCatalog();
  }, []);

  const choosePreset = (key: string) => {
    if (current) loadPreset(key);
    else setPresetAsked(key);
  };

  return (
    <section className="panel" aria-labelledby="run-heading">
      <h2 id="run-heading">3 · Run locally</h2>
      <label htmlFor="preset">Preset</label>
      <select id="preset" value={current ? presetKey(current) : CUSTOM} onChange={(e) => choosePreset(e.target.value)}>
        {listed.map((p) => (
          <option key={presetKey(p)} value={presetKey(p)}>
            {p.plugin} — {p.title}
          </option>
        ))}
        <option value={CUSTOM} disabled>
          custom (edited)
        </option>
      </select>
      {presetAsked && (
        <div className="confirm" role="alertdialog" aria-labelledby="preset-confirm-text">
          <p id="preset-confirm-text">Replace your edited config with the preset “{presetFor(presetAsked)?.title}”? Your edits will be lost.</p>
          <div className="row">
            <button
              type="button"
              onClick={() => {
                loadPreset(presetAsked);
                setPresetAsked(null);
              }}
            >
              Replace my edits
            </button>
            <button type="button" onClick={() => setPresetAsked(null)}>
              Keep my edits
            </button>
          </div>
        </div>
      )}
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
        <button type="button" className="primary" onClick={() => void run.start()} disabled={busy} aria-describedby={run.error ? 'run-error' : undefined}>
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
      {run.warning && (
        <div className="confirm" role="alertdialog" aria-labelledby="run-warning-text" data-testid="run-warning">
          <p id="run-warning-text">{run.warning}</p>
          <div className="row">
            <button type="button" onClick={() => void run.start(true)}>
              Run anyway
            </button>
            <button type="button" onClick={() => run.dismissWarning()}>
              Do not run
            </button>
          </div>
        </div>
      )}
      {running && <RunProgressBar run={run} />}
      {Object.keys(run.tasks).length > 0 && (
        <table className="tasks" data-testid="run-tasks">
          <thead>
            <tr>
              <th>Task</th>
              <th>State</th>
              <th>Progress</th>
              <th />
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
                <td>
                  {running && !taskEnded(t.state) && (
                    <button type="button" aria-label={`Cancel ${id}`} onClick={() => void run.cancelTask(id)}>
                      Cancel
                    </button>
                  )}
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
      {run.history.length > 0 && (
        <details className="history">
          <summary>Run history ({run.history.length})</summary>
          <ol data-testid="run-history">
            {[...run.history].reverse().map((r) => {
              const tasks = Object.values(r.tasks);
              const finished = tasks.filter((t) => t.state === 'finished' || t.state === 'skipped').length;
              return (
                <li key={r.runId} className={`status-${r.status}`}>
                  {r.started.slice(0, 16).replace('T', ' ')} · {r.status} · {finished}/{tasks.length} task{tasks.length === 1 ? '' : 's'} finished
                  {r.location && <span className="hint"> · {r.location}</span>}
                </li>
              );
            })}
          </ol>
        </details>
      )}
    </section>
  );
}

/** The run's progress: tasks ended of all, chunks computed, and the time left, ticking each second. */
function RunProgressBar({ run }: { run: RunState }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const elapsed = run.startedAt === null ? 0 : Math.max(0, (now - run.startedAt) / 1000);
  const p = runProgress(run.tasks, elapsed, run.estimate?.seconds ?? null);
  return (
    <div className="run-progress" data-testid="run-progress">
      <progress max={1} value={p.fraction} aria-label="Run progress" />
      <span>
        {p.tasksEnded}/{p.tasksTotal} tasks
        {p.chunksTotal > 0 && ` · ${p.chunksDone}/${p.chunksTotal} chunks`}
        {' · '}
        <span data-testid="run-eta">{p.secondsLeft === null ? 'time left unknown' : `about ${formatDuration(p.secondsLeft)} left`}</span>
      </span>
    </div>
  );
}
