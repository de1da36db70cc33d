/** Publish the planned run to an SQS queue for the fleet, after a confirmation, and watch the queue. */
import { useState } from 'react';
import { parse as parseYaml } from 'yaml';
import type { PublishTasksRequest, PublishTasksSummary, QueueStatusSummary } from '../../shared/api.js';
import { api } from '../api/api.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { FieldError } from './FieldError.js';

interface Pending {
  request: PublishTasksRequest;
  tasks: number;
  cacheUri: string;
}

/** The output_location of the run config being edited: where the fleet's workers will write. */
function outputLocationOf(yamlText: string): string | undefined {
  try {
    const doc = parseYaml(yamlText) as { output_location?: unknown } | null;
    return typeof doc?.output_location === 'string' ? doc.output_location : undefined;
  } catch {
    return undefined;
  }
}

export function CloudPanel() {
  const ws = useWorkspace();
  const [queue, setQueue] = useState('');
  const [cacheUri, setCacheUri] = useState('');
  const [onlyPicked, setOnlyPicked] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [published, setPublished] = useState<PublishTasksSummary | null>(null);
  const [status, setStatus] = useState<QueueStatusSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const outputLocation = outputLocationOf(ws.configYaml);

  const request = (): PublishTasksRequest | null => {
    if (!ws.cache) return setError('Plan tasks first: there is no task cache to publish.'), null;
    if (!queue.trim()) return setError('Give the queue: its name or URL.'), null;
    return {
      cache: ws.cache,
      queue: queue.trim(),
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
    setPending({ request: r, tasks: answer.tasks, cacheUri: answer.cacheUri });
  };

  const publish = async () => {
    if (!pending) return;
    setBusy(true);
    const answer = await api().publishTasks(pending.request);
    setBusy(false);
    setPending(null);
    if ('error' in answer) return setError(answer.error);
    setPublished(answer);
  };

  const refresh = async () => {
    setError(null);
    if (!queue.trim()) return setError('Give the queue: its name or URL.');
    const answer = await api().queueStatus(queue.trim());
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
      <div className="row">
        <button type="button" onClick={prepare} disabled={busy || pending !== null}>
          Publish…
        </button>
        <button type="button" onClick={refresh}>
          Queue status
        </button>
      </div>
      <FieldError id="cloud-error" message={error} />
      {pending && (
        <div role="dialog" aria-label="Confirm publishing" className="confirm" data-testid="publish-confirm">
          <p>
            Send <strong>{pending.tasks}</strong> task messages to <code>{pending.request.queue}</code>?
          </p>
          <p>
            Task cache: <code>{pending.cacheUri}</code>
            <br />
            Outputs: <code>{outputLocation ?? 'as the workers\u2019 config says (output_location)'}</code>
          </p>
          <div className="row">
            <button type="button" onClick={publish} disabled={busy}>
              Confirm publish
            </button>
            <button type="button" onClick={() => setPending(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {published && (
        <p className={published.failed.length > 0 ? 'field-error' : 'ok'} data-testid="publish-result">
          Sent {published.sent} of {published.tasks} messages
          {published.failed.length > 0 && `; ${published.failed.length} failed: ${published.failed.map((f) => `${f.task} (${f.error})`).join(', ')}`}
        </p>
      )}
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
