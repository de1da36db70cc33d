import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../shared/api.js';
import { writeTestPlugin, writeTinyCache } from '../fleet/test-support/fleet-fixture.js';
import { saveTasks } from '../planner/save-tasks.js';
import { writeSampleCatalog } from '../sample/sample-catalog.js';
import { RunMonitor } from './run-monitor.js';
import { spawnNodeTaskProcess } from './task-process-node.js';

const PERIOD = '2021--P1Y';
const FIRST = `${PERIOD}/250/9900`;
const SECOND = `${PERIOD}/250/9901`;

/** A monitor whose events are kept, with a way to wait for one. */
function monitored() {
  const events: ApiEvent[] = [];
  const waiters: Array<{ match: (e: ApiEvent) => boolean; resolve: (e: ApiEvent) => void }> = [];
  const monitor = new RunMonitor(spawnNodeTaskProcess, (event) => {
    events.push(event);
    for (const w of waiters.filter((w) => w.match(event))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(event);
    }
  });
  const waitFor = (match: (e: ApiEvent) => boolean) => {
    const seen = events.find(match);
    return seen ? Promise.resolve(seen) : new Promise<ApiEvent>((resolve) => waiters.push({ match, resolve }));
  };
  return { monitor, events, waitFor };
}

describe('cancelling one task of a run', () => {
  let dir: string;
  let cache: string;
  let plugin: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'run-monitor-'));
    cache = await writeTinyCache(dir, 1, 2);
    plugin = writeTestPlugin(dir);
  });

  it('ends that task cancelled with none of its files left, and the other finished', async () => {
    const { monitor, events, waitFor } = monitored();
    const location = path.join(dir, 'out');
    // JSON is YAML. The second tile's files wait before they are renamed into place: it is cancelled mid-write.
    const configYaml = JSON.stringify({
      plugin,
      product: { name: 't', short_name: 't', version: '1.0.0' },
      plugin_config: { slow_writes: { '250/9901': 3000 } },
    });
    const { runId } = await monitor.start({ cache, tasks: [FIRST, SECOND], configYaml, outputLocation: location, threads: 2 });
    expect(monitor.cancelTask(runId, `${PERIOD}/1/1`)).toBe(false);
    await waitFor((e) => e.type === 'task-progress' && e.task === SECOND && e.stage === 'writing');
    expect(monitor.cancelTask(runId, SECOND)).toBe(true);
    const end = await waitFor((e) => e.type === 'run-finished');

    expect(end).toMatchObject({ summary: { finished: [FIRST], failed: [{ task: SECOND, error: 'cancelled' }] } });
    expect(events.filter((e) => e.type === 'task-result').map((e) => e.type === 'task-result' && [e.task, e.status, e.error])).toEqual(
      expect.arrayContaining([
        [FIRST, 'finished', undefined],
        [SECOND, 'failed', 'cancelled'],
      ]),
    );
    const folder = (x: number, y: number) => path.join(location, `x${x}`, `y${y}`, PERIOD);
    expect(existsSync(folder(250, 9901)) ? readdirSync(folder(250, 9901)) : []).toEqual([]);
    expect(readdirSync(folder(250, 9900))).toContain(`t_x250y9900_${PERIOD}.stac-item.json`);
    // The run is over: nothing is left to cancel.
    expect(monitor.cancelTask(runId, FIRST)).toBe(false);
  }, 60_000);
});

describe('the estimate of a run', () => {
  let cache: string;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'run-estimate-'));
    const sample = await writeSampleCatalog(path.join(dir, 'catalog'), { dates: 4, tiles: ['37MCU'] });
    // One tile of 100 × 100 pixels of 120 m inside 37MCU, seen on the sample's 4 dates.
    const plan = await saveTasks({ catalog: sample.catalogPath, inputProducts: ['s2_l2a'], grid: 'EPSG:32737;120;100', year: 2021, tiles: '29:30,820:821', output: path.join(dir, 'plan.db') });
    cache = plan.db;
  }, 60_000);

  const request = (resolution: string, threads: number) => ({
    cache,
    tasks: [`${PERIOD}/29/820`],
    configYaml: `plugin: pq\nplugin_config:\n  mask_band: SCL\nproduct:\n  name: p\n  short_name: p\n  version: 1.0.0\n${resolution}`,
    outputLocation: '/tmp/unused',
    threads,
  });

  it('counts the pixels at the resolution the config asks for, and says how fine the data is', async () => {
    const { monitor } = monitored();
    // At the grid's 120 m: 100² pixels × 4 dates.
    expect(await monitor.estimate(request('', 1))).toEqual({ tasks: 1, outputResolution: 120, inputResolution: 120, pixelObservations: 40_000, seconds: 40_000 / 900_000 });
    // At 10 m: the 12 km tile is 1200² pixels; 5.76 M pixel-observations at 900 000 a second.
    expect(await monitor.estimate(request('resolution: 10\n', 4))).toEqual({
      tasks: 1,
      outputResolution: 10,
      inputResolution: 120,
      pixelObservations: 5_760_000,
      // One task: one task process, however many workers were asked for.
      seconds: 6.4,
    });
  });
});
