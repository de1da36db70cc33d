/** The header: project name, save and open, settings, and the way back to the start screen. */
import { useState } from 'react';
import { openProject, saveProject } from '../stores/project-actions.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { FieldError } from './FieldError.js';

export function ProjectBar() {
  const name = useWorkspace((s) => s.name);
  const projectPath = useWorkspace((s) => s.projectPath);
  const settings = useWorkspace((s) => s.settings);
  const update = useWorkspace((s) => s.update);
  const [file, setFile] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [showSettings, setShowSettings] = useState(false);
  const target = file.trim() || projectPath || name;

  return (
    <header className="project-bar">
      <h1>odc-stats</h1>
      <input aria-label="Project name" value={name} onChange={(e) => update({ name: e.target.value })} />
      <input
        aria-label="Project file"
        placeholder={projectPath ?? 'project file (name or path)'}
        value={file}
        aria-invalid={!!error}
        aria-describedby={error ? 'project-error' : undefined}
        onChange={(e) => {
          setFile(e.target.value);
          // The error was about the file named before.
          setError(null);
        }}
      />
      <button
        type="button"
        onClick={async () => {
          const problem = await saveProject(target);
          setError(problem);
          setSaved(problem ? null : useWorkspace.getState().projectPath);
        }}
      >
        Save
      </button>
      <button
        type="button"
        onClick={async () => {
          setError(file.trim() ? await openProject(file.trim()) : 'Type the name or path of a project file to open.');
          setSaved(null);
        }}
      >
        Open
      </button>
      <button type="button" onClick={() => useWorkspace.getState().setScreen('start')}>
        Start screen
      </button>
      <button type="button" aria-expanded={showSettings} onClick={() => setShowSettings(!showSettings)}>
        Settings
      </button>
      {saved && (
        <span role="status" className="hint">
          Saved to {saved}
        </span>
      )}
      <FieldError id="project-error" message={error} />
      {showSettings && (
        <div className="settings" role="dialog" aria-label="Settings">
          <label htmlFor="basemap-url">Online basemap style URL (empty: the offline basemap)</label>
          <input id="basemap-url" defaultValue={settings.basemapStyleUrl} onBlur={(e) => update({ settings: { ...settings, basemapStyleUrl: e.target.value.trim() } })} />
        </div>
      )}
    </header>
  );
}
