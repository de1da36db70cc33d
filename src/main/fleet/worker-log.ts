/**
 * The events of a queue worker as JSON lines, one per event, for a log collector (Loki,
 * CloudWatch): `{"time","level","worker","task","tile","period","event", ...details}`.
 */
import { regionCode } from '../../shared/grid.js';
import { formatTaskId, type TaskId } from '../../shared/task-id.js';

export type LogLevel = 'info' | 'warn' | 'error';

/** Details of an event; `task` becomes the `task`, `tile` and `period` fields. */
export interface EventDetails {
  task?: TaskId;
  [detail: string]: unknown;
}

export interface WorkerLog {
  event(level: LogLevel, event: string, details?: EventDetails): void;
}

export function jsonLinesLog(worker: string, writeLine: (line: string) => void, clock: () => Date = () => new Date()): WorkerLog {
  return {
    event(level, event, details = {}) {
      const { task, ...rest } = details;
      const line: Record<string, unknown> = { time: clock().toISOString(), level, worker };
      if (task) {
        line['task'] = formatTaskId(task);
        line['tile'] = regionCode(task);
        line['period'] = task.period;
      }
      line['event'] = event;
      for (const [key, value] of Object.entries(rest)) if (value !== undefined) line[key] = value;
      writeLine(JSON.stringify(line));
    },
  };
}
