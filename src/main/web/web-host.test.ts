import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, ApiEvent } from '../../shared/api.js';
import { httpApi } from '../../renderer/api/http-api.js';
import { allowedHostHeaders, isLoopbackHost } from './web-access.js';
import { startWebHost, type WebHost } from './web-host.js';

/** An Api whose methods echo their arguments, with events the test pushes. */
function fakeApi(): Api & { push(e: ApiEvent): void } {
  const listeners = new Set<(e: ApiEvent) => void>();
  const echo = (name: string) => (async (...args: unknown[]) => ({ name, args })) as never;
  return {
    version: async () => '9.9.9',
    hostInfo: async () => ({ version: '9.9.9', workspace: '/ws', sampleCatalog: '/ws/sample-catalog/catalog.json' }),
    planTasks: async () => ({ error: 'no catalogue' }),
    cancelPlan: async () => true,
    listTasks: echo('listTasks'),
    sampleCatalog: echo('sampleCatalog'),
    validateConfig: async () => [],
    startRun: echo('startRun'),
    cancelRun: async () => true,
    estimateRun: echo('estimateRun'),
    cancelTask: async () => true,
    describeOutput: echo('describeOutput'),
    preview: echo('preview'),
    inspect: echo('inspect'),
    pixelStory: echo('pixelStory'),
    observationView: echo('observationView'),
    histogram: echo('histogram'),
    saveProject: echo('saveProject'),
    openProject: echo('openProject'),
    recentProjects: async () => [],
    publishTasks: echo('publishTasks'),
    queueStatus: echo('queueStatus'),
    testConnection: echo('testConnection'),
    fleetStatus: echo('fleetStatus'),
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    push: (e) => listeners.forEach((l) => l(e)),
  };
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with exactly these headers (fetch would not let a test set Host). */
function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('web host', () => {
  let dir: string;
  let host: WebHost;
  const api = fakeApi();
  const json = { 'content-type': 'application/json' };
  /** What a script sends: the token in a header. */
  const withToken = (headers: Record<string, string> = {}) => ({ ...headers, 'x-odc-stats-token': host.token });
  const post = (method: string, body: string, headers: Record<string, string> = withToken(json)) =>
    fetch(`${host.origin}/api/${method}`, { method: 'POST', headers, body });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'web-host-'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
    host = await startWebHost({ api, rendererDir: dir, port: 0 });
  });
  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on loopback only by default, with a fresh random token in its URL', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    expect(host.url).toBe(`${host.origin}/?token=${host.token}`);
    const other = await startWebHost({ api, rendererDir: dir, port: 0 });
    await other.close();
    expect(other.token).not.toBe(host.token);
  });

  it('serves the Api to the browser client: arguments in, results and user errors out', async () => {
    const client = httpApi(`${host.origin}/api/`, (input, init) => fetch(input, { ...init, headers: withToken(init?.headers as Record<string, string>) }));
    expect(await client.version()).toBe('9.9.9');
    expect(await client.listTasks('/a.db')).toEqual({ name: 'listTasks', args: ['/a.db'] });
    expect(await client.saveProject('p', { name: 'n' } as never)).toEqual({ name: 'saveProject', args: ['p', { name: 'n' }] });
    expect(await client.planTasks({} as never)).toEqual({ error: 'no catalogue' });
  });

  it('refuses unknown methods and non-JSON posts', async () => {
    expect((await post('nope', '[]')).status).toBe(404);
    expect((await post('version', '[]', withToken({ 'content-type': 'text/plain' }))).status).toBe(415);
  });

  it('answers a malformed body with 400 and one line, a body too large with 413', async () => {
    const invalid = await post('listTasks', '["/a.db"');
    expect(invalid.status).toBe(400);
    const { error } = (await invalid.json()) as { error: string };
    expect(error).toMatch(/^the body is not valid JSON: /);
    expect(error).not.toContain('\n');
    const notArray = await post('listTasks', '{"cache": "/a.db"}');
    expect(notArray.status).toBe(400);
    expect(await notArray.json()).toEqual({ error: 'the body must be a JSON array of arguments' });
    const tooLarge = await post('listTasks', JSON.stringify(['x'.repeat(21 * 1024 * 1024)]));
    expect(tooLarge.status).toBe(413);
  });

  it('serves the renderer with its Content Security Policy, and refuses paths outside it', async () => {
    const index = await fetch(host.origin, { headers: withToken() });
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('content-security-policy')).toMatch(/^default-src 'self';.*worker-src 'self' blob:.*frame-ancestors 'none'$/);
    expect(await index.text()).toContain('<title>app</title>');
    expect((await fetch(`${host.origin}/missing.js`, { headers: withToken() })).status).toBe(404);
    expect((await fetch(`${host.origin}/..%2f..%2fetc%2fpasswd`, { headers: withToken() })).status).toBe(403);
  });

  it('answers /favicon.ico with an ICO to anyone, without the token', async () => {
    const favicon = await fetch(`${host.origin}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toBe('image/x-icon');
    const ico = Buffer.from(await favicon.arrayBuffer());
    expect(ico.readUInt16LE(0)).toBe(0); // reserved
    expect(ico.readUInt16LE(2)).toBe(1); // 1 = icon
    expect(ico.readUInt16LE(4)).toBe(3); // 16, 32 and 48 px
    expect(ico.length).toBe(6 + 16 * 3 + [0, 1, 2].reduce((n, i) => n + ico.readUInt32LE(6 + 16 * i + 8), 0));
  });

  it('refuses requests without the token, with a wrong one, or with a wrong one in the URL', async () => {
    const page = await fetch(host.origin);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('Open the URL that <code>odc-stats serve</code> printed');
    expect((await fetch(`${host.origin}/index.html`)).status).toBe(403);
    expect((await post('version', '[]', json)).status).toBe(403);
    expect((await post('version', '[]', { ...json, 'x-odc-stats-token': `${host.token.slice(1)}x` })).status).toBe(403);
    expect((await post('version', '[]', { ...json, authorization: 'Bearer nope' })).status).toBe(403);
    expect((await post('version', '[]', { ...json, cookie: `odc-stats-token-1=${host.token}` })).status).toBe(403);
    const wrongUrl = await fetch(`${host.origin}/?token=nope`, { redirect: 'manual' });
    expect(wrongUrl.status).toBe(403);
    expect(wrongUrl.headers.get('set-cookie')).toBeNull();
    expect((await rawRequest(`${host.origin}/api/events`)).status).toBe(403);
  });

  it('trades the token in the URL for an HttpOnly, SameSite=Strict cookie, then works by that cookie', async () => {
    const first = await fetch(host.url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/');
    const setCookie = first.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    expect(cookie).toBe(`odc-stats-token-${new URL(host.origin).port}=${host.token}`);
    const index = await fetch(`${host.origin}/`, { headers: { cookie } });
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>app</title>');
    expect(await (await post('version', '[]', { ...json, cookie })).json()).toBe('9.9.9');
    expect(await (await post('version', '[]', { ...json, authorization: `Bearer ${host.token}` })).json()).toBe('9.9.9');
  });

  it('refuses a foreign Host (DNS rebinding) and a cross-origin Origin, even with the token', async () => {
    const port = new URL(host.origin).port;
    const rebound = await rawRequest(`${host.origin}/api/version`, { method: 'POST', headers: withToken({ ...json, host: `attacker.example:${port}` }), body: '[]' });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toEqual({ error: `refused: unknown Host 'attacker.example:${port}'` });
    expect((await rawRequest(host.url, { headers: { host: `attacker.example:${port}` } })).status).toBe(403);
    expect((await rawRequest(host.url, { headers: { host: `127.0.0.1:${Number(port) + 1}` } })).status).toBe(403);
    const crossOrigin = await rawRequest(`${host.origin}/api/version`, { method: 'POST', headers: withToken({ ...json, origin: 'http://attacker.example' }), body: '[]' });
    expect(crossOrigin.status).toBe(403);
    expect((await rawRequest(`${host.origin}/api/events`, { headers: withToken({ origin: 'http://attacker.example' }) })).status).toBe(403);
    // The host's own names and origin pass.
    for (const name of ['localhost', '127.0.0.1', 'LOCALHOST']) {
      const own = await rawRequest(`${host.origin}/api/version`, { method: 'POST', headers: withToken({ ...json, host: `${name}:${port}`, origin: `http://${name}:${port}` }), body: '[]' });
      expect(own.status).toBe(200);
    }
  });

  it('streams events as Server-Sent Events', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = http.get(`${host.origin}/api/events`, { headers: withToken() }, (res) => {
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

describe('web access', () => {
  it('answers the loopback names and the bound address, each with its port', () => {
    expect([...allowedHostHeaders('127.0.0.1', 8765)].sort()).toEqual(['127.0.0.1:8765', '[::1]:8765', 'localhost:8765']);
    expect(allowedHostHeaders('192.168.1.5', 8765)).toContain('192.168.1.5:8765');
    expect(allowedHostHeaders('fe80::1', 80)).toEqual(new Set(['127.0.0.1:80', '127.0.0.1', 'localhost:80', 'localhost', '[::1]:80', '[::1]', '[fe80::1]:80', '[fe80::1]']));
  });

  it('tells loopback addresses from others', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.5', 'example.org', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
  });
});
