/**
 * Who may drive the web host: the holder of the token printed at start (as Jupyter does),
 * through a browser that names one of the host's own addresses. The token defeats other
 * pages and other users of the network; the Host check defeats DNS rebinding (a foreign name
 * resolving to 127.0.0.1), the Origin check cross-site requests.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { isIP } from 'node:net';
import os from 'node:os';

const TOKEN_HEADER = 'x-odc-stats-token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return name === 'localhost' || name === '::1' || (isIP(name) === 4 && name.startsWith('127.'));
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/** An address as it appears in a Host header or URL: IPv6 in brackets. */
export function hostForm(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/**
 * The Host headers the host answers, lower-cased: its loopback names and the address it is
 * bound to; bound to every interface, the addresses of each and the machine's name.
 */
export function allowedHostHeaders(boundAddress: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (isWildcard(boundAddress)) {
    for (const addresses of Object.values(os.networkInterfaces())) for (const a of addresses ?? []) names.add(hostForm(a.address));
    names.add(os.hostname());
  } else {
    names.add(hostForm(boundAddress));
  }
  const hosts = new Set<string>();
  for (const name of names) {
    hosts.add(`${name.toLowerCase()}:${port}`);
    if (port === 80) hosts.add(name.toLowerCase());
  }
  return hosts;
}

/** Why a request is refused before authentication, or undefined when its Host and Origin are the host's own. */
export function foreignRequest(req: http.IncomingMessage, allowedHosts: Set<string>): string | undefined {
  const host = req.headers.host?.toLowerCase();
  if (!host || !allowedHosts.has(host)) return `unknown Host '${req.headers.host ?? ''}'`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) return `cross-origin request from ${origin}`;
  return undefined;
}

/** One cookie per port: hosts on other ports of the same machine keep their own. */
function tokenCookieName(port: number): string {
  return `odc-stats-token-${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The token a request presents: its cookie, an `Authorization: Bearer` or an X-ODC-Stats-Token header. */
export function presentedToken(req: http.IncomingMessage, port: number): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1];
  const name = `${tokenCookieName(port)}=`;
  return req.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(name))
    ?.slice(name.length);
}

export function tokenMatches(presented: string | null | undefined, token: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
