import { describe, expect, it } from 'vitest';
import { jsonLinesLog } from './worker-log.js';

describe('jsonLinesLog', () => {
  it('writes one JSON object per event, with the task as task, tile and period', () => {
    const lines: string[] = [];
    const log = jsonLinesLog('pod-7:12', (l) => lines.push(l), () => new Date(Date.UTC(2025, 0, 2, 3, 4, 5)));
    log.event('info', 'finished', { task: { period: '2021--P1Y', x: 3, y: -4 }, seconds: 1.5, skipped: undefined });
    log.event('warn', 'stopping', { signal: 'SIGTERM' });
    expect(lines).toEqual([
      '{"time":"2025-01-02T03:04:05.000Z","level":"info","worker":"pod-7:12","task":"2021--P1Y/03/-4","tile":"x03y-4","period":"2021--P1Y","event":"finished","seconds":1.5}',
      '{"time":"2025-01-02T03:04:05.000Z","level":"warn","worker":"pod-7:12","event":"stopping","signal":"SIGTERM"}',
    ]);
  });
});
