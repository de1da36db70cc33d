/**
 * Publish the planned run to an SQS queue for the fleet, with the run config being edited, after
 * a confirmation that says what will run; then watch its tiles on the map.
 */
import { useState } from 'react';
import type { FleetStatusRequest, PublishTasksRequest, PublishTasksSummary, QueueStatusSummary } from '../../shared/api.js';
import type { AwsConnection } from '../../shared/aws-connection.js';
import { formatWorkerTime } from '../../shared/worker-time.js';
import { api } from '../api/api.js';
import { FLEET_COLOURS } from '../map/fleet-colours.js';
import { countTileViews, fleetTileViews, useFleet, type FleetTileView } from '../stores/fleet-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { formatCount } from '../util/format.js';
import { AwsSettings } from './AwsSettings.js';
import { FieldError } from './FieldError.js';

interface Pending {
  request: PublishTasksRequest;
  summary: PublishTasksSummary;
}

const STATE_NAMES: Record<FleetTileView, string> = {
  waiting: 'waiting',
  queued: 'waiting or in flight',
  'in-flight': 'in flight',
  finished: 'finished',
  'dead-lettered': 'dead-lettered',
};

export function CloudPanel() {
  const ws = useWorkspace();
  const [queue, setQueue] = useState('');
  const [cacheUri, setCacheUri] = useState('');
  const [onlyPicked, setOnlyPicked] = useState(false);
  // Kept with the project's settings (and localStorage), so a reload or a reopened project keeps them.
  const aws = ws.settings.aws ?? {};
  const setAws = (connection: AwsConnection) => ws.update({ settings: { ...ws.settings, aws: connection } });
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [published, setPublished] = useState<PublishTasksSummary | null>(null);
  const [status, setStatus] = useState<QueueStatusSummary | null>(null);
  const [busy, setBusy] = useState(false);

  const request = (): PublishTasksRequest | null => {
    if (!ws.cache) return setError('Plan tasks first: there is no task cache to publish.'), null;
    if (!queue.trim()) return setError('Give the queue: its name or URL.'), null;
    return {
      cache: ws.cache,
      queue: queue.trim(),
      configYaml: ws.configYaml,
      aws,
      ...(cacheUri.trim() && { cacheUri: cacheUri.trim() }),
      ...(onlyPicked && { selectors: ws.pickedTiles }),
    };
  };

  const prepare = async () => {
    setError(null);
    setPublished(null);
    const r = request();
    if (!r) return;
    setBusy(true);
    const answer = await api().publishTasks({ ...r, dryrun: true });
    setBusy(false);
    if ('error' in answer) return setError(answer.error);
    setPending({ request: r, summary: answer });
  };

  const publish = async () => {
    if (!pending) return;
    const { request: sent } = pending;
    setBusy(true);
    const answer = await api().publishTasks(sent);
    setBusy(false);
    setPending(null);
    if ('error' in answer) return setError(answer.error);
    setPublished(answer);
    const watched: FleetStatusRequest = {
      cache: sent.cache,
      cacheUri: answer.cacheUri,
      queue: answer.queueUrl ?? sent.queue,
      // The YAML published, not the editor's: the editor may change while the fleet works.
      ...(sent.configYaml !== undefined && { configYaml: sent.configYaml }),
      ...(sent.selectors && { selectors: sent.selectors }),
      ...(sent.aws && { aws: sent.aws }),
    };
    useFleet.getState().watch(watched);
  };

  const refresh = async () => {
    setError(null);
    if (!queue.trim()) return setError('Give the queue: its name or URL.');
    const answer = await api().queueStatus(queue.trim(), aws);
    if ('error' in answer) return setError(answer.error);
    setStatus(answer);
  };

  return (
    <section className="panel" aria-labelledby="cloud-heading">
      <h2 id="cloud-heading">5 · Publish to the fleet</h2>
      <label htmlFor="queue">SQS queue (name or URL)</label>
      <input id="queue" value={queue} onChange={(e) => setQueue(e.target.value)} aria-describedby="cloud-error" placeholder="odc-stats-tasks" />
      <label htmlFor="cache-uri">Task cache on S3 (for a local cache)</label>
      <input id="cache-uri" value={cacheUri} onChange={(e) => setCacheUri(e.target.value)} placeholder="s3://bucket/caches/NAME.db" />
      <label className="row">
        <input type="checkbox" checked={onlyPicked} onChange={(e) => setOnlyPicked(e.target.checked)} disabled={ws.pickedTiles.length === 0} />
        Only the picked tiles ({ws.pickedTiles.length})
      </label>
      <AwsSettings connection={aws} onChange={setAws} queue={queue} />
      <div className="row">
        <button type="button" onClick={prepare} disabled={busy || pending !== null}>
          Publish…
        </button>
        <button type="button" onClick={refresh}>
          Queue status
        </button>
      </div>
      <FieldError id="cloud-error" message={error} />
      {pending && <Confirmation pending={pending} busy={busy} onConfirm={publish} onCancel={() => setPending(null)} />}
      {published && (
        <p className={published.failed.length > 0 ? 'field-error' : 'ok'} data-testid="publish-result">
          Sent {published.sent} of {published.tasks} messages
          {published.failed.length > 0 && `; ${published.failed.length} failed: ${published.failed.map((f) => `${f.task} (${f.error})`).join(', ')}`}
        </p>
      )}
      {published?.jobManifest && (
        <details className="job-manifest">
          <summary>Kubernetes Job for this run</summary>
          <pre data-testid="job-manifest">{published.jobManifest}</pre>
        </details>
      )}
      <FleetWatch />
      {status && (
        <dl className="queue-status" data-testid="queue-status">
          <dt>Waiting</dt>
          <dd>{status.visible}</dd>
          <dt>In flight</dt>
          <dd>{status.inFlight}</dd>
          <dt>Dead-lettered</dt>
          <dd>{status.deadLetter ? status.deadLetter.visible : 'no DLQ'}</dd>
        </dl>
      )}
    </section>
  );
}

