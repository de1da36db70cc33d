import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OutputProduct } from '../../shared/run-config.js';
import { removeUnfinishedOutputs } from './unfinished-outputs.js';

const product: OutputProduct = {
  name: 'gm',
  shortName: 'gm',
  version: '1.0.0',
  productFamily: 'statistics',
  regionCodeFormat: 'x{x:02d}y{y:02d}',
  href: 'https://example.invalid/product/gm',
  properties: {},
};
const id = { period: '2021--P1Y', x: 3, y: 4 };

/** A task folder (x03/y04/2021--P1Y) holding the files named. */
function folderWith(files: string[]): { location: string; folder: string } {
  const location = mkdtempSync(path.join(os.tmpdir(), 'unfinished-'));
  const folder = path.join(location, 'x03', 'y04', '2021--P1Y');
  mkdirSync(folder, { recursive: true });
  for (const file of files) writeFileSync(path.join(folder, file), '');
  return { location, folder };
}

describe('removeUnfinishedOutputs', () => {
  it('removes a set without its STAC item: its bands, checksums, previews, EO3 metadata and the temporaries of their writes, and nothing else', async () => {
    const { location, folder } = folderWith([
      'gm_x03y04_2021--P1Y_B02.tif',
      'gm_x03y04_2021--P1Y_rgba.tif',
      'gm_x03y04_2021--P1Y_thumbnail.png',
      'gm_x03y04_2021--P1Y_thumbnail.jpg',
      'gm_x03y04_2021--P1Y.sha1',
      'gm_x03y04_2021--P1Y.proc-info.yaml',
      'gm_x03y04_2021--P1Y.odc-metadata.yaml',
      '.gm_x03y04_2021--P1Y_COUNT.tif.1234-0a1b2c3d.tmp',
      '.gm_x03y04_2021--P1Y.stac-item.json.99-e4f5a6b7.tmp',
      // Not the task's: another band set, another product, a file of the user's.
      'gm_x03y04_2021--P1Y_final_B02.tif',
      'other_x03y04_2021--P1Y_B02.tif',
      'notes.txt',
    ]);
    await removeUnfinishedOutputs({ location, product, id }, ['B02', 'COUNT']);
    expect(readdirSync(folder).sort()).toEqual(['gm_x03y04_2021--P1Y_final_B02.tif', 'notes.txt', 'other_x03y04_2021--P1Y_B02.tif']);
  });

  it('keeps a finished set, and does nothing where the task has no folder or the location is on S3', async () => {
    const finished = ['gm_x03y04_2021--P1Y.stac-item.json', 'gm_x03y04_2021--P1Y_B02.tif', 'gm_x03y04_2021--P1Y.sha1'];
    const { location, folder } = folderWith(finished);
    await removeUnfinishedOutputs({ location, product, id }, ['B02']);
    expect(readdirSync(folder).sort()).toEqual([...finished].sort());
    await removeUnfinishedOutputs({ location: path.join(location, 'nothing-here'), product, id }, ['B02']);
    await removeUnfinishedOutputs({ location: 's3://bucket/gm', product, id }, ['B02']);
  });
});
