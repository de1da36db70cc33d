import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../../shared/errors.js';

export interface MetricsAddress {
  host: string;
  port: number;
}

export interface MetricsServer {
  /** http://HOST:PORT/metrics, with the port bound (port 0 asks for any free one). */
  url: string;
  close(): Promise<void>;
}

/** A pod's metrics must be reachable from Prometheus, so a bare port listens on every interface. */
const DEFAULT_HOST = '0.0.0.0';

/** `--metrics-port`: PORT, HOST:PORT or [IPV6]:PORT. */
export function parseMetricsAddress(text: string): MetricsAddress {
  const match = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new UserError(`invalid --metrics-port '${text}': expected a port (9100) or HOST:PORT (127.0.0.1:9100)`);
  return { host: match[1]?.replace(/^\[|\]$/g, '') ?? DEFAULT_HOST, port };
}

/** Serves `render()` at GET /metrics in Prometheus' text format until closed. */
export async function serveMetrics(render: () => string, address: MetricsAddress): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the metrics are at /metrics\n');
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(request.method === 'HEAD' ? undefined : render());
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${address.host}:${address.port}`;
      if (e.code === 'EADDRINUSE') reject(new UserError(`cannot serve metrics on ${where}: the port is in use`));
      else if (e.code === 'EACCES') reject(new UserError(`cannot serve metrics on ${where}: permission denied`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new UserError(`cannot serve metrics on ${where}: no such address on this machine`));
      else reject(e);
    });
    server.listen(address.port, address.host, resolve);
  });
  const { address: host, port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
