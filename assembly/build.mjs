// Compiles assembly/geomedian.ts to src/worker/kernels/geomedian.wasm (committed, so tests run
// without a build) and copies it beside the compiled wrapper in dist/, since tsc copies only
// what it compiles. Run by `npm run build:wasm`.
import asc from 'assemblyscript/asc';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const output = 'src/worker/kernels/geomedian.wasm';
const { error } = await asc.main(
  ['assembly/geomedian.ts', '--outFile', output, '-O3', '--enable', 'simd', '--runtime', 'stub', '--noAssert'],
  { stdout: process.stdout, stderr: process.stderr },
);
if (error) {
  process.stderr.write(`build:wasm: ${error.message}\n`);
  process.exit(1);
}
mkdirSync('dist/worker/kernels', { recursive: true });
copyFileSync(output, 'dist/worker/kernels/geomedian.wasm');
