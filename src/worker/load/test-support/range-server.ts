/**
 * An HTTP server on 127.0.0.1 for byte-range reads of in-memory files, which records every
 * request and the bytes it sent, and can be told to fail the next requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface ServedRequest {
  path: string;
  range: string | undefined;
  status: number;
  bytesSent: number;
}

export interface RangeServer {
  /** Ends with a slash. */
  url: string;
  requests: ServedRequest[];
  /** The next `count` requests are answered with `status` and `body` (default empty). */
  failNext(count: number, status: number, body?: string): void;
  /** The next `count` requests have their connection dropped. */
  dropNext(count: number): void;
  stop(): Promise<void>;
}

export async function serveFiles(files: ReadonlyMap<string, Uint8Array>): Promise<RangeServer> {
  const requests: ServedRequest[] = [];
  let failures: Array<{ status: number; body: string }> = [];
  let drops = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname).slice(1);
    const range = request.headers.range;
    const record = (status: number, bytesSent: number) => requests.push({ path, range, status, bytesSent });
    if (drops > 0) {
      drops--;
      record(0, 0);
      request.socket.destroy();
      return;
    }
    const failure = failures.shift();
    if (failure !== undefined) {
      record(failure.status, 0);
      response.writeHead(failure.status, failure.body ? { 'Content-Type': 'application/xml' } : {}).end(failure.body);
      return;
    }
    const file = files.get(path);
    if (!file) {
      record(404, 0);
      response.writeHead(404).end();
      return;
    }
    const match = range ? /^bytes=(\d+)-(\d+)?$/.exec(range) : null;
    if (!match) {
      record(200, file.length);
      response.writeHead(200, { 'Content-Length': file.length }).end(file);
      return;
    }
    const start = Number(match[1]);
    if (start >= file.length) {
      record(416, 0);
      response.writeHead(416, { 'Content-Range': `bytes */${file.length}` }).end();
      return;
    }
    const end = Math.min(match[2] === undefined ? file.length - 1 : Number(match[2]), file.length - 1);
    const body = file.subarray(start, end + 1);
    record(206, body.length);
    response
      .writeHead(206, { 'Content-Length': body.length, 'Content-Range': `bytes ${start}-${end}/${file.length}` })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    failNext: (count, status, body = '') => {
      failures = failures.concat(Array.from({ length: count }, () => ({ status, body })));
    },
    dropNext: (count) => {
      drops += count;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
