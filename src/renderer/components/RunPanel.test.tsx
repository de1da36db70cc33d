// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presetFor } from '../../shared/plugin-presets.js';
import { setApi } from '../api/api.js';
import { useRun } from '../stores/run-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { fakeApi } from '../test-support/fake-api.js';
import { resetStores } from '../test-support/reset-stores.js';
import { RunPanel } from './RunPanel.js';

// CodeMirror measures text; jsdom has no layout, so give it empty rectangles.
Range.prototype.getClientRects = () => ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as unknown as DOMRectList;
Range.prototype.getBoundingClientRect = () => new DOMRect();

const SAMPLE = '/ws/sample-catalog/catalog.json';
const TASK = '2021--P1Y/218/74';
const presetList = () => screen.getByLabelText('Preset') as HTMLSelectElement;

beforeEach(() => {
  resetStores();
  setApi(fakeApi());
});
afterEach(cleanup);

describe('the preset list', () => {
  it('shows the preset the YAML is, "custom" once it is edited, and the preset again when the edit is undone', () => {
    render(<RunPanel />);
    expect(presetList().value).toBe('gm-s2');
    const preset = useWorkspace.getState().configYaml;
    act(() => useWorkspace.getState().update({ configYaml: `${preset}resolution: 60\n` }));
    expect(presetList().value).toBe('custom');
    act(() => useWorkspace.getState().update({ configYaml: preset }));
    expect(presetList().value).toBe('gm-s2');
  });

  it('loads a preset chosen over a preset at once', () => {
    render(<RunPanel />);
    fireEvent.change(presetList(), { target: { value: 'pq' } });
    expect(useWorkspace.getState().configYaml).toBe(presetFor('pq')!.yaml);
    expect(presetList().value).toBe('pq');
  });

  it('asks before a preset replaces edits, and keeps them when told to', () => {
    const edited = 'plugin: pq\nplugin_config:\n  mask_band: SCL\n';
    useWorkspace.getState().update({ configYaml: edited });
    render(<RunPanel />);
    fireEvent.change(presetList(), { target: { value: 'pq' } });
    expect(screen.getByRole('alertdialog').textContent).toContain('Replace your edited config with the preset “Sentinel-2 clear-pixel count”?');
    fireEvent.click(screen.getByRole('button', { name: 'Keep my edits' }));
    expect(useWorkspace.getState().configYaml).toBe(edited);
    expect(presetList().value).toBe('custom');
    expect(screen.queryByRole('alertdialog')).toBeNull();

    fireEvent.change(presetList(), { target: { value: 'pq' } });
    fireEvent.click(screen.getByRole('button', { name: 'Replace my edits' }));
    expect(useWorkspace.getState().configYaml).toBe(presetFor('pq')!.yaml);
    expect(presetList().value).toBe('pq');
  });

  it('offers the sample\u2019s presets when the catalogue is the sample', async () => {
    useWorkspace.getState().update({ catalog: SAMPLE, configYaml: presetFor('sample/gm-s2')!.yaml });
    render(<RunPanel />);
    await waitFor(() => expect(Array.from(presetList().options, (o) => o.value)).toEqual(['sample/gm-s2', 'sample/pq', 'sample/reduce/median-ndvi', 'custom']));
    expect(presetList().value).toBe('sample/gm-s2');
  });
});

describe('a run under way', () => {
  it('shows its progress in numbers with the time left, and cancels one task', async () => {
    const cancelled: string[] = [];
    setApi(fakeApi({ startRun: async () => ({ runId: 'r1', location: '/ws/out' }), cancelTask: async (_, task) => (cancelled.push(task), true) }));
    useWorkspace.getState().update({ cache: '/ws/plans/a.db', pickedTiles: [TASK, '2021--P1Y/218/75'] });
    render(<RunPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Run 2 picked tiles' }));
    await waitFor(() => expect(useRun.getState().status).toBe('running'));
    act(() => {
      useRun.setState({ startedAt: Date.now() - 20_000 });
      useRun.getState().handleEvent({ type: 'task-progress', runId: 'r1', task: TASK, stage: 'computing', done: 2, total: 4 });
    });
    // A quarter of the run (half of one task of two) in 20 s: 60 s left.
    expect(screen.getByTestId('run-progress').textContent).toBe('0/2 tasks · 2/4 chunks · about 1 min 00 s left');
    fireEvent.click(screen.getByRole('button', { name: `Cancel ${TASK}` }));
    await waitFor(() => expect(cancelled).toEqual([TASK]));
  });

  it('waits for the user\u2019s word before a run finer than its data', async () => {
    setApi(
      fakeApi({
        estimateRun: async () => ({ tasks: 1, outputResolution: 10, inputResolution: 120, pixelObservations: 1, seconds: 1800 }),
        startRun: async () => ({ runId: 'r1', location: '/ws/out' }),
      }),
    );
    useWorkspace.getState().update({ cache: '/ws/plans/a.db', pickedTiles: [TASK] });
    render(<RunPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Run 1 picked tile' }));
    expect((await screen.findByTestId('run-warning')).textContent).toContain('about 30 min 00 s with 1 worker');
    fireEvent.click(screen.getByRole('button', { name: 'Do not run' }));
    expect(screen.queryByTestId('run-warning')).toBeNull();
    expect(useRun.getState().runId).toBeNull();
  });
});
