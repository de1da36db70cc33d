/**
 * What an unfinished task leaves in a local output folder — band COGs of a set without its STAC
 * item, temporaries of writes cut short — removed, whoever noticed: the worker when its task
 * fails or is cancelled, the host when it had to kill the worker.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isTemporaryOf } from '../../io/atomic-file.js';
import { bandFileName, previewFileName, quicklookFileName, sha1FileName, stacItemFileName, taskFolder } from '../../shared/output-layout.js';
import type { WorkerTask } from '../../shared/task-messages.js';
import { localPath } from '../../io/local-path.js';
import { odcMetadataFileName, procInfoFileName } from '../eo3/dataset-document.js';

type TaskOutputs = Pick<WorkerTask, 'location' | 'product' | 'id'>;

/** The names of every file a task writes in its folder, the STAC item last. */
function taskOutputNames(task: TaskOutputs, bands: readonly string[]): string[] {
  const { product, id } = task;
  return [
    ...bands.map((band) => bandFileName(product, id, band)),
    quicklookFileName(product, id),
    previewFileName(product, id, 'png'),
    previewFileName(product, id, 'jpg'),
    sha1FileName(product, id),
    procInfoFileName(product, id),
    odcMetadataFileName(product, id),
    stacItemFileName(product, id),
  ];
}

/**
 * Removes the task's files and temporaries from its local folder unless its STAC item is there
 * (the set is finished). On S3 nothing is removed: an object appears whole or not at all, and a
 * set without its item, written last, counts as not done and is computed again.
 */
export async function removeUnfinishedOutputs(task: TaskOutputs, bands: readonly string[]): Promise<void> {
  if (task.location.startsWith('s3://')) return;
  const folder = localPath(taskFolder(task.location, task.product, task.id));
  let entries: string[];
  try {
    entries = await fs.readdir(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const names = taskOutputNames(task, bands);
  if (entries.includes(stacItemFileName(task.product, task.id))) return;
  const unfinished = entries.filter((entry) => names.some((name) => entry === name || isTemporaryOf(entry, name)));
  await Promise.all(unfinished.map((entry) => fs.rm(path.join(folder, entry), { force: true })));
}
