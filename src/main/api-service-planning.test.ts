import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiService } from './api-service.js';
import { boxItem, ndjson } from './test-support/stac-items.js';

/** 4000 items, each over 900 tiles of 0.01°: a plan of several seconds, a few milliseconds an item. */
function slowCatalogue(dir: string): string {
  const items = Array.from({ length: 4000 }, (_, i) => boxItem(`i${i}`, [10, 10, 10.3, 10.3], new Date(Date.UTC(2021, 0, 1 + (i % 360), 10)).toISOString()));
  const file = path.join(dir, 'items.ndjson');
  writeFileSync(file, ndjson(items));
  return file;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('planning in the host', () => {
  it('keeps answering while it plans, and a cancelled plan answers an error and leaves no files', async () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'api-planning-'));
    const catalog = slowCatalogue(workspace);
    const api = createApiService({
      workspace,
      spawn: () => {
        throw new Error('no worker runs in these tests');
      },
    });
    const plans = path.join(workspace, 'plans');
    try {
      let settled = false;
      const planned = api.planTasks({ planId: 'p1', catalog, inputProducts: ['prod'], grid: 'epsg:4326;0.001;10', year: 2021 });
      void planned.then(() => (settled = true));
      while (!(existsSync(plans) && readdirSync(plans).some((f) => f.endsWith('.tmp')))) {
        expect(settled).toBe(false);
        await sleep(10);
      }

      // Other calls and timers get their turn while the items are read (a blocked event loop
      // would answer them only once the plan is done).
      for (let i = 0; i < 10; i++) {
        expect(await api.version()).toMatch(/^\d+\.\d+\.\d+/);
        await sleep(5);
      }
      expect(settled).toBe(false);

      expect(await api.cancelPlan('p1')).toBe(true);
      expect(await planned).toMatchObject({ error: 'planning cancelled; nothing was written' });
      expect(readdirSync(plans)).toEqual([]);
      expect(await api.cancelPlan('p1')).toBe(false);
    } finally {
      api.close();
    }
  });
});
