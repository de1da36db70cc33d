/**
 * Where a task's outputs go, exactly as odc-stats lays them out (odc/stats/model.py: `Task.location`,
 * `Task._prefix`, `Task.paths`, `Task.aux_path`, `Task.metadata_path`; odc/stats/io.py: the
 * `.stac-item.json` and `.sha1` suffixes and the `_thumbnail.jpg` name):
 *
 *   {location}/{region code, first half}/{second half}/{period}/
 *       {short_name}_{region code}_{period}[_{maturity}]_{band}.tif
 *       {short_name}_{region code}_{period}[_{maturity}].stac-item.json
 *
 * With the default region code format 'x{x:02d}y{y:02d}', tile (3, 4) of 2021--P1Y lands in
 * `x03/y04/2021--P1Y/`. Locations are `s3://` or `file://` URIs or plain paths; plain paths stay
 * plain, and parts are joined with '/'.
 */
import { UserError } from './errors.js';
import { regionCode } from './grid.js';
import type { OutputProduct } from './run-config.js';
import type { TaskId } from './task-id.js';

/** What of a product names its files. */
export type ProductNaming = Pick<OutputProduct, 'shortName' | 'regionCodeFormat' | 'maturity'>;

export type PreviewFormat = 'jpg' | 'png';

/**
 * The task's folder relative to the product's location: the region code cut in half (in
 * odc-stats' way, at half its length rounded down), then the period.
 */
export function taskLocation(product: ProductNaming, task: TaskId): string {
  const code = regionCode(task, product.regionCodeFormat);
  const middle = Math.floor(code.length / 2);
  return `${code.slice(0, middle)}/${code.slice(middle)}/${task.period}`;
}

/** The start every file name of the task shares: `{short_name}_{region code}_{period}[_{maturity}]`. */
export function taskFilePrefix(product: ProductNaming, task: TaskId): string {
  const prefix = `${product.shortName}_${regionCode(task, product.regionCodeFormat)}_${task.period}`;
  return product.maturity === undefined ? prefix : `${prefix}_${product.maturity}`;
}

/** The folder of the task's files. */
export function taskFolder(location: string, product: ProductNaming, task: TaskId): string {
  if (location === '') throw new UserError('the output location is empty');
  return `${location.replace(/\/+$/, '')}/${taskLocation(product, task)}`;
}

/** The task's folder and file prefix (odc-stats `Task._prefix('absolute')`): every output path is this plus a suffix. */
export function taskOutputPrefix(location: string, product: ProductNaming, task: TaskId): string {
  return `${taskFolder(location, product, task)}/${taskFilePrefix(product, task)}`;
}

export function bandFileName(product: ProductNaming, task: TaskId, band: string): string {
  return `${taskFilePrefix(product, task)}_${band}.tif`;
}

export function stacItemFileName(product: ProductNaming, task: TaskId): string {
  return `${taskFilePrefix(product, task)}.stac-item.json`;
}

/** The checksum file: one `SHA1  FILE NAME` line per file of the task. */
export function sha1FileName(product: ProductNaming, task: TaskId): string {
  return `${taskFilePrefix(product, task)}.sha1`;
}

/** The full-resolution RGBA COG of the task, odc-stats' `rgba` auxiliary band. */
export function quicklookFileName(product: ProductNaming, task: TaskId): string {
  return `${taskFilePrefix(product, task)}_rgba.tif`;
}

/** The small preview image, odc-stats' thumbnail (a JPEG there; PNG allowed here). */
export function previewFileName(product: ProductNaming, task: TaskId, format: PreviewFormat = 'jpg'): string {
  return `${taskFilePrefix(product, task)}_thumbnail.${format}`;
}

export function bandPath(location: string, product: ProductNaming, task: TaskId, band: string): string {
  return `${taskFolder(location, product, task)}/${bandFileName(product, task, band)}`;
}

/** The STAC item, written last: a task is finished when this exists. */
export function stacItemPath(location: string, product: ProductNaming, task: TaskId): string {
  return `${taskFolder(location, product, task)}/${stacItemFileName(product, task)}`;
}

export function sha1Path(location: string, product: ProductNaming, task: TaskId): string {
  return `${taskFolder(location, product, task)}/${sha1FileName(product, task)}`;
}

export function quicklookPath(location: string, product: ProductNaming, task: TaskId): string {
  return `${taskFolder(location, product, task)}/${quicklookFileName(product, task)}`;
}

export function previewPath(location: string, product: ProductNaming, task: TaskId, format: PreviewFormat = 'jpg'): string {
  return `${taskFolder(location, product, task)}/${previewFileName(product, task, format)}`;
}
