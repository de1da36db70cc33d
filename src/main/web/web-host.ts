/**
 * The web host: the renderer bundle and the same `Api` the Electron window gets, over HTTP on
 * loopback. POST /api/METHOD takes the method's arguments as a JSON array and answers its
 * result as JSON; GET /api/events streams ApiEvents as Server-Sent Events.
 */
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_METHODS, type Api, type ApiMethod } from '../../shared/api.js';

export interface WebHostOptions {
  api: Api;
  /** The built renderer (index.html and assets). */
  rendererDir?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface WebHost {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;
const SSE_KEEPALIVE_MS = 15_000;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Where `npm run build` puts the renderer bundle, from the sources or from dist. */
export function defaultRendererDir(): string {
  const self = import.meta.url;
  return fileURLToPath(new URL(self.endsWith('.ts') ? '../../../dist/renderer/' : '../../renderer/', self));
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { api } = options;
  const rendererDir = path.resolve(options.rendererDir ?? defaultRendererDir());
  const methods = new Set<string>(API_METHODS);
  const streams = new Set<http.ServerResponse>();
  const unsubscribe = api.onEvent((event) => {
    const data = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of streams) res.write(data);
  });

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `internal error: ${(e as Error)?.message ?? String(e)}` });
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/events' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
      req.on('close', () => {
        clearInterval(keepAlive);
        streams.delete(res);
      });
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      if (req.method !== 'POST' || !methods.has(method)) return sendJson(res, 404, { error: `no such API method: ${method}` });
      // A JSON content type cannot be sent cross-origin without a preflight, which is never granted.
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendJson(res, 415, { error: 'API calls must be application/json' });
      }
      const args = JSON.parse((await readBody(req)) || '[]') as unknown[];
      if (!Array.isArray(args)) return sendJson(res, 400, { error: 'the body must be a JSON array of arguments' });
      const fn = api[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>;
      const result = await fn.apply(api, args);
      return sendJson(res, 200, result ?? null);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' });
    await sendStatic(url.pathname, res);
  }

  async function sendStatic(pathname: string, res: http.ServerResponse): Promise<void> {
    const relative = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    const file = path.resolve(rendererDir, `.${relative}`);
    if (!file.startsWith(rendererDir + path.sep)) return sendJson(res, 403, { error: 'forbidden' });
    if (!existsSync(file)) {
      if (!existsSync(path.join(rendererDir, 'index.html'))) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The renderer is not built: run \`npm run build\` (looked in ${rendererDir}).\n`);
        return;
      }
      return sendJson(res, 404, { error: `not found: ${pathname}` });
    }
    const body = await fs.readFile(file);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': path.basename(file) === 'index.html' ? 'no-cache' : 'max-age=3600',
    });
    res.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostName = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostName}:${address.port}/`,
    close: async () => {
      unsubscribe();
      for (const res of streams) res.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
