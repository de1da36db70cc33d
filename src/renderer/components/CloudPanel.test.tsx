// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FleetStatusRequest, PublishTasksRequest, PublishTasksSummary } from '../../shared/api.js';
import type { AwsConnection } from '../../shared/aws-connection.js';
import { setApi } from '../api/api.js';
import { useFleet } from '../stores/fleet-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { fakeApi } from '../test-support/fake-api.js';
import { resetStores } from '../test-support/reset-stores.js';
import { CloudPanel } from './CloudPanel.js';

const YAML = 'plugin: pq\nproduct: {name: tuned, version: 3.0.1}\noutput_location: s3://b/out/{product}/{version}\n';
const PICKED = ['2021--P1Y/218/74', '2021--P1Y/218/75'];

function answer(request: PublishTasksRequest): PublishTasksSummary {
  return {
    cacheUri: 's3://b/plan.db',
    found: 6,
    tasks: 2,
    run: { configUri: 's3://b/plan.run.yaml', plugin: 'pq', product: 'tuned', version: '3.0.1', outputLocation: 's3://b/out/tuned/3-0-1', warnings: [] },
    // At 900 k pixel-observations a second, five minutes.
    estimate: { pixelObservations: 270_000_000, workerHours: 300 / 3600 },
    sent: request.dryrun ? 0 : 2,
    failed: [],
    ...(!request.dryrun && { queueUrl: 'http://q/tasks', jobManifest: 'kind: Job\n# names s3://b/plan.run.yaml\n' }),
  };
}

beforeEach(() => {
  resetStores();
  setApi(fakeApi());
});
afterEach(() => {
  useFleet.getState().stop();
  cleanup();
});

function fillForm(connection: AwsConnection = {}) {
  fireEvent.change(screen.getByLabelText('SQS queue (name or URL)'), { target: { value: 'tasks' } });
  if (connection.profile) fireEvent.change(screen.getByLabelText('AWS profile'), { target: { value: connection.profile } });
  if (connection.region) fireEvent.change(screen.getByLabelText('AWS region'), { target: { value: connection.region } });
  if (connection.endpoint) fireEvent.change(screen.getByLabelText('AWS endpoint'), { target: { value: connection.endpoint } });
}

