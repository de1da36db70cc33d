/** Saving and opening project files, and what opening one restores beyond the workspace store. */
import { isApiError, type Project } from '../../shared/api.js';
import { api } from '../api/api.js';
import { sentence, usePlan } from './plan-store.js';
import { usePreviews } from './preview-store.js';
import { useRun } from './run-store.js';
import { untitledProject } from '../../shared/untitled-project.js';
import { useWorkspace } from './workspace-store.js';

/** Saves the workspace; returns an error sentence or null. */
export async function saveProject(file: string): Promise<string | null> {
  const ws = useWorkspace.getState();
  const result = await api().saveProject(file, ws.project());
  if (isApiError(result)) return sentence(result.error);
  useWorkspace.setState({ projectPath: result.path });
  return null;
}

export async function openProject(file: string): Promise<string | null> {
  const result = await api().openProject(file);
  if (isApiError(result)) return sentence(result.error);
  await restore(result.project, result.path);
  return null;
}

export async function newProject(): Promise<void> {
  await restore(untitledProject(), null);
}

async function restore(project: Project, path: string | null): Promise<void> {
  useWorkspace.getState().load(project, path);
  usePlan.getState().clear();
  usePreviews.setState({ layers: [], outputs: {}, inspection: null });
  useRun.setState({ runId: null, status: 'idle', tasks: {}, logs: [], outcome: null, error: null, errorCause: [], location: null });
  if (project.view) window.odcStatsMap?.jumpTo({ center: project.view.center, zoom: project.view.zoom });
  if (project.cache) await usePlan.getState().loadTasks(project.cache);
}
