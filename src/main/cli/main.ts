import { discardAllPendingSync } from '../../io/atomic-file.js';
import { main } from './program.js';

// A reader that stops early (`odc-stats run --dryrun | head`) is no error of ours: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    discardAllPendingSync();
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await main(process.argv.slice(2));