describe('CloudPanel', () => {
  it('publishes the YAML being edited with the settings’ connection, after a confirmation of what will run', async () => {
    const calls: PublishTasksRequest[] = [];
    const watched: FleetStatusRequest[] = [];
    setApi(fakeApi({ publishTasks: async (r) => (calls.push(r), answer(r)), fleetStatus: async (r) => (watched.push(r), { error: 'not yet' }) }));
    useWorkspace.getState().update({ cache: '/ws/plans/plan.db', pickedTiles: PICKED, configYaml: YAML });
    render(<CloudPanel />);
    fillForm({ profile: 'science', endpoint: 'http://127.0.0.1:5000' });
    fireEvent.click(screen.getByLabelText('Only the picked tiles (2)'));
    fireEvent.click(screen.getByRole('button', { name: 'Publish…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm publishing' });
    expect(dialog.textContent).toContain('Send 2 task messages to tasks?');
    expect(screen.getByTestId('publish-plugin').textContent).toBe('pq');
    expect(screen.getByTestId('publish-product').textContent).toBe('tuned');
    expect(screen.getByTestId('publish-version').textContent).toBe('3.0.1');
    expect(screen.getByTestId('publish-location').textContent).toBe('s3://b/out/tuned/3-0-1');
    expect(screen.getByTestId('publish-tasks').textContent).toBe('2 of 6 in s3://b/plan.db');
    expect(screen.getByTestId('publish-estimate').textContent).toBe('about 5 worker-minutes (270.0 million pixel-observations)');
    const sent = { cache: '/ws/plans/plan.db', queue: 'tasks', configYaml: YAML, aws: { profile: 'science', endpoint: 'http://127.0.0.1:5000' }, selectors: PICKED };
    expect(calls).toEqual([{ ...sent, dryrun: true }]);

    // Edits after the confirmation do not change what is published, nor what is watched.
    act(() => useWorkspace.getState().update({ configYaml: 'plugin: gm-s2\n' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm publish' }));
    expect((await screen.findByTestId('publish-result')).textContent).toBe('Sent 2 of 2 messages');
    expect(calls[1]).toEqual(sent);
    expect(screen.getByTestId('job-manifest').textContent).toContain('s3://b/plan.run.yaml');
    await waitFor(() => expect(watched).toHaveLength(1));
    expect(watched[0]).toEqual({ cache: '/ws/plans/plan.db', cacheUri: 's3://b/plan.db', queue: 'http://q/tasks', configYaml: YAML, selectors: PICKED, aws: sent.aws });
    expect(screen.getByTestId('fleet-watch').textContent).toContain('Watching http://q/tasks');
  });

  it('keeps the AWS connection with the project’s settings, so a reload or a reopened project has it', () => {
    render(<CloudPanel />);
    fillForm({ profile: 'science', region: 'ap-southeast-2' });
    expect(useWorkspace.getState().project().settings.aws).toEqual({ profile: 'science', region: 'ap-southeast-2' });
    cleanup();
    render(<CloudPanel />);
    expect((screen.getByLabelText('AWS profile') as HTMLInputElement).value).toBe('science');
  });

  it('says what is missing next to the queue field, and shows the host error in one sentence', async () => {
    setApi(fakeApi({ queueStatus: async () => ({ error: "queue 'nope' does not exist" }) }));
    render(<CloudPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Publish…' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Plan tasks first: there is no task cache to publish.');
    fireEvent.change(screen.getByLabelText('SQS queue (name or URL)'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Queue status' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe("queue 'nope' does not exist"));
    expect(screen.getByLabelText('SQS queue (name or URL)').getAttribute('aria-describedby')).toBe('cloud-error');
  });

  it('tests the connection with the settings and the queue, and says the answer or the error in one line', async () => {
    const tested: Array<[AwsConnection, string | undefined]> = [];
    setApi(
      fakeApi({
        testConnection: async (aws, queue) => {
          tested.push([aws, queue]);
          return aws.endpoint === 'http://127.0.0.1:9' ? { error: 'cannot reach SQS at http://127.0.0.1:9 (us-east-1): connection refused' } : { message: 'SQS at http://127.0.0.1:5000 (us-east-1) answered' };
        },
      }),
    );
    render(<CloudPanel />);
    fillForm({ region: 'us-east-1', endpoint: 'http://127.0.0.1:5000' });
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect((await screen.findByRole('status')).textContent).toBe('SQS at http://127.0.0.1:5000 (us-east-1) answered');
    fireEvent.change(screen.getByLabelText('AWS endpoint'), { target: { value: 'http://127.0.0.1:9' } });
    expect(screen.queryByTestId('connection-result')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect((await screen.findByRole('alert')).textContent).toBe('cannot reach SQS at http://127.0.0.1:9 (us-east-1): connection refused');
    expect(tested).toEqual([
      [{ region: 'us-east-1', endpoint: 'http://127.0.0.1:5000' }, 'tasks'],
      [{ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }, 'tasks'],
    ]);
  });

  it('counts the watched run’s tiles by state and shows the clicked tile’s error', async () => {
    setApi(
      fakeApi({
        fleetStatus: async () => ({
          queueUrl: 'http://q/tasks',
          waiting: 1,
          inFlight: 0,
          location: 's3://b/out',
          tiles: [
            { task: '2021--P1Y/218/74', period: '2021--P1Y', x: 218, y: 74, state: 'dead-lettered', error: "no band 'B05' in dataset s2a_1" },
            { task: '2021--P1Y/218/75', period: '2021--P1Y', x: 218, y: 75, state: 'pending' },
            { task: '2021--P1Y/219/75', period: '2021--P1Y', x: 219, y: 75, state: 'finished' },
          ],
        }),
      }),
    );
    render(<CloudPanel />);
    act(() => useFleet.getState().watch({ cache: '/ws/plan.db', queue: 'tasks' }));
    await waitFor(() => expect(screen.getByTestId('fleet-counts').textContent).toBe(' 1 waiting 1 finished 1 dead-lettered' + 'queue: 1 waiting, 0 in flight'));
    act(() => useFleet.getState().select('2021--P1Y/218/74'));
    const tile = screen.getByTestId('fleet-tile');
    expect(tile.getAttribute('data-state')).toBe('dead-lettered');
    expect(tile.textContent).toBe("Tile 218,74 (2021--P1Y): dead-lettered" + "no band 'B05' in dataset s2a_1");
    fireEvent.click(screen.getByRole('button', { name: 'Stop watching' }));
    expect(screen.queryByTestId('fleet-watch')).toBeNull();
  });
});
