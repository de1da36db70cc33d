/**
 * The web host: the renderer bundle and the same `Api` the Electron window gets, over HTTP on
 * loopback. POST /api/METHOD takes the method's arguments as a JSON array and answers its
 * result as JSON; GET /api/events streams ApiEvents as Server-Sent Events. Only the holder of
 * the token in the printed URL gets anything but a page that says so (see web-access.ts).
 */
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_METHODS, type Api, type ApiMethod } from '../../shared/api.js';
import { WEB_HOST_CSP } from '../content-security-policy.js';
import { allowedHostHeaders, foreignRequest, hostForm, newToken, presentedToken, tokenCookie, tokenMatches } from './web-access.js';

export interface WebHostOptions {
  api: Api;
  /** The built renderer (index.html and assets). */
  rendererDir?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The access token; a random one by default. */
  token?: string;
}

export interface WebHost {
  /** The URL to open: the host's address with the token, which a browser trades for a cookie. */
  url: string;
  /** `http://ADDRESS:PORT`, without the token. */
  origin: string;
  token: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
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

const REFUSED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>odc-stats desktop</title></head>
<body><p>Open the URL that <code>odc-stats serve</code> printed (it carries the access token).</p></body></html>
`;

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { api } = options;
  const token = options.token ?? newToken();
  let port = 0;
  let allowedHosts = new Set<string>();
  const rendererDir = path.resolve(options.rendererDir ?? defaultRendererDir());
  const methods = new Set<string>(API_METHODS);
  const streams = new Set<http.ServerResponse>();
  const unsubscribe = api.onEvent((event) => {
    const data = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of streams) res.write(data);
  });

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (res.headersSent) res.end();
      else if (e instanceof HttpError) sendJson(res, e.status, { error: e.message });
      else sendJson(res, 500, { error: `internal error: ${(e as Error)?.message ?? String(e)}` });
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const foreign = foreignRequest(req, allowedHosts);
    if (foreign) return sendJson(res, 403, { error: `refused: ${foreign}` });
    const url = new URL(req.url ?? '/', 'http://localhost');
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && (req.method === 'GET' || req.method === 'HEAD')) {
      if (!tokenMatches(queryToken, token)) return sendRefused(url, res);
      url.searchParams.delete('token');
      res.writeHead(302, { location: `${url.pathname}${url.search}`, 'set-cookie': tokenCookie(port, token), 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (!tokenMatches(presentedToken(req, port), token)) return sendRefused(url, res);
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
      const args = parseArguments(await readBody(req));
      const fn = api[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>;
      const result = await fn.apply(api, args);
      return sendJson(res, 200, result ?? null);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' });
    await sendStatic(url.pathname, res);
  }

  function sendRefused(url: URL, res: http.ServerResponse): void {
    if (url.pathname.startsWith('/api/')) return sendJson(res, 403, { error: 'refused: no valid access token' });
    res.writeHead(403, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': WEB_HOST_CSP, 'cache-control': 'no-store' });
    res.end(REFUSED_PAGE);
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
      'content-security-policy': WEB_HOST_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': path.basename(file) === 'index.html' ? 'no-cache' : 'max-age=3600',
    });
    res.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  port = address.port;
  allowedHosts = allowedHostHeaders(address.address, port);
  // Bound to every interface, the URL to print is the loopback one; the others work as well.
  const urlHost = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : hostForm(address.address);
  const origin = `http://${urlHost}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
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

const TOO_LARGE = `the request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`;

/** The body as text; past the limit, the rest is read and dropped so that the client gets the 413. */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const refuse = () => {
      refused = true;
      chunks.length = 0;
      reject(new HttpError(413, TOO_LARGE));
    };
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) refuse();
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) refuse();
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseArguments(body: string): unknown[] {
  let args: unknown;
  try {
    args = JSON.parse(body || '[]');
  } catch (e) {
    throw new HttpError(400, `the body is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(args)) throw new HttpError(400, 'the body must be a JSON array of arguments');
  return args;
}
