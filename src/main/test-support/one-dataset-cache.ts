import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { saveTasks } from '../planner/save-tasks.js';

/**
 * A task cache in `dir` of one task (2021--P1Y/10/20 of `epsg:4326;0.1;10`) with one dataset of
 * collection `prod` whose SCL file does not exist: for tests of what happens before a task reads.
 */
export async function oneDatasetCache(dir: string): Promise<string> {
  const item = {
    type: 'Feature',
    stac_version: '1.0.0',
    id: 'one',
    collection: 'prod',
    geometry: { type: 'Polygon', coordinates: [[[10.2, 20.2], [10.8, 20.2], [10.8, 20.8], [10.2, 20.8], [10.2, 20.2]]] },
    properties: { datetime: '2021-03-10T10:00:00Z' },
    assets: { SCL: { href: './missing/SCL.tif', type: 'image/tiff' } },
    links: [],
  };
  writeFileSync(path.join(dir, 'items.ndjson'), JSON.stringify(item));
  return (await saveTasks({ catalog: path.join(dir, 'items.ndjson'), inputProducts: ['prod'], grid: 'epsg:4326;0.1;10', year: 2021, output: path.join(dir, 'plan.db') })).db;
}
