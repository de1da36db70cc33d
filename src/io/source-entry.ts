import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const require = createRequire(import.meta.url);

function fromSource(entry: URL): boolean {
  return entry.pathname.endsWith('.ts');
}

/**
 * The Node options a process needs to run `entry`: none for built JavaScript; for a TypeScript
 * source (tests, `tsx`), tsx's loader by its path, so that it is found from any folder.
 */
export function execArgvFor(entry: URL): string[] {
  return fromSource(entry) ? ['--import', pathToFileURL(require.resolve('tsx')).href] : [];
}

/**
 * A worker thread running `entry`. A TypeScript source runs through tsx, registered in the
 * thread first: Node 20 does not apply an `--import` loader given in a worker's execArgv.
 */
export function startWorker(entry: URL, options: WorkerOptions): Worker {
  if (!fromSource(entry)) return new Worker(entry, options);
  const api = tsxEsmApi();
  const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/** tsx's ESM API (`tsx/esm/api` under the import condition, which `require.resolve` cannot ask for), by its URL. */
function tsxEsmApi(): string {
  const manifest = require.resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api']!.import.default)).href;
}
