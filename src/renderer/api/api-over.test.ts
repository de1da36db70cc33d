import { describe, expect, it } from 'vitest';
import { API_METHODS, type ApiBridge, type ApiEvent, type ApiMethod } from '../../shared/api.js';
import { apiOver } from './api-over.js';

describe('apiOver', () => {
  it('carries every method as its name and its arguments, and answers with what the bridge answers', async () => {
    const calls: Array<[ApiMethod, unknown[]]> = [];
    const bridge: ApiBridge = {
      call: async (method, args) => {
        calls.push([method, args]);
        return `answer of ${method}`;
      },
      onEvent: () => () => undefined,
    };
    const api = apiOver(bridge);
    expect(await api.saveProject('a.json', { name: 'p' } as never)).toBe('answer of saveProject');
    expect(await api.version()).toBe('answer of version');
    expect(calls).toEqual([
      ['saveProject', ['a.json', { name: 'p' }]],
      ['version', []],
    ]);
    for (const method of API_METHODS) expect(typeof api[method]).toBe('function');
  });

  it('passes events through and unsubscribes with the bridge', () => {
    const listeners = new Set<(event: ApiEvent) => void>();
    const api = apiOver({
      call: async () => null,
      onEvent: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    });
    const seen: ApiEvent[] = [];
    const stop = api.onEvent((event) => seen.push(event));
    const event = { type: 'run-log', runId: 'r', line: 'hello' } as unknown as ApiEvent;
    for (const l of listeners) l(event);
    stop();
    expect(seen).toEqual([event]);
    expect(listeners.size).toBe(0);
  });
});
