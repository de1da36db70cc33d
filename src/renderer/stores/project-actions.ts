/**
 * Saving and opening project files: the workspace, and with it the plan's summary, the run
 * history and the preview layers, which opening a project restores.
 */
import { isApiError, type Project, type ProjectPreviewLayer } from '../../shared/api.js';
import { api } from '../api/api.js';
import { sentence, usePlan } from './plan-store.js';
import { usePreviews } from './preview-store.js';
import { useStory } from './story-store.js';
import { NO_RUN, useRun } from './run-store.js';
import { untitledProject } from '../../shared/untitled-project.js';
import { useWorkspace } from './workspace-store.js';

/** The project file's content: the workspace, and what the other stores hold of the project. */
function currentProject(): Project {
  const project = useWorkspace.getState().project();
  const { summary } = usePlan.getState();
  const { history } = useRun.getState();
  const { layers, outputs } = usePreviews.getState();
  return {
    ...project,
    ...(summary && summary.db === project.cache && { planSummary: summary }),
    ...(history.length > 0 && { runs: history }),
    ...(layers.length > 0 && {
      previews: {
        layers: layers.map(({ id, stacItem, task, bands, ramp, visible, opacity, range }): ProjectPreviewLayer => ({
          id,
          stacItem,
          task,
          bands,
          ramp,
          visible,
          opacity,
          ...(range && { range }),
        })),
        outputs,
      },
    }),
  };
}

/** Saves the workspace; returns an error sentence or null. */
export async function saveProject(file: string): Promise<string | null> {
  const result = await api().saveProject(file, currentProject());
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
  const { planSummary, runs, previews, ...workspace } = project;
  useWorkspace.getState().load(workspace, path);
  usePlan.getState().clear();
  if (planSummary && planSummary.db === project.cache) usePlan.setState({ status: 'done', summary: planSummary });
  usePreviews.setState({ layers: previews?.layers ?? [], outputs: previews?.outputs ?? {}, inspection: null, hiddenGroups: [], swipe: null, histograms: {} });
  useStory.getState().clear();
  useRun.setState({ ...NO_RUN, history: runs ?? [] });
  if (project.view) window.odcStatsMap?.jumpTo({ center: project.view.center, zoom: project.view.zoom });
  await Promise.all([project.cache ? usePlan.getState().loadTasks(project.cache) : undefined, usePreviews.getState().renderMissing()]);
}
