import { createRoot } from 'react-dom/client';
import { api } from './api/api.js';
import { App } from './components/App.js';
import { usePlan } from './stores/plan-store.js';
import { usePreviews } from './stores/preview-store.js';
import { useRun } from './stores/run-store.js';
import './styles.css';

// One subscription to the host's events feeds every store that cares.
api().onEvent((event) => {
  usePlan.getState().handleEvent(event);
  useRun.getState().handleEvent(event);
  if (event.type === 'task-result' && event.status !== 'failed' && event.stacItem) {
    void usePreviews.getState().addOutput(event.stacItem, event.task);
  }
});

createRoot(document.getElementById('root')!).render(<App />);
