/**
 * A worker's Prometheus metrics. They are counted from the worker's log events (every event the
 * queue consumer logs passes through `withMetrics`), so that metrics and logs cannot disagree,
 * and written in Prometheus' text exposition format (version 0.0.4).
 */
import type { EventDetails, WorkerLog } from './worker-log.js';

interface CounterDef {
  name: string;
  help: string;
  /** The log events that add one. */
  events: readonly string[];
}

const COUNTERS: readonly CounterDef[] = [
  { name: 'odc_stats_tasks_finished_total', help: 'Tasks computed; their messages deleted.', events: ['finished'] },
  { name: 'odc_stats_tasks_skipped_total', help: 'Tasks found finished already (their STAC item exists); their messages deleted.', events: ['skipped'] },
  { name: 'odc_stats_tasks_failed_total', help: 'Tries of a task that failed (an error, a crash, max_processing_time); the message goes back or to the dead-letter queue.', events: ['failed'] },
  { name: 'odc_stats_tasks_dead_lettered_total', help: 'Messages moved to the dead-letter queue (or dropped without one).', events: ['dead-lettered', 'dropped'] },
  { name: 'odc_stats_tasks_released_total', help: 'Tasks given back unfinished because the worker was stopped.', events: ['released'] },
  { name: 'odc_stats_lease_renewals_total', help: 'Leases on messages extended while their tasks ran.', events: ['lease-renewed'] },
  { name: 'odc_stats_lease_renewal_failures_total', help: 'Lease renewals SQS failed (tried again until the lease runs out).', events: ['lease-renewal-failed'] },
  { name: 'odc_stats_leases_lost_total', help: 'Tasks given up because their lease was lost.', events: ['lease-lost'] },
];

const IN_FLIGHT = 'odc_stats_tasks_in_flight';
const DURATION = 'odc_stats_task_duration_seconds';
/** Seconds: tasks take from under a second (skipped) to hours (a continent's tile). */
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400];
const DURATION_OUTCOMES = ['finished', 'skipped', 'failed'] as const;
/** Events that end a task this worker started. */
const TASK_ENDS = new Set(['finished', 'skipped', 'failed', 'lease-lost', 'released']);

/** Every metric name the worker exposes (series names of the histogram included), for dashboards to be checked against. */
export const METRIC_NAMES: readonly string[] = [
  ...COUNTERS.map((c) => c.name),
  IN_FLIGHT,
  ...['bucket', 'sum', 'count'].map((suffix) => `${DURATION}_${suffix}`),
];

interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

export class WorkerMetrics {
  private readonly counts = new Map<string, number>(COUNTERS.map((c) => [c.name, 0]));
  private inFlight = 0;
  private readonly durations = new Map<string, Histogram>(DURATION_OUTCOMES.map((o) => [o, { buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 }]));

  record(event: string, details: EventDetails = {}): void {
    for (const counter of COUNTERS) if (counter.events.includes(event)) this.counts.set(counter.name, this.counts.get(counter.name)! + 1);
    if (event === 'started') this.inFlight++;
    else if (TASK_ENDS.has(event)) this.inFlight = Math.max(0, this.inFlight - 1);
    const histogram = this.durations.get(event);
    const seconds = details['seconds'];
    if (histogram && typeof seconds === 'number' && Number.isFinite(seconds)) {
      DURATION_BUCKETS.forEach((bound, i) => {
        if (seconds <= bound) histogram.buckets[i]!++;
      });
      histogram.sum += seconds;
      histogram.count++;
    }
  }

  /** The metrics in the text exposition format. */
  render(): string {
    const lines: string[] = [];
    for (const { name, help } of COUNTERS) lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${this.counts.get(name)!}`);
    lines.push(`# HELP ${IN_FLIGHT} Tasks this worker is computing now (0 or 1).`, `# TYPE ${IN_FLIGHT} gauge`, `${IN_FLIGHT} ${this.inFlight}`);
    lines.push(`# HELP ${DURATION} Seconds from a message's receipt to its task's end, by outcome.`, `# TYPE ${DURATION} histogram`);
    for (const [outcome, h] of this.durations) {
      DURATION_BUCKETS.forEach((bound, i) => lines.push(`${DURATION}_bucket{outcome="${outcome}",le="${bound}"} ${h.buckets[i]!}`));
      lines.push(`${DURATION}_bucket{outcome="${outcome}",le="+Inf"} ${h.count}`, `${DURATION}_sum{outcome="${outcome}"} ${h.sum}`, `${DURATION}_count{outcome="${outcome}"} ${h.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

/** The log, each of whose events is also counted in `metrics`. */
export function withMetrics(log: WorkerLog, metrics: WorkerMetrics): WorkerLog {
  return {
    event(level, event, details) {
      log.event(level, event, details);
      metrics.record(event, details);
    },
  };
}
