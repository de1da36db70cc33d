/**
 * A smoke test of the Electron shell: the window opens, the preload exposes the Api, and the
 * version comes back over IPC. Runs where an Electron binary exists (not on machines that
 * could not download it); says so when skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/paths.js';

function electronBinary(): string | undefined {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
if (!binary) console.log('electron smoke test skipped: no Electron binary (node_modules/electron has none; it is not downloaded here)');

describe.skipIf(!binary)('the Electron shell', () => {
  it('opens the window with the Api from the preload', async () => {
    if (!existsSync(path.join(ROOT, 'dist', 'main', 'electron.js'))) {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
    }
    const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'odc-stats-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: [path.join(ROOT, 'dist', 'main', 'electron.js'), '--no-sandbox'],
      env: { ...process.env, ODC_STATS_WORKSPACE: workspace },
    });
    try {
      const page = await app.firstWindow();
      await page.getByRole('button', { name: 'New project' }).waitFor();
      const version = await page.evaluate(() => window.odcStats!.call('version', []));
      expect(version).toMatch(/^\d+\.\d+\.\d+/);
      expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    } finally {
      await app.close();
      await fs.rm(workspace, { recursive: true, force: true });
    }
  });
});
