/** The files the web host serves: the built renderer, under its Content Security Policy, and the favicon. */
import { existsSync, promises as fs } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEB_HOST_CSP } from '../content-security-policy.js';
import { sendJson } from './responses.js';

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

/** assets/favicon.ico of the package, from the sources (src/main/web) as from dist (dist/main/web). */
const FAVICON = fileURLToPath(new URL('../../../assets/favicon.ico', import.meta.url));

/** Where `npm run build` puts the renderer bundle, from the sources or from dist. */
export function defaultRendererDir(): string {
  const self = import.meta.url;
  return fileURLToPath(new URL(self.endsWith('.ts') ? '../../../dist/renderer/' : '../../renderer/', self));
}

/** A file of the renderer; `/` is its index.html. */
export async function sendStatic(rendererDir: string, pathname: string, res: http.ServerResponse): Promise<void> {
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

export async function sendFavicon(res: http.ServerResponse): Promise<void> {
  if (!existsSync(FAVICON)) return sendJson(res, 404, { error: 'no favicon' });
  const body = await fs.readFile(FAVICON);
  res.writeHead(200, { 'content-type': 'image/x-icon', 'x-content-type-options': 'nosniff', 'cache-control': 'max-age=86400' });
  res.end(body);
}
