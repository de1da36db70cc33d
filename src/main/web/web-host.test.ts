import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, ApiEvent } from '../../shared/api.js';
import { httpApi } from '../../renderer/api/http-api.js';
import { startWebHost, type WebHost } from './web-host.js';

/** An Api whose methods echo their arguments, with events the test pushes. */
function fakeApi(): Api & { push(e: ApiEvent): void } {
  const listeners = new Set<(e: ApiEvent) => void>();
  const echo = (name: string) => (async (...args: unknown[]) => ({ name, args })) as never;
  return {
    version: async () => '9.9.9',
    hostInfo: async () => ({ version: '9.9.9', workspace: '/ws' }),
    planTasks: async () => ({ error: 'no catalogue' }),
    listTasks: echo('listTasks'),
    sampleCatalog: echo('sampleCatalog'),
    validateConfig: async () => [],
    startRun: echo('startRun'),
    cancelRun: async () => true,
    describeOutput: echo('describeOutput'),
    preview: echo('preview'),
    inspect: echo('inspect'),
    saveProject: echo('saveProject'),
    openProject: echo('openProject'),
    recentProjects: async () => [],
    publishTasks: echo('publishTasks'),
    queueStatus: echo('queueStatus'),
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    push: (e) => listeners.forEach((l) => l(e)),
  };
}

describe('web host', () => {
  let dir: string;
  let host: WebHost;
  const api = fakeApi();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'web-host-'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
    host = await startWebHost({ api, rendererDir: dir, port: 0 });
  });
  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on loopback only by default', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the Api to the browser client: arguments in, results and user errors out', async () => {
    const client = httpApi(`${host.url}api/`);
    expect(await client.version()).toBe('9.9.9');
    expect(await client.listTasks('/a.db')).toEqual({ name: 'listTasks', args: ['/a.db'] });
    expect(await client.saveProject('p', { name: 'n' } as never)).toEqual({ name: 'saveProject', args: ['p', { name: 'n' }] });
    expect(await client.planTasks({} as never)).toEqual({ error: 'no catalogue' });
  });

  it('refuses unknown methods and non-JSON posts', async () => {
    expect((await fetch(`${host.url}api/nope`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })).status).toBe(404);
    expect((await fetch(`${host.url}api/version`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '[]' })).status).toBe(415);
  });

  it('serves the renderer and refuses paths outside it', async () => {
    const index = await fetch(host.url);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('<title>app</title>');
    expect((await fetch(`${host.url}missing.js`)).status).toBe(404);
    expect((await fetch(`${host.url}..%2f..%2fetc%2fpasswd`)).status).toBe(403);
  });

  it('streams events as Server-Sent Events', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = http.get(`${host.url}api/events`, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes(': connected') && !text.includes('data:')) {
            api.push({ type: 'run-log', runId: 'r', time: 't', level: 'info', message: 'hello' });
          }
          if (text.includes('data:')) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.on('error', reject);
    });
    const line = received.split('\n').find((l) => l.startsWith('data:'))!;
    expect(JSON.parse(line.slice(5))).toMatchObject({ type: 'run-log', message: 'hello' });
  });
});
