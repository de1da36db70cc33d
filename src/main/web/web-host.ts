/**
 * The web host: the renderer bundle and the same `Api` the Electron window gets, over HTTP on
 * loopback. POST /api/METHOD takes the method's arguments as a JSON array and answers its
 * result as JSON; GET /api/events streams ApiEvents as Server-Sent Events. Only the holder of
 * the token in the printed URL gets anything but a page that says so (see web-access.ts), and
 * the favicon, which reveals nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { callApiMethod, isApiMethod, type Api } from '../../shared/api.js';
import { WEB_HOST_CSP } from '../content-security-policy.js';
import { eventStreams, type EventStreams } from './event-stream.js';
import { HttpError, sendJson } from './responses.js';
import { defaultRendererDir, sendFavicon, sendStatic } from './static-files.js';
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

/** What answering a request needs; the port and the Host headers are known once the server listens. */
interface HostState {
  api: Api;
  token: string;
  rendererDir: string;
  events: EventStreams;
  port: number;
  allowedHosts: Set<string>;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;

const REFUSED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>odc-stats desktop</title></head>
<body><p>Open the URL that <code>odc-stats serve</code> printed (it carries the access token).</p></body></html>
`;

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host: HostState = {
    api: options.api,
    token: options.token ?? newToken(),
    rendererDir: path.resolve(options.rendererDir ?? defaultRendererDir()),
    events: eventStreams(options.api),
    port: 0,
    allowedHosts: new Set(),
  };
  const server = http.createServer((req, res) => {
    void route(host, req, res).catch((e: unknown) => {
      if (res.headersSent) res.end();
      else if (e instanceof HttpError) sendJson(res, e.status, { error: e.message });
      else sendJson(res, 500, { error: `internal error: ${(e as Error)?.message ?? String(e)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  host.port = address.port;
  host.allowedHosts = allowedHostHeaders(address.address, host.port);
  // Bound to every interface, the URL to print is the loopback one; the others work as well.
  const urlHost = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : hostForm(address.address);
  const origin = `http://${urlHost}:${host.port}`;
  return {
    url: `${origin}/?token=${host.token}`,
    origin,
    token: host.token,
    close: async () => {
      host.events.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A request from the host's own page or a script: the favicon to anyone; with the token, the Api, its events or the renderer. */
async function route(host: HostState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const foreign = foreignRequest(req, host.allowedHosts);
  if (foreign) return sendJson(res, 403, { error: `refused: ${foreign}` });
  const url = new URL(req.url ?? '/', 'http://localhost');
  const reading = req.method === 'GET' || req.method === 'HEAD';
  if (url.pathname === '/favicon.ico' && reading) return sendFavicon(res);
  if (!admitted(host, req, url, res)) return;
  if (url.pathname === '/api/events' && req.method === 'GET') return host.events.open(req, res);
  if (url.pathname.startsWith('/api/')) return callApi(host.api, url.pathname.slice('/api/'.length), req, res);
  if (!reading) return sendJson(res, 405, { error: 'method not allowed' });
  await sendStatic(host.rendererDir, url.pathname, res);
}

/** True when the request presents the token; otherwise it has been answered. */
function admitted(host: HostState, req: http.IncomingMessage, url: URL, res: http.ServerResponse): boolean {
  const queryToken = url.searchParams.get('token');
  if (queryToken !== null && (req.method === 'GET' || req.method === 'HEAD')) {
    if (tokenMatches(queryToken, host.token)) tradeTokenForCookie(host, url, res);
    else sendRefused(url, res);
    return false;
  }
  if (tokenMatches(presentedToken(req, host.port), host.token)) return true;
  sendRefused(url, res);
  return false;
}

/** A page opened with the token in its URL is sent to the same URL without it, with the token as a cookie. */
function tradeTokenForCookie(host: HostState, url: URL, res: http.ServerResponse): void {
  url.searchParams.delete('token');
  res.writeHead(302, { location: `${url.pathname}${url.search}`, 'set-cookie': tokenCookie(host.port, host.token), 'cache-control': 'no-store' });
  res.end();
}

function sendRefused(url: URL, res: http.ServerResponse): void {
  if (url.pathname.startsWith('/api/')) return sendJson(res, 403, { error: 'refused: no valid access token' });
  res.writeHead(403, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': WEB_HOST_CSP, 'cache-control': 'no-store' });
  res.end(REFUSED_PAGE);
}

async function callApi(api: Api, method: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'POST' || !isApiMethod(method)) return sendJson(res, 404, { error: `no such API method: ${method}` });
  // A JSON content type cannot be sent cross-origin without a preflight, which is never granted.
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return sendJson(res, 415, { error: 'API calls must be application/json' });
  }
  const args = parseArguments(await readBody(req));
  const result = await callApiMethod(api, method, args);
  sendJson(res, 200, result ?? null);
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
