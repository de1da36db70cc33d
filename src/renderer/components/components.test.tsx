// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../api/api.js';
import { usePreviews } from '../stores/preview-store.js';
import { useRun } from '../stores/run-store.js';
import { untitledProject } from '../../shared/untitled-project.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { fakeApi } from '../test-support/fake-api.js';
import { formatValue, Inspector } from './Inspector.js';
import { LayersPanel } from './LayersPanel.js';
import { PlanPanel } from './PlanPanel.js';
import { ProjectBar } from './ProjectBar.js';
import { RunPanel } from './RunPanel.js';
import { StartScreen } from './StartScreen.js';
import { resetStores } from '../test-support/reset-stores.js';

// CodeMirror measures text; jsdom has no layout, so give it empty rectangles.
if (typeof Range !== 'undefined') {
  Range.prototype.getClientRects = () => ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect = () => new DOMRect();
}

beforeEach(() => {
  resetStores();
  setApi(fakeApi());
});
afterEach(cleanup);

describe('PlanPanel', () => {
  it('shows a planning error next to the catalogue field, linked to it', async () => {
    render(<PlanPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Plan tasks' }));
    const error = await screen.findByRole('alert');
    expect(error.textContent).toBe('Give a catalogue: a STAC catalogue path or URL, or use the sample.');
    expect(screen.getByLabelText('Catalogue (STAC path or URL)').getAttribute('aria-describedby')).toBe(error.id);
  });

  it('fills the form from the sample catalogue', async () => {
    setApi(fakeApi({ sampleCatalog: async () => ({ catalog: '/ws/sample/catalog.json', collection: 's2_l2a', resolution: 120, bbox: [36, -2, 37, -1] }) }));
    render(<PlanPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Use sample' }));
    await waitFor(() => expect((screen.getByLabelText('Catalogue (STAC path or URL)') as HTMLInputElement).value).toBe('/ws/sample/catalog.json'));
  });

  it('lists regions and deletes them', () => {
    useWorkspace.getState().addRegion({ type: 'Feature', properties: { id: 'r1', name: 'Lake' }, geometry: { type: 'Polygon', coordinates: [] } });
    render(<PlanPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete Lake' }));
    expect(useWorkspace.getState().regions).toEqual([]);
  });
});

describe('RunPanel', () => {
  it('lists the problems of the YAML by line, as the host finds them', async () => {
    setApi(fakeApi({ validateConfig: async () => [{ line: 3, from: 0, to: 1, message: "key 'threads' must be a number", severity: 'error' }] }));
    render(<RunPanel />);
    const problems = await screen.findByTestId('config-problems', {}, { timeout: 3000 });
    expect(problems.textContent).toBe("Line 3: key 'threads' must be a number");
  });

  it('replaces the YAML with the preset of the chosen plugin', () => {
    render(<RunPanel />);
    fireEvent.change(screen.getByLabelText('Preset'), { target: { value: 'pq' } });
    expect(useWorkspace.getState().configYaml).toMatch(/^plugin: pq\n/);
  });

  it('shows the change since the last run, and why a run cannot start', async () => {
    useWorkspace.getState().update({ lastRunConfigYaml: 'plugin: pq\n', configYaml: 'plugin: gm-s2\n' });
    render(<RunPanel />);
    expect(screen.getByTestId('config-diff').textContent).toContain('- plugin: pq');
    fireEvent.click(screen.getByRole('button', { name: /^Run 0 picked tiles$/ }));
    expect((await screen.findByText(/Plan tasks first/)).id).toBe('run-error');
  });
});

describe('previews and inspector', () => {
  it('toggles a layer and shows its ramp legend', () => {
    usePreviews.setState({
      layers: [
        {
          id: 'T:COUNT',
          stacItem: '/s',
          task: 'T',
          bands: ['COUNT'],
          ramp: 'viridis',
          visible: true,
          opacity: 0.9,
          image: { url: 'data:', coordinates: [[0, 1], [1, 1], [1, 0], [0, 0]], range: { min: 2, max: 18 }, bands: ['COUNT'] },
        },
      ],
    });
    render(<LayersPanel />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'T COUNT' }));
    expect(usePreviews.getState().layers[0]!.visible).toBe(false);
    expect(screen.getByLabelText('Legend of T COUNT').textContent).toBe('218');
  });

  it('shows every band under the point', () => {
    usePreviews.setState({ inspection: { lon: 37.3, lat: -1.8, results: [{ stacItem: '/s', task: 'x218y074', values: { COUNT: 8, SMAD: 0.004977468401193619, B02: null } }] } });
    render(<Inspector />);
    expect(screen.getByText('x218y074')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Pixel values' }).textContent).toContain('SMAD0.00497747');
    expect(formatValue(null)).toBe('nodata');
    act(() => fireEvent.click(screen.getByRole('button', { name: 'Close the inspector' })));
    expect(usePreviews.getState().inspection).toBeNull();
  });
});

describe('StartScreen', () => {
  it('lists recent projects and opens one', async () => {
    let opened: string | undefined;
    setApi(
      fakeApi({
        recentProjects: async () => [{ path: '/ws/projects/k.odcproj.json', name: 'Kenya', opened: '2026-01-01T10:00:00Z' }],
        openProject: async (p) => {
          opened = p;
          return { path: p, project: { ...untitledProject(), name: 'Kenya' } };
        },
      }),
    );
    render(<StartScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Kenya' }));
    await waitFor(() => expect(useWorkspace.getState().screen).toBe('main'));
    expect(opened).toBe('/ws/projects/k.odcproj.json');
    expect(useWorkspace.getState().name).toBe('Kenya');
  });
});

describe('PlanPanel errors', () => {
  it('forgets the catalogue error once the catalogue is changed', async () => {
    render(<PlanPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Plan tasks' }));
    await screen.findByRole('alert');
    fireEvent.change(screen.getByLabelText('Catalogue (STAC path or URL)'), { target: { value: '/data/catalog.json' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('errors next to their cause', () => {
  it('shows a plan error next to the field the host names, and marks only that field', async () => {
    setApi(fakeApi({ planTasks: async () => ({ error: "invalid temporal range '2021--P1X'", field: 'temporalRange' }) }));
    useWorkspace.getState().update({ catalog: '/c.json', temporalRange: '2021--P1X' });
    render(<PlanPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Plan tasks' }));
    const error = await screen.findByRole('alert');
    expect(error.id).toBe('plan-error-temporalRange');
    expect(screen.getByLabelText(/^Temporal range/).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Catalogue (STAC path or URL)').getAttribute('aria-invalid')).toBe('false');
  });

  it('puts "no datasets" with the plan, not the catalogue', async () => {
    setApi(fakeApi({ planTasks: async () => ({ error: 'no datasets found in /c.json for products s2_l2a (3 items read)', field: 'plan' }) }));
    useWorkspace.getState().update({ catalog: '/c.json' });
    render(<PlanPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Plan tasks' }));
    expect((await screen.findByRole('alert')).id).toBe('plan-error-plan');
    expect(screen.getByLabelText('Catalogue (STAC path or URL)').getAttribute('aria-invalid')).toBe('false');
  });

  it('forgets "project file not found" once the project file is edited', async () => {
    setApi(fakeApi({ openProject: async () => ({ error: 'project file not found: /ws/projects/nope.odcproj.json' }) }));
    render(<ProjectBar />);
    fireEvent.change(screen.getByLabelText('Project file'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Project file not found: /ws/projects/nope.odcproj.json.');
    fireEvent.change(screen.getByLabelText('Project file'), { target: { value: 'kenya' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('forgets an open error on the start screen once the path is edited', async () => {
    setApi(fakeApi({ openProject: async () => ({ error: 'project file not found: /x' }) }));
    render(<StartScreen />);
    fireEvent.change(screen.getByLabelText('Open a project file'), { target: { value: '/x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    await screen.findByRole('alert');
    fireEvent.change(screen.getByLabelText('Open a project file'), { target: { value: '/y' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a run with failed tasks as failed, with its counts, in the error colour', () => {
    useRun.setState({ status: 'failed', outcome: { finished: 0, skipped: 0, failed: 1, cancelled: 0 }, tasks: { T1: { state: 'failed', error: 'x' } } });
    render(<RunPanel />);
    const status = screen.getByTestId('run-status');
    expect(status.textContent).toBe('failed: 0 finished, 1 failed');
    expect(status.className).toBe('status-failed');
  });
});