function Confirmation({ pending, busy, onConfirm, onCancel }: { pending: Pending; busy: boolean; onConfirm(): void; onCancel(): void }) {
  const { request, summary } = pending;
  const { run, estimate } = summary;
  return (
    <div role="dialog" aria-label="Confirm publishing" className="confirm" data-testid="publish-confirm">
      <p>
        Send <strong>{summary.tasks}</strong> task messages to <code>{request.queue}</code>?
      </p>
      <dl className="publish-facts">
        {run && (
          <>
            <dt>Plugin</dt>
            <dd data-testid="publish-plugin">{run.plugin}</dd>
            <dt>Product</dt>
            <dd data-testid="publish-product">{run.product}</dd>
            <dt>Version</dt>
            <dd data-testid="publish-version">{run.version}</dd>
            <dt>Outputs</dt>
            <dd data-testid="publish-location">
              <code>{run.outputLocation}</code>
            </dd>
            <dt>Run config</dt>
            <dd>
              <code>{run.configUri}</code>
            </dd>
          </>
        )}
        <dt>Tasks</dt>
        <dd data-testid="publish-tasks">
          {summary.tasks} of {summary.found} in <code>{summary.cacheUri}</code>
        </dd>
        {estimate && (
          <>
            <dt>Estimated cost</dt>
            <dd data-testid="publish-estimate">
              {formatWorkerTime(estimate.workerHours)} ({formatCount(estimate.pixelObservations)} pixel-observations)
            </dd>
          </>
        )}
      </dl>
      {run && run.warnings.length > 0 && (
        <ul className="field-error" data-testid="publish-warnings">
          {run.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <div className="row">
        <button type="button" onClick={onConfirm} disabled={busy}>
          Confirm publish
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** The watched run's counts, the clicked tile and a way to stop watching. */
function FleetWatch() {
  const watched = useFleet((s) => s.watched);
  const status = useFleet((s) => s.status);
  const error = useFleet((s) => s.error);
  const selected = useFleet((s) => s.selected);
  if (!watched) return null;
  const tiles = status ? fleetTileViews(status) : [];
  const counts = countTileViews(tiles);
  const tile = tiles.find((t) => t.task === selected);
  return (
    <div className="fleet-watch" data-testid="fleet-watch">
      <p role="status">
        Watching <code>{watched.queue}</code>
        {status ? '' : '…'}
      </p>
      {status && (
        <ul className="fleet-counts" data-testid="fleet-counts">
          {(Object.keys(counts) as FleetTileView[])
            .filter((state) => counts[state] > 0)
            .map((state) => (
              <li key={state} data-state={state}>
                <span className="swatch" style={{ background: FLEET_COLOURS[state] }} /> {counts[state]} {STATE_NAMES[state]}
              </li>
            ))}
          <li>
            queue: {status.waiting} waiting, {status.inFlight} in flight
          </li>
        </ul>
      )}
      {error && <p className="field-error">{error}</p>}
      {tile && (
        <div className="fleet-tile" data-testid="fleet-tile" data-state={tile.state}>
          <strong>
            Tile {tile.x},{tile.y}
          </strong>{' '}
          ({tile.period}): {STATE_NAMES[tile.state]}
          {tile.error && <pre className="fleet-error">{tile.error}</pre>}
        </div>
      )}
      <button type="button" onClick={() => useFleet.getState().stop()}>
        Stop watching
      </button>
    </div>
  );
}
