/**
 * The test models in treelite's compiled form, built from their C sources here with gcc, as
 * treelite builds its generated code. A machine without gcc cannot build them: its tests skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HAS_GCC = spawnSync('gcc', ['--version']).status === 0;

/** test-support/`name`.c compiled into `dir`/`name`.so; the library's path. */
export function compileTreeliteModel(name: 'woody-treelite' | 'woody-tl2cgen' | 'cultivated-treelite', dir: string): string {
  const source = fileURLToPath(new URL(`./${name}.c`, import.meta.url));
  const file = path.join(dir, `${name}.so`);
  execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', file, source]);
  return file;
}
