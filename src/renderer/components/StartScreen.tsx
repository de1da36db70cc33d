/** The start screen: recent projects, a new project, or opening one by path. */
import { useEffect, useState } from 'react';
import type { RecentProject } from '../../shared/api.js';
import { api } from '../api/api.js';
import { newProject, openProject } from '../stores/project-actions.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { FieldError } from './FieldError.js';

export function StartScreen() {
  const [recent, setRecent] = useState<RecentProject[]>([]);
  const [file, setFile] = useState('');
  const [error, setError] = useState<string | null>(null);
  const current = useWorkspace((s) => s.name);
  useEffect(() => {
    void api()
      .recentProjects()
      .then(setRecent, () => setRecent([]));
  }, []);
  const open = async (path: string) => setError(await openProject(path));
  return (
    <main className="start">
      <h1>odc-stats desktop</h1>
      <p>Plan, run and preview statistical products from satellite imagery.</p>
      <div className="row">
        <button type="button" className="primary" onClick={() => void newProject()}>
          New project
        </button>
        <button type="button" onClick={() => useWorkspace.getState().setScreen('main')}>
          Continue “{current}”
        </button>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void open(file);
        }}
      >
        <label htmlFor="open-path">Open a project file</label>
        <input
          id="open-path"
          value={file}
          aria-invalid={!!error}
          aria-describedby={error ? 'open-error' : undefined}
          onChange={(e) => {
            setFile(e.target.value);
            setError(null);
          }}
        />
        <button type="submit">Open</button>
      </form>
      <FieldError id="open-error" message={error} />
      <h2>Recent projects</h2>
      {recent.length === 0 ? (
        <p className="hint">None yet.</p>
      ) : (
        <ul className="list" aria-label="Recent projects">
          {recent.map((r) => (
            <li key={r.path}>
              <button type="button" onClick={() => void open(r.path)}>
                {r.name}
              </button>{' '}
              <span className="hint">
                {r.path} · {r.opened.slice(0, 16).replace('T', ' ')}
              </span>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
