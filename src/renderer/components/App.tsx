import { useEffect } from 'react';
import { usePlan } from '../stores/plan-store.js';
import { usePreviews } from '../stores/preview-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { Inspector } from './Inspector.js';
import { CloudPanel } from './CloudPanel.js';
import { LayersPanel } from './LayersPanel.js';
import { MapToolbar, TaskLegend } from './MapOverlays.js';
import { MapSearch } from './MapSearch.js';
import { MapView } from './MapView.js';
import { PlanPanel } from './PlanPanel.js';
import { ProjectBar } from './ProjectBar.js';
import { RunPanel } from './RunPanel.js';
import { StartScreen } from './StartScreen.js';
import { SwipeDivider } from './SwipeControl.js';
import { TilesPanel } from './TilesPanel.js';

export function App() {
  const screen = useWorkspace((s) => s.screen);
  if (screen === 'start') return <StartScreen />;
  return <Workbench />;
}

function Workbench() {
  // After a reload: the tasks of the cache and the preview images come back from the host.
  useEffect(() => {
    const cache = useWorkspace.getState().cache;
    if (cache && !usePlan.getState().tasks) void usePlan.getState().loadTasks(cache);
    void usePreviews.getState().renderMissing();
  }, []);
  return (
    <div className="app">
      <ProjectBar />
      <div className="body">
        <aside className="sidebar">
          <PlanPanel />
          <TilesPanel />
          <RunPanel />
          <LayersPanel />
          <CloudPanel />
        </aside>
        <main className="map-area">
          <MapView />
          <SwipeDivider />
          <MapToolbar />
          <MapSearch />
          <TaskLegend />
          <Inspector />
        </main>
      </div>
    </div>
  );
}
