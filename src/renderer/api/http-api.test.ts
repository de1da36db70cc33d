import { describe, expect, it } from 'vitest';
import { httpApi } from './http-api.js';

describe('httpApi', () => {
  it('posts the arguments as a JSON array to /api/METHOD', async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    const fetchImpl = (async (url: string, init?: RequestInit) => {
      calls.push([url, init]);
      return new Response(JSON.stringify({ ok: 1 }), { status: 200 });
    }) as typeof fetch;
    const api = httpApi('/api/', fetchImpl);
    expect(await api.listTasks('/a.db')).toEqual({ ok: 1 });
    expect(calls[0]![0]).toBe('/api/listTasks');
    expect(calls[0]![1]).toMatchObject({ method: 'POST', body: '["/a.db"]', headers: { 'content-type': 'application/json' } });
  });

  it('turns a host that does not answer into a user error', async () => {
    const api = httpApi('/api/', (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch);
    expect(await api.version()).toEqual({ error: expect.stringMatching(/does not answer/) });
  });
});
