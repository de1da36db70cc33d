import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createApiService } from '../api-service.js';
import { isLoopbackHost } from '../web/web-access.js';
import { startWebHost } from '../web/web-host.js';
import type { CliIo } from './cli-io.js';

/** `odc-stats serve`: the desktop app in a browser, for machines without the Electron binary. */
export function serveCommand(io: CliIo): Command {
  return new Command('serve')
    .description('Serve the desktop app and its Api over HTTP on loopback (open the printed URL, which carries the access token, in a browser)')
    .option('--port <N>', 'port; 0 picks a free one', parsePort, 8765)
    .option('--host <ADDRESS>', 'address to listen on (keep it loopback: the Api reads and writes your files)', '127.0.0.1')
    .option('--workspace <DIR>', 'folder for plans, outputs, projects and the sample catalogue', 'odc-stats-workspace')
    .option('--renderer <DIR>', 'the built renderer bundle (default: dist/renderer)')
    .action(async (flags: { port: number; host: string; workspace: string; renderer?: string }) => {
      const api = createApiService({ workspace: path.resolve(flags.workspace) });
      const host = await startWebHost({ api, host: flags.host, port: flags.port, ...(flags.renderer && { rendererDir: flags.renderer }) });
      if (!isLoopbackHost(flags.host)) {
        io.err(`warning: listening on ${flags.host}, beyond this machine: whoever has the URL with its token can read and write your files through the app`);
      }
      io.out(`odc-stats desktop (web host) at ${host.url}  workspace: ${path.resolve(flags.workspace)}  (Ctrl-C stops)`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          api.close();
          void host.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number 0–65535');
  return port;
}
