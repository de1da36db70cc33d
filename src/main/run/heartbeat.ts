import { promises as fs } from 'node:fs';

/** How often a running `odc-stats run` rewrites its heartbeat file. */
const HEARTBEAT_MS = 5_000;

/**
 * Rewrites the heartbeat file with the current time; a liveness probe checks its age. A write
 * that fails (a full disk, say) is not the worker's failure: the probe will tell.
 */
export async function beat(file: string | undefined): Promise<void> {
  if (!file) return;
  await fs.writeFile(file, `${new Date().toISOString()}\n`).catch(() => undefined);
}

/** Beats now and every few seconds until the returned function is called. */
export function startHeartbeat(file: string): () => void {
  void beat(file);
  const timer = setInterval(() => void beat(file), HEARTBEAT_MS);
  return () => clearInterval(timer);
}
