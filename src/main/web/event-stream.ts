/** The Api's events to every browser that listens, as Server-Sent Events (GET /api/events). */
import type http from 'node:http';
import type { Api } from '../../shared/api.js';

const KEEPALIVE_MS = 15_000;

export interface EventStreams {
  /** Answers the request with the stream of events from now on, until the client goes. */
  open(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** Ends every stream and stops listening to the Api. */
  close(): void;
}

export function eventStreams(api: Api): EventStreams {
  const streams = new Set<http.ServerResponse>();
  const unsubscribe = api.onEvent((event) => {
    const data = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of streams) res.write(data);
  });
  return {
    open(req, res) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
      req.on('close', () => {
        clearInterval(keepAlive);
        streams.delete(res);
      });
    },
    close() {
      unsubscribe();
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
