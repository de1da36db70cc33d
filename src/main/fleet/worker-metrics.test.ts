import { afterEach, describe, expect, it } from 'vitest';
import { parseMetricsAddress, serveMetrics, type MetricsServer } from './metrics-server.js';
import { METRIC_NAMES, WorkerMetrics, withMetrics } from './worker-metrics.js';

describe('worker metrics', () => {
  it('count the log events and write the text exposition format', () => {
    const metrics = new WorkerMetrics();
    const logged: string[] = [];
    const log = withMetrics({ event: (_level, event) => logged.push(event) }, metrics);
    log.event('info', 'started');
    expect(metrics.render()).toContain('\nodc_stats_tasks_in_flight 1\n');
    log.event('info', 'lease-renewed');
    log.event('info', 'finished', { seconds: 42.5 });
    log.event('info', 'started');
    log.event('error', 'failed', { seconds: 0.5 });
    log.event('error', 'dead-lettered');
    log.event('error', 'dropped');
    expect(logged).toEqual(['started', 'lease-renewed', 'finished', 'started', 'failed', 'dead-lettered', 'dropped']);

    const text = metrics.render();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '# TYPE odc_stats_tasks_finished_total counter',
        'odc_stats_tasks_finished_total 1',
        'odc_stats_tasks_failed_total 1',
        'odc_stats_tasks_dead_lettered_total 2',
        'odc_stats_lease_renewals_total 1',
        'odc_stats_tasks_in_flight 0',
        '# TYPE odc_stats_task_duration_seconds histogram',
        'odc_stats_task_duration_seconds_bucket{outcome="finished",le="30"} 0',
        'odc_stats_task_duration_seconds_bucket{outcome="finished",le="60"} 1',
        'odc_stats_task_duration_seconds_bucket{outcome="finished",le="+Inf"} 1',
        'odc_stats_task_duration_seconds_sum{outcome="finished"} 42.5',
        'odc_stats_task_duration_seconds_count{outcome="failed"} 1',
        // Series that have seen nothing yet are there from the start, so that rate() sees them begin.
        'odc_stats_task_duration_seconds_count{outcome="skipped"} 0',
      ]),
    );
    // Every sample line names a metric the dashboard may chart, and each metric is typed once.
    for (const line of lines.filter((l) => l !== '' && !l.startsWith('#'))) expect(METRIC_NAMES).toContain(line.split(/[{ ]/)[0]);
    const types = lines.filter((l) => l.startsWith('# TYPE')).map((l) => l.split(' ')[2]);
    expect(new Set(types).size).toBe(types.length);
  });
});

describe('the metrics endpoint', () => {
  let server: MetricsServer | undefined;
  afterEach(() => server?.close());

  it('reads --metrics-port as a port on every interface, or HOST:PORT', () => {
    expect(parseMetricsAddress('9100')).toEqual({ host: '0.0.0.0', port: 9100 });
    expect(parseMetricsAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseMetricsAddress('[::1]:9100')).toEqual({ host: '::1', port: 9100 });
    for (const bad of ['', 'nine', '70000', '1.2.3.4:', ':9100x']) expect(() => parseMetricsAddress(bad), bad).toThrow(/^invalid --metrics-port/);
  });

  it('serves GET /metrics, and refuses a port that is taken in one line', async () => {
    server = await serveMetrics(() => 'odc_stats_tasks_in_flight 0\n', { host: '127.0.0.1', port: 0 });
    const response = await fetch(server.url);
    expect(await response.text()).toBe('odc_stats_tasks_in_flight 0\n');
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    const port = Number(new URL(server.url).port);
    await expect(serveMetrics(() => '', { host: '127.0.0.1', port })).rejects.toThrow(`cannot serve metrics on 127.0.0.1:${port}: the port is in use`);
  });
});
