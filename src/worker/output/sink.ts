import { promises as fs } from 'node:fs';
import path from 'node:path';
import { localPath } from '../../io/local-path.js';
import { commitTemporary, discardTemporary, temporaryPathFor, writeFileAtomic } from '../../io/atomic-file.js';
import { UserError } from '../../shared/errors.js';
import { firstLine } from '../../shared/first-line.js';

/**
 * Where a task's outputs go: a local folder or S3. Every write is atomic — a reader sees the
 * whole file or nothing — so that, with the STAC item written last, a task that looks
 * finished is finished.
 */
export interface OutputSink {
  exists(uri: string): Promise<boolean>;
  write(uri: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Writes a file read in ranges (a COG streamed to a scratch file), never whole in memory. */
  writeFrom(uri: string, body: RangedBody, contentType: string): Promise<void>;
  /** Removes the file, if it is there. */
  remove(uri: string): Promise<void>;
  /** Checks that files can be written under `location`, leaving nothing behind; throws why not. */
  probe(location: string): Promise<void>;
}

/** A file's bytes, read in ranges. */
export interface RangedBody {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** How much of a ranged body is read at once when copying it to a file. */
const COPY_PIECE_BYTES = 8 * 1024 * 1024;

export interface SinkOptions {
  s3Acl?: string;
  unsigned?: boolean;
}

/** The sink of `uri`'s location. The AWS SDK (~20 MiB a process) is loaded only for an s3:// one. */
export async function sinkFor(uri: string, options: SinkOptions = {}): Promise<OutputSink> {
  return uri.startsWith('s3://') ? (await import('./s3-sink.js')).s3Sink(options) : fileSink;
}

/**
 * Fails in one line, before any task, where outputs cannot be written: a folder that cannot be
 * created, a path under a file, a bucket that does not exist.
 */
export async function checkOutputLocation(location: string, options: SinkOptions = {}): Promise<void> {
  try {
    await (await sinkFor(location, options)).probe(location);
  } catch (e) {
    throw new UserError(`cannot write to the output location ${location}: ${firstLine(e)}`);
  }
}

const fileSink: OutputSink = {
  async exists(uri) {
    try {
      await fs.access(localPath(uri));
      return true;
    } catch {
      return false;
    }
  },
  async write(uri, body) {
    const target = localPath(uri);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await writeFileAtomic(target, body);
  },
  async writeFrom(uri, body) {
    const target = localPath(uri);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = temporaryPathFor(target);
    try {
      const file = await fs.open(tmp, 'w');
      try {
        for (let offset = 0; offset < body.size; offset += COPY_PIECE_BYTES) {
          const piece = await body.read(offset, Math.min(COPY_PIECE_BYTES, body.size - offset));
          await file.write(piece, 0, piece.length, offset);
        }
      } finally {
        await file.close();
      }
      await commitTemporary(tmp, target);
    } catch (e) {
      await discardTemporary(tmp);
      throw e;
    }
  },
  async remove(uri) {
    await fs.rm(localPath(uri), { force: true });
  },
  async probe(location) {
    const folder = localPath(location);
    const created = await createFolders(folder);
    const probe = temporaryPathFor(path.join(folder, 'odc-stats-probe'));
    try {
      await fs.writeFile(probe, '');
      await discardTemporary(probe);
    } catch (e) {
      throw new Error(`cannot create a file there (${errnoText(e)})`);
    } finally {
      for (const dir of created.reverse()) await fs.rmdir(dir).catch(() => undefined);
    }
  },
};

/**
 * Creates the missing folders of `folder`, one by one, and returns them. Not `mkdir`'s
 * `recursive`: where a folder cannot be made (under /proc) it spins forever.
 */
async function createFolders(folder: string): Promise<string[]> {
  const missing: string[] = [];
  let dir = folder;
  for (;;) {
    const stat = await fs.stat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw new Error(`cannot look at ${dir} (${errnoText(e)})`);
    });
    if (stat?.isDirectory()) break;
    if (stat) throw new Error(`${dir} is a file, not a folder`);
    missing.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const created: string[] = [];
  for (const dir of missing.reverse()) {
    try {
      await fs.mkdir(dir);
    } catch (e) {
      for (const made of created.reverse()) await fs.rmdir(made).catch(() => undefined);
      throw new Error(`cannot create the folder ${dir} (${errnoText(e)})`);
    }
    created.push(dir);
  }
  return created;
}

/** 'permission denied' of `EACCES: permission denied, mkdir '/x'`. */
function errnoText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return /^[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? firstLine(e);
}
