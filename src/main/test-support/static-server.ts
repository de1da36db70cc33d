import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.html': 'text/html',
};

/** Serves the files under `dir` read-only on 127.0.0.1; `url` ends with a slash. */
export async function serveDirectory(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const root = path.resolve(dir);
  const server = createServer((request, response) => {
    const requestPath = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = path.join(root, requestPath);
    if (request.method !== 'GET' || !file.startsWith(root + path.sep)) {
      response.writeHead(request.method === 'GET' ? 403 : 405).end();
      return;
    }
    readFile(file).then(
      (content) => {
        const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
        response.writeHead(200, { 'Content-Type': type, 'Content-Length': content.length }).end(content);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
