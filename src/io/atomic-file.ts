/**
 * Files written whole or not at all, through a temporary beside the final name and a rename, by
 * the host (task caches, plans, projects) and by task processes (outputs) alike.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Temporary files still being written, so that an interrupted process (Ctrl-C, SIGTERM, a task
 * process whose host is gone) can remove them on its way out and never leave a half-written
 * output behind.
 */
const pending = new Set<string>();

export function temporaryPathFor(finalPath: string): string {
  const dir = path.dirname(finalPath);
  const base = path.basename(finalPath);
  const tmp = path.join(dir, `.${base}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  pending.add(tmp);
  return tmp;
}

/**
 * Whether a folder entry is a temporary of a write of `name`, by this process or another; what
 * a killed process left is found this way.
 */
export function isTemporaryOf(entry: string, name: string): boolean {
  return entry.startsWith(`.${name}.`) && /^\.\d+-[0-9a-f]{8}\.tmp$/.test(entry.slice(name.length + 1));
}

/** Moves a finished temporary file over its final name (atomic on one file system). */
export async function commitTemporary(tmp: string, finalPath: string): Promise<void> {
  await fs.rename(tmp, finalPath);
  pending.delete(tmp);
}

export async function discardTemporary(tmp: string): Promise<void> {
  await fs.rm(tmp, { force: true });
  pending.delete(tmp);
}

/** Removes every temporary file not yet committed; safe to call from a signal handler. */
export function discardAllPendingSync(): void {
  for (const tmp of pending) {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
  }
  pending.clear();
}

/** Writes `content` to `finalPath` through a temporary file and a rename. */
export async function writeFileAtomic(finalPath: string, content: string | Uint8Array): Promise<void> {
  const tmp = temporaryPathFor(finalPath);
  try {
    await fs.writeFile(tmp, content);
    await commitTemporary(tmp, finalPath);
  } catch (e) {
    await discardTemporary(tmp);
    throw e;
  }
}
