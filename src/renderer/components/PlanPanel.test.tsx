// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../api/api.js';
import { usePlan } from '../stores/plan-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { fakeApi } from '../test-support/fake-api.js';
import { PlanPanel } from './PlanPanel.js';
import { resetStores } from '../test-support/reset-stores.js';
import { planSummary } from '../../shared/test-support/plan-summary.js';

beforeEach(() => {
  resetStores();
  useWorkspace.getState().update({ catalog: '/c.json', collections: ['s2_l2a'] });
});
afterEach(cleanup);

describe('PlanPanel while planning', () => {
  it('offers Cancel, which asks the host to stop this plan and forgets its answer', async () => {
    const cancelled: string[] = [];
    let answer: (value: { error: string }) => void = () => undefined;
    setApi(
      fakeApi({
        planTasks: () => new Promise((resolve) => (answer = resolve)),
        cancelPlan: async (planId) => {
          cancelled.push(planId);
          answer({ error: 'planning cancelled; nothing was written' });
          return true;
        },
      }),
    );
    render(<PlanPanel />);
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Plan tasks' }));
    const planId = usePlan.getState().planId;
    expect(planId).not.toBeNull();

    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(cancelled).toEqual([planId]));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Plan tasks' })).toHaveProperty('disabled', false));
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(usePlan.getState()).toMatchObject({ status: 'idle', error: null, summary: null });
  });

  it('shows the warnings of the plan in its summary', async () => {
    const summary = planSummary({
      counts: { ...planSummary().counts, skipped: { ...planSummary().counts.skipped, noAssets: 2 } },
      warnings: ['2 items have no raster asset (GeoTIFF or JPEG 2000) to read and were left out of the tasks: a, b'],
    });
    setApi(fakeApi({ planTasks: async () => summary, listTasks: async () => ({ error: 'not needed here' }) }));
    render(<PlanPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Plan tasks' }));
    expect((await screen.findByTestId('plan-summary')).textContent).toContain(
      'Warning: 2 items have no raster asset (GeoTIFF or JPEG 2000) to read and were left out of the tasks: a, b',
    );
  });
});
