/**
 * Before the e2e tests: the renderer bundle (built when missing or older than its sources) and
 * the sample catalogue (written once, in a child process, while the bundle builds).
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { RENDERER_DIR, ROOT, SAMPLE_CACHE } from './paths.js';

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

async function buildRenderer(): Promise<void> {
  const index = path.join(RENDERER_DIR, 'index.html');
  if (existsSync(index)) {
    const built = statSync(index).mtimeMs;
    const sources = Math.max(await newestSource(path.join(ROOT, 'src', 'renderer')), await newestSource(path.join(ROOT, 'src', 'shared')));
    if (built > sources) return;
  }
  await build({ configFile: path.join(ROOT, 'vite.renderer.config.ts'), logLevel: 'warn' });
}

function writeSample(): Promise<void> {
  if (existsSync(path.join(SAMPLE_CACHE, 'catalog.json'))) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'e2e', 'support', 'write-sample.ts'), SAMPLE_CACHE], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writing the sample catalogue failed (exit ${code})`))));
  });
}

export default async function setup(): Promise<void> {
  await Promise.all([buildRenderer(), writeSample()]);
}
