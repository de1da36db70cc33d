/**
 * The exit status of `odc-stats` as a real process reports it (docs/exit-codes.md): a failed
 * task, message or demo run is 1 whatever else went well, a bug is 70, and a reader that stops
 * early is no error.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_COLLECTION } from '../sample/sample-catalog.js';
import { writeTinyCache } from '../fleet/test-support/fleet-fixture.js';
import { s3Client } from '../../io/s3-client.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { linesOf, runCli, startCli } from '../test-support/spawn-cli.js';
import { startSqsStub, type SqsStub } from '../test-support/sqs-stub.js';
import { boxItem, tiffAsset, type LonLatBox } from '../test-support/stac-items.js';
import type { StacItem } from '../../shared/stac.js';

const STAT_THROWS = fileURLToPath(new URL('../test-support/faults/stat-throws.ts', import.meta.url));

/** A STAC item over the given lon/lat box whose only asset, SCL, does not exist. */
function itemWithMissingAsset(id: string, day: string, box: LonLatBox): StacItem {
  return boxItem(id, box, `${day}T08:00:00Z`, { collection: SAMPLE_COLLECTION, assets: { SCL: tiffAsset(`./missing/${id}_SCL.tif`) } });
}

describe('odc-stats exit status', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'exit-status-'));
  });

  it('is 1 for a user error, with one line on stderr and no stack trace', async () => {
    const r = await runCli(['run', path.join(dir, 'no-such.db'), '--plugin', 'pq', '--location', dir]);
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual([`odc-stats: error: task cache not found: ${path.join(dir, 'no-such.db')}`]);
  });

  it('is 70 for a bug, with its stack trace', async () => {
    const config = path.join(dir, 'run.yaml');
    writeFileSync(config, 'plugin: pq\n');
    const r = await runCli(['run', path.join(dir, 'x.db'), '--config', config], { preload: [STAT_THROWS] });
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/^odc-stats: internal error: TypeError: injected fault: stat is broken\n\s+at /);
  });

  it('is 1 for a demo whose task fails', async () => {
    const folder = path.join(dir, 'demo');
    mkdirSync(path.join(folder, 'catalog'), { recursive: true });
    // A demo folder that has its catalogue already: one scene near Nairobi whose file is gone.
    writeFileSync(path.join(folder, 'catalog', 'item.json'), JSON.stringify(itemWithMissingAsset('gone', '2021-05-01', [36.80, -1.30, 36.85, -1.25])));
    writeFileSync(
      path.join(folder, 'catalog', 'catalog.json'),
      JSON.stringify({ type: 'Catalog', stac_version: '1.0.0', id: 'demo', description: 'one missing scene', links: [{ rel: 'item', href: './item.json' }] }),
    );
    const r = await runCli(['demo', folder, '--threads', '1'], { timeoutMs: 120_000 });
    expect(r.stdout).toMatch(/failed: cannot read .*missing\/gone_SCL\.tif/);
    expect(r.code).toBe(1);
  }, 150_000);

  it('is 0 when the reader of its output stops early (run --dryrun | head -1), without a word on stderr', async () => {
    const items = path.join(dir, 'many.ndjson');
    // One scene over 10 000 tiles of a 0.01° grid: more lines of dry run than a pipe holds.
    writeFileSync(items, `${JSON.stringify({ ...itemWithMissingAsset('wide', '2021-05-01', [10, 20, 11, 21]), collection: 'prod' })}\n`);
    const cache = path.join(dir, 'many.db');
    expect((await runCli(['save-tasks', '--catalog', items, '--input-products', 'prod', '--grid', 'epsg:4326;0.001;10', '--year', '2021', cache])).code).toBe(0);
    const cli = startCli(['run', cache, '--plugin', 'pq', '--location', path.join(dir, 'out'), '--dryrun']);
    cli.child.stdout!.once('data', () => cli.child.stdout!.destroy());
    const r = await cli.outcome;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  describe('publish-tasks', () => {
    motoForTests();
    let stub: SqsStub;
    beforeAll(async () => {
      await s3Client().send(new CreateBucketCommand({ Bucket: 'caches' }));
      stub = await startSqsStub({ refuse: (body) => body.includes('"2021--P1Y/250/9901"') });
    }, 60_000);
    afterAll(async () => {
      await stub?.stop();
    });

    it('is 1 when a message was not sent, though the others were', async () => {
      const cache = await writeTinyCache(mkdtempSync(path.join(dir, 'pub-')), 2, 2);
      const r = await runCli(['publish-tasks', cache, 'tasks', '--cache-uri', 's3://caches/tiny.db'], {
        env: { AWS_ENDPOINT_URL_SQS: stub.endpoint },
      });
      expect(r.stdout).toContain('Published 3 of 4 tasks');
      expect(r.stdout).toMatch(/2021--P1Y\/250\/9901: InvalidMessageContents: refused by the test/);
      expect(stub.bodies).toHaveLength(3);
      expect(r.code).toBe(1);
    });
  });
});
