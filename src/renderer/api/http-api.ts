/**
 * The `Api` over HTTP, for the renderer served by `odc-stats serve`: each method is a POST to
 * /api/METHOD with its arguments as a JSON array; events arrive as Server-Sent Events.
 */
import type { Api, ApiEvent, ApiMethod } from '../../shared/api.js';
import { apiOver } from './api-over.js';

export function httpApi(base = '/api/', fetchImpl: typeof fetch = (...args) => fetch(...args)): Api {
  const call = async (method: ApiMethod, args: unknown[]): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
    } catch {
      return { error: 'the odc-stats host does not answer: is `odc-stats serve` still running?' };
    }
    return (await response.json().catch(() => ({ error: `the host answered ${response.status} without JSON` }))) as unknown;
  };
  const listeners = new Set<(event: ApiEvent) => void>();
  let source: EventSource | undefined;
  return apiOver({
    call,
    onEvent: (listener) => {
      listeners.add(listener);
      if (!source && typeof EventSource !== 'undefined') {
        source = new EventSource(`${base}events`);
        source.onmessage = (message) => {
          const event = JSON.parse(message.data as string) as ApiEvent;
          for (const l of listeners) l(event);
        };
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = undefined;
        }
      };
    },
  });
}
