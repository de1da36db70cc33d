import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxItem, ndjson, tiffAsset } from '../test-support/stac-items.js';
import { captureIo } from '../test-support/capture-io.js';
import { startCli } from '../test-support/spawn-cli.js';
import { main } from './program.js';
import { APP_VERSION } from '../version.js';


const ITEM = boxItem('one', [10.2, 20.2, 10.8, 20.8], '2021-03-10T10:00:00Z', { assets: { red: tiffAsset('./red.tif') } });

function workspace(): { dir: string; catalog: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  const catalog = path.join(dir, 'items.ndjson');
  writeFileSync(catalog, ndjson([ITEM, { ...ITEM, id: 'two' }]));
  return { dir, catalog };
}

async function run(args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const io = captureIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('odc-stats CLI', () => {
  it('prints its version and help', async () => {
    expect(await run(['--version'])).toMatchObject({ code: 0, stdout: [APP_VERSION] });
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.join('\n')).toContain('save-tasks');
    const sub = await run(['save-tasks', '--help']);
    expect(sub.stdout.join('\n')).toMatch(/--temporal-range <RANGE>/);
  });

  it('plans from options and from a YAML config, options winning', async () => {
    const { dir, catalog } = workspace();
    const cfg = path.join(dir, 'plan.yaml');
    writeFileSync(cfg, ['grid: au-30', 'frequency: annual', 'input_products: prod', 'plugin: gm-s2', ''].join('\n'));
    const out = path.join(dir, 'plan.db');
    const r = await run(['save-tasks', '--config', cfg, '--grid', 'epsg:4326;0.1;10', '--catalog', catalog, '--year', '2021', out]);
    expect(r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout.join('\n')).toContain('Planned 1 tasks on 1 tiles of EPSG:4326;0.1;10, annual 2021--P1Y, from 2 datasets');
    expect(readdirSync(dir).sort()).toEqual(['items.ndjson', 'plan-2021--P1Y.geojson', 'plan.csv', 'plan.db', 'plan.yaml']);
  });

  const base = (catalog: string) => ['save-tasks', '--catalog', catalog, '--input-products', 'prod', '--grid', 'epsg:4326;0.1;10'];
  it('refuses existing outputs without --overwrite', async () => {
    const { dir, catalog } = workspace();
    const out = path.join(dir, 'o.db');
    expect((await run([...base(catalog), out])).code).toBe(0);
    const again = await run([...base(catalog), out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toEqual([`odc-stats: error: output exists: ${out} (use --overwrite to replace it)`]);
    expect((await run([...base(catalog), '--overwrite', out])).code).toBe(0);
  });

  it('leaves nothing behind when interrupted with Ctrl-C', async () => {
    // A catalogue that streams items slowly and never ends, so the plan is mid-way when interrupted.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/geo+json-seq' });
      let n = 0;
      const timer = setInterval(() => res.write(`${JSON.stringify({ ...ITEM, id: `i${n++}` })}\n`), 20);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-int-'));
    try {
      const cli = startCli([...base(`http://127.0.0.1:${port}/items.ndjson`), path.join(dir, 'o.db')]);
      // The temporary cache is being written: the plan is under way.
      while (readdirSync(dir).length === 0) await new Promise((r) => setTimeout(r, 50));
      cli.child.kill('SIGINT');
      const { code, stderr } = await cli.outcome;
      expect(code).toBe(130);
      expect(stderr).toContain('interrupted');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
