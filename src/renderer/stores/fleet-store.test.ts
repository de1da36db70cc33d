import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FleetStatusRequest, FleetStatusSummary, FleetTile } from '../../shared/api.js';
import { setApi } from '../api/api.js';
import { fakeApi } from '../test-support/fake-api.js';
import { countTileViews, FLEET_POLL_MS, fleetTileViews, useFleet } from './fleet-store.js';

const tile = (x: number, state: FleetTile['state'], error?: string): FleetTile => ({ task: `2021--P1Y/${x}/74`, period: '2021--P1Y', x, y: 74, state, ...(error && { error }) });

function summary(waiting: number, inFlight: number, tiles: FleetTile[]): FleetStatusSummary {
  return { queueUrl: 'http://q/tasks', waiting, inFlight, location: 's3://b/out', tiles };
}

describe('fleetTileViews', () => {
  const tiles = [tile(1, 'pending'), tile(2, 'finished'), tile(3, 'dead-lettered', 'band B05 not found')];

  it('calls pending tiles waiting while nothing is in flight, in flight while nothing waits, and queued when both are', () => {
    expect(fleetTileViews(summary(1, 0, tiles)).map((t) => t.state)).toEqual(['waiting', 'finished', 'dead-lettered']);
    expect(fleetTileViews(summary(0, 1, tiles)).map((t) => t.state)).toEqual(['in-flight', 'finished', 'dead-lettered']);
    expect(fleetTileViews(summary(4, 2, tiles)).map((t) => t.state)).toEqual(['queued', 'finished', 'dead-lettered']);
  });

  it('keeps the error of a dead-lettered tile, and counts the tiles by state', () => {
    const views = fleetTileViews(summary(0, 0, tiles));
    expect(views[2]).toEqual({ task: '2021--P1Y/3/74', period: '2021--P1Y', x: 3, y: 74, state: 'dead-lettered', error: 'band B05 not found' });
    expect(countTileViews(views)).toEqual({ waiting: 1, queued: 0, 'in-flight': 0, finished: 1, 'dead-lettered': 1 });
  });
});

describe('useFleet', () => {
  const request: FleetStatusRequest = { cache: '/ws/plan.db', queue: 'tasks', configYaml: 'plugin: pq\n', aws: { endpoint: 'http://127.0.0.1:5000' } };
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    useFleet.getState().stop();
    vi.useRealTimers();
  });

  it('asks the host at once and every few seconds while watching, with the request it was given, and no more once stopped', async () => {
    const asked: FleetStatusRequest[] = [];
    const answers = [summary(2, 0, [tile(1, 'pending'), tile(2, 'pending')]), summary(0, 1, [tile(1, 'finished'), tile(2, 'pending')])];
    setApi(fakeApi({ fleetStatus: async (r) => (asked.push(r), answers[Math.min(asked.length, answers.length) - 1]!) }));
    useFleet.getState().watch(request);
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toEqual([request]);
    expect(useFleet.getState().status).toBe(answers[0]);
    await vi.advanceTimersByTimeAsync(FLEET_POLL_MS);
    expect(asked).toHaveLength(2);
    expect(fleetTileViews(useFleet.getState().status!).map((t) => t.state)).toEqual(['finished', 'in-flight']);
    useFleet.getState().stop();
    await vi.advanceTimersByTimeAsync(FLEET_POLL_MS * 3);
    expect(asked).toHaveLength(2);
    expect(useFleet.getState()).toMatchObject({ watched: null, status: null });
  });

  it('shows the host’s error and keeps asking; an answer to a run no longer watched is dropped', async () => {
    let fail = true;
    setApi(fakeApi({ fleetStatus: async () => (fail ? { error: 'queue not found: tasks' } : summary(1, 0, [tile(1, 'pending')])) }));
    useFleet.getState().watch(request);
    await vi.advanceTimersByTimeAsync(0);
    expect(useFleet.getState().error).toBe('queue not found: tasks');
    fail = false;
    await vi.advanceTimersByTimeAsync(FLEET_POLL_MS);
    expect(useFleet.getState()).toMatchObject({ error: null, status: { waiting: 1 } });

    const releases: Array<(s: FleetStatusSummary) => void> = [];
    setApi(fakeApi({ fleetStatus: () => new Promise((resolve) => releases.push(resolve)) }));
    useFleet.getState().watch({ ...request, queue: 'first' });
    useFleet.getState().watch({ ...request, queue: 'second' });
    releases[0]!(summary(9, 9, []));
    await vi.advanceTimersByTimeAsync(0);
    expect(useFleet.getState().status).toBeNull();
    releases[1]!(summary(3, 0, []));
    await vi.advanceTimersByTimeAsync(0);
    expect(useFleet.getState().status).toMatchObject({ waiting: 3 });
  });
});
