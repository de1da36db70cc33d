import { promises as fs } from 'node:fs';

/**
 * Rewrites the heartbeat file with the current time; a liveness probe checks its age. A write
 * that fails (a full disk, say) is not the worker's failure: the probe will tell.
 */
export async function beat(file: string | undefined): Promise<void> {
  if (!file) return;
  await fs.writeFile(file, `${new Date().toISOString()}\n`).catch(() => undefined);
}
