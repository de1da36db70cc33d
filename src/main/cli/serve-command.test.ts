import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../test-support/spawn-cli.js';

const URL_LINE = /at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)\s/;

describe('odc-stats serve', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'serve-'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>served</title>');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function serve(host: string): Promise<{ url: string; stderr: string }> {
    const cli = startCli(['serve', '--port', '0', '--host', host, '--workspace', path.join(dir, 'ws'), '--renderer', dir]);
    try {
      await cli.waitForOutput(URL_LINE);
      const url = URL_LINE.exec(cli.stdout())![1]!;
      const redirect = await fetch(url, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      const cookie = redirect.headers.get('set-cookie')!.split(';')[0]!;
      const page = await fetch(new URL(redirect.headers.get('location')!, url), { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>served</title>');
      expect((await fetch(new URL('/', url))).status).toBe(403);
      return { url, stderr: cli.stderr() };
    } finally {
      cli.child.kill('SIGTERM');
      await cli.outcome;
    }
  }

  it('prints the URL with its access token, which opens the app', async () => {
    const { stderr } = await serve('127.0.0.1');
    expect(stderr).not.toMatch(/warning/);
  });

  it('warns on stderr when it listens beyond loopback', async () => {
    const { stderr } = await serve('0.0.0.0');
    expect(stderr).toMatch(/^warning: listening on 0\.0\.0\.0, beyond this machine: whoever has the URL with its token/m);
  });
});
