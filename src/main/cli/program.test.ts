import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../test-support/capture-io.js';
import { main } from './program.js';
import { APP_VERSION } from '../version.js';

const ITEM = {
  type: 'Feature',
  stac_version: '1.0.0',
  id: 'one',
  collection: 'prod',
  geometry: { type: 'Polygon', coordinates: [[[10.2, 20.2], [10.8, 20.2], [10.8, 20.8], [10.2, 20.8], [10.2, 20.2]]] },
  bbox: [10.2, 20.2, 10.8, 20.8],
  properties: { datetime: '2021-03-10T10:00:00Z' },
  assets: {},
  links: [],
};

function workspace(): { dir: string; catalog: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  const catalog = path.join(dir, 'items.ndjson');
  writeFileSync(catalog, `${JSON.stringify(ITEM)}\n${JSON.stringify({ ...ITEM, id: 'two' })}\n`);
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
  const cases: Array<[string, (c: string, d: string) => string[], RegExp]> = [
    ['unknown grid', (c) => [...base(c).slice(0, -1), 'au-15'], /^odc-stats: error: .*au-15/],
    ['malformed range', (c) => [...base(c), '--temporal-range', '2020--P1X'], /^odc-stats: error: invalid temporal range '2020--P1X'/],
    ['unknown frequency', (c) => [...base(c), '--frequency', 'weekly'], /^odc-stats: error: .*'weekly'/],
    ['--year with --temporal-range', (c) => [...base(c), '--year', '2021', '--temporal-range', '2021--P1Y'], /^odc-stats: error: give either --year or --temporal-range, not both$/],
    ['missing products', (c) => ['save-tasks', '--catalog', c, '--grid', 'au-30'], /^odc-stats: error: no input products/],
    ['missing catalogue', (_c, d) => [...base(path.join(d, 'nope.json'))], /^odc-stats: error: catalogue not found: .*nope\.json$/],
    ['not STAC', (_c, d) => [...base(path.join(d, 'notstac.json'))], /^odc-stats: error: .*is not a STAC/],
    ['unknown option', (c) => [...base(c), '--gird', 'x'], /^error: unknown option '--gird'/],
    ['no datasets', (c) => [...base(c), '--year', '2019'], /^odc-stats: error: no datasets found in /],
  ];

  it.each(cases)('ends %s with one line and a non-zero exit, writing nothing', async (_name, args, message) => {
    const { dir, catalog } = workspace();
    writeFileSync(path.join(dir, 'notstac.json'), JSON.stringify({ hello: 'world' }));
    const outDir = path.join(dir, 'out');
    mkdirSync(outDir);
    const r = await run([...args(catalog, dir), path.join(outDir, 'o.db')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.join('\n').split('\n').filter((l) => l.trim() !== '')).toHaveLength(1);
    expect(r.stderr[0]).toMatch(message);
    expect(readdirSync(outDir)).toEqual([]);
  });

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
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.resolve('src/main/cli/main.ts'), ...base(`http://127.0.0.1:${port}/items.ndjson`), path.join(dir, 'o.db')],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += String(d)));
      await new Promise((r) => setTimeout(r, 3000));
      expect(readdirSync(dir).length).toBeGreaterThan(0); // the temporary cache is being written
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code).toBe(130);
      expect(stderr).toContain('interrupted');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
