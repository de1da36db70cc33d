import { untitledProject } from '../../shared/untitled-project.js';
import { usePlan } from '../stores/plan-store.js';
import { usePreviews } from '../stores/preview-store.js';
import { NO_RUN, useRun } from '../stores/run-store.js';
import { useStory } from '../stores/story-store.js';
import { useWorkspace } from '../stores/workspace-store.js';

/** Every store as a fresh window has it: an untitled project, nothing planned, run or previewed. */
export function resetStores(): void {
  localStorage.clear();
  useWorkspace.getState().load(untitledProject(), null);
  usePlan.getState().clear();
  useRun.setState({ ...NO_RUN, history: [] });
  usePreviews.setState({ layers: [], inspection: null, hiddenGroups: [], swipe: null, histograms: {} });
  useStory.getState().clear();
}
